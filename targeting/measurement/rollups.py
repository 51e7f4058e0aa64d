"""Building the rollups from the raw event log: incremental, exactly once, rebuildable.

``roll_up`` adds the raw events past the cursor (``RollupCursor``) to the hourly and daily cells
in one transaction with the cursor's move, so an event is added exactly once however often the
task runs or crashes. Events are read by id, not by time: a late event (an old ``at`` arriving
today) lands in its own old hour and day. Duplicates never reach the log (``RawEvent`` is unique
on the client's id). Distinct visitors are counted with ``VisitorMark``: a visitor adds one to a
day's cell only the first time.

``rebuild`` deletes the cells from a day on and adds every raw event of those days again, with
the same code; running it twice gives the same rows. The raw log keeps
``RAW_EVENT_RETENTION_DAYS``; days before what it still holds are left as they are.

A conversion is a product application, a ``goal`` event, a ``form_submit`` of a form named by a
``ConversionGoal`` or a ``page_view`` of a goal page. It counts in the cell of the campaign,
creative, placement and segment the event carries (applications carry their attribution), or
else of the visitor's last click, or last seen impression, within the attribution window of
the conversion's goal (``Goals``: a goal's own window, else ``ATTRIBUTION_WINDOW_DAYS``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from targeting.measurement.models import (
    ConversionGoal,
    DailyRollup,
    HourlyRollup,
    MonthlyRollup,
    RollupCursor,
    VisitorMark,
)
from targeting.tracking import tasks
from targeting.tracking.attribution import Touch, attribution_window, choose_touch, touches_of
from targeting.tracking.models import RawEvent

logger = logging.getLogger("targeting.measurement")

CURSOR = "events"
#: Events received within this many seconds are left for the next run: a transaction that took
#: its id earlier may not have committed yet (the nightly reconcile catches any straggler).
SETTLE = timedelta(seconds=10)
CHUNK = 20000
TYPES = (
    "impression",
    "click",
    "application",
    "goal",
    "form_submit",
    "page_view",
    "offer_response",
)
#: Push offers' outcomes (``offer_response`` events from targeting.push.outcomes) count in the
#: cell of campaign ``offer:<offer slug>``, segment = the audience the message was decided in,
#: channel = the push channel: a send as an impression, a click as a click, a conversion as a
#: conversion. Push reads them back as propensities (``queries.offer_outcomes``).
OFFER_CAMPAIGN_PREFIX = "offer:"
OFFER_MEASURES = {"sent": (1, 0, 0, 0), "click": (0, 1, 0, 0), "conversion": (0, 0, 1, 0)}
DIMENSIONS = ("campaign", "creative", "placement", "segment", "channel", "device")
MEASURES = ("impressions", "clicks", "conversions", "applications")
_MASK = (1 << 63) - 1
#: Rows per INSERT: few round trips, and within SQLite's 32,766 parameters (13 and 3 per row).
CELLS_PER_STATEMENT = 2000
MARKS_PER_STATEMENT = 5000


def site_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_start(day: date) -> date:
    return day.replace(day=1)


def day_start(day: date) -> datetime:
    """The first moment of a site-local day, as an aware time."""
    return datetime.combine(day, time.min, tzinfo=site_zone())


@lru_cache(maxsize=65536)
def _hash(text: str) -> int:
    """63 bits of the MD5 of ``text``: the same number PostgreSQL's ``_HASH_SQL`` computes, so
    marks written by either path agree (a label, not a secret)."""
    digest = hashlib.md5(text.encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest[:8], "big") & _MASK


@dataclass
class Goals:
    """The active conversion goals, read once per run: which pages and forms count, and each
    goal's attribution window.

    A page, form or custom-event goal's window (its own, else ``ATTRIBUTION_WINDOW_DAYS``)
    decides how far back a touch may be for its conversions. Applications keep the global
    window (products attributed them when the customer applied) unless an application goal
    with its own window names the product, or names any product and no goal of that product
    says otherwise: such an application is attributed again from the touches, in its goal's
    window, unless its sender named the campaign itself (no ``touch`` property).
    """

    pages: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()
    #: (kind, target) -> window, for every active page, form and custom-event goal.
    windows: dict[tuple[str, str], timedelta] = field(default_factory=dict)
    #: Products whose application goal has its own window, and those whose goal has none.
    product_windows: dict[str, timedelta] = field(default_factory=dict)
    plain_products: frozenset[str] = frozenset()
    #: The window of an any-product application goal, when it has its own.
    any_product_window: timedelta | None = None
    default: timedelta = field(default_factory=attribution_window)

    @classmethod
    def load(cls) -> Goals:
        pages: set[str] = set()
        forms: set[str] = set()
        windows: dict[tuple[str, str], timedelta] = {}
        product_windows: dict[str, timedelta] = {}
        plain_products: set[str] = set()
        any_product_window: timedelta | None = None
        for goal in ConversionGoal.objects.filter(active=True).only(
            "kind", "key", "attribution_window_days"
        ):
            kind, key = goal.kind, goal.key
            if kind == ConversionGoal.Kind.APPLICATION:
                if not goal.attribution_window_days:
                    if key:
                        plain_products.add(key)
                elif key:
                    product_windows[key] = goal.window()
                else:
                    any_product_window = goal.window()
                continue
            # Applications and goal events always count; only pages and forms need a goal to.
            if kind == ConversionGoal.Kind.PAGE:
                pages.add(key)
            elif kind == ConversionGoal.Kind.FORM:
                forms.add(key)
            windows[(kind, key)] = goal.window()
        return cls(
            frozenset(pages),
            frozenset(forms),
            windows,
            product_windows,
            frozenset(plain_products),
            any_product_window,
        )

    def _application_window(self, product: Any) -> timedelta | None:
        """An application goal's own window for this product, if one says otherwise."""
        if isinstance(product, str) and product in self.product_windows:
            return self.product_windows[product]
        if isinstance(product, str) and product in self.plain_products:
            return None
        return self.any_product_window

    def window(self, type_: str, properties: dict[str, Any]) -> timedelta:
        """How far back a touch may be for this conversion."""
        if type_ == "application":
            return self._application_window(properties.get("product")) or self.default
        kind, name = _GOAL_KEYS.get(type_, ("", ""))
        key = properties.get(name) if name else None
        if isinstance(key, str):
            return self.windows.get((kind, key), self.default)
        return self.default

    def needs_touch(self, type_: str, properties: dict[str, Any]) -> bool:
        """Whether a conversion is attributed from the touches here: it names no campaign, or
        it is an application attributed by last touch that a goal gives its own window."""
        if not properties.get("campaign"):
            return True
        return (
            type_ == "application"
            and isinstance(properties.get("touch"), str)
            and self._application_window(properties.get("product")) is not None
        )

    def sql_params(self) -> dict[str, Any]:
        """The parameters of ``_EVENTS_SQL``'s conversion and re-attribution flags."""
        return {
            "forms": sorted(self.forms),
            "pages": sorted(self.pages),
            "window_products": sorted(self.product_windows),
            "plain_products": sorted(self.plain_products),
            "any_product_window": self.any_product_window is not None,
        }


#: The conversion event types a goal names, and the property holding the goal's target.
_GOAL_KEYS = {
    "page_view": (ConversionGoal.Kind.PAGE, "path"),
    "form_submit": (ConversionGoal.Kind.FORM, "form"),
    "goal": (ConversionGoal.Kind.EVENT, "goal"),
}


@dataclass
class Batch:
    """Counts of one chunk of events by cell, before they are added to the tables."""

    hourly: dict[tuple[Any, ...], list[int]] = field(default_factory=lambda: defaultdict(_zero))
    daily: dict[tuple[Any, ...], list[int]] = field(default_factory=lambda: defaultdict(_zero))
    #: (cell hash, visitor hash, day, daily cell key)
    marks: dict[tuple[int, int], tuple[date, tuple[Any, ...]]] = field(default_factory=dict)
    events: int = 0


def _zero() -> list[int]:
    return [0, 0, 0, 0]


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _dimensions(properties: dict[str, Any], channel: str) -> tuple[str, ...]:
    return (
        _text(properties.get("campaign"), 80),
        _text(properties.get("creative"), 40),
        _text(properties.get("placement"), 80),
        _text(properties.get("segment"), 80),
        _text(channel, 20),
        _text(properties.get("device"), 20),
    )


def offer_dimensions(properties: dict[str, Any]) -> tuple[str, ...]:
    """The cell of a push offer's outcome (see ``OFFER_MEASURES``)."""
    return (
        (OFFER_CAMPAIGN_PREFIX + _text(properties.get("offer"), 80))[:80],
        "",
        "",
        _text(properties.get("audience"), 80),
        _text(properties.get("channel"), 20),
        "",
    )


def _touch_dimensions(touch: Touch, channel: str) -> tuple[str, ...]:
    # Cut to the columns like an event's own properties (a touch keeps them whole).
    return (
        touch.campaign[:80],
        touch.creative[:40],
        touch.placement[:80],
        touch.segment[:80],
        channel,
        touch.device[:20],
    )


def _is_conversion(type_: str, properties: dict[str, Any], goals: Goals) -> bool:
    if type_ in ("application", "goal"):
        return True
    if type_ == "form_submit":
        return properties.get("form") in goals.forms
    if type_ == "page_view":
        return properties.get("path") in goals.pages
    return False


Row = tuple[int, str, datetime, str, str, str, dict[str, Any]]


def _fetch(queryset: Any) -> list[Row]:
    return list(
        queryset.values_list(
            "id", "type", "at", "visitor_id", "customer_ref", "channel", "properties"
        )
    )


def aggregate(rows: Sequence[Row], goals: Goals, zone: ZoneInfo) -> Batch:
    """Count a chunk of raw events into cells (pure apart from one query for touches)."""
    batch = Batch()
    # Conversions that name no campaign (or whose goal re-attributes them) go to the visitor's
    # last touch within their goal's window: the touches of every such visitor in the chunk
    # are read in one query, as far back as the longest window asks.
    unattributed = [
        row
        for row in rows
        if _is_conversion(row[1], row[6] or {}, goals) and goals.needs_touch(row[1], row[6] or {})
    ]
    touches: dict[str, list[Touch]] = {}
    if unattributed:
        visitors = [row[3] for row in unattributed if row[3]]
        earliest = min(row[2] - goals.window(row[1], row[6] or {}) for row in unattributed)
        latest = max(row[2] for row in unattributed)
        touches = touches_of(visitors, earliest, latest)
    cell_hashes: dict[tuple[Any, ...], int] = {}
    for _id, type_, at, visitor_id, customer_ref, channel, properties in rows:
        properties = properties or {}
        measure: tuple[int, ...]
        if type_ == "impression":
            measure = (1, 0, 0, 0)
            dims = _dimensions(properties, channel)
        elif type_ == "click":
            if not properties.get("campaign") and not properties.get("placement"):
                continue  # a site-wide button, not a campaign's creative
            measure = (0, 1, 0, 0)
            dims = _dimensions(properties, channel)
        elif type_ == "offer_response":
            outcome = properties.get("outcome")
            offer_measure = OFFER_MEASURES.get(outcome) if isinstance(outcome, str) else None
            if offer_measure is None or not _text(properties.get("offer"), 80):
                continue  # opens, declines, deliveries: kept on the message, not in the cells
            measure = offer_measure
            dims = offer_dimensions(properties)
        elif _is_conversion(type_, properties, goals):
            measure = (0, 0, 1, 1 if type_ == "application" else 0)
            if not goals.needs_touch(type_, properties):
                dims = _dimensions(properties, channel)
            else:
                window = goals.window(type_, properties)
                touch = choose_touch(touches.get(visitor_id, ()), at, window)
                if touch is None:
                    dims = ("", "", "", "", _text(channel, 20), _text(properties.get("device"), 20))
                else:
                    dims = _touch_dimensions(touch, _text(channel, 20))
        else:
            continue
        batch.events += 1
        hour = at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        day = at.astimezone(zone).date()
        for counts in (batch.hourly[(hour, *dims)], batch.daily[(day, *dims)]):
            for index, amount in enumerate(measure):
                counts[index] += amount
        who = visitor_id or customer_ref
        if who:
            daily_key = (day, *dims)
            cell = cell_hashes.get(daily_key)
            if cell is None:
                cell = cell_hashes[daily_key] = _hash(f"d|{day.isoformat()}|" + "|".join(dims))
            batch.marks.setdefault((cell, _hash(who)), (day, daily_key))
    return batch


def _upsert(
    table: str,
    bucket: str,
    cells: dict[tuple[Any, ...], list[int]],
    visitors: dict[tuple[Any, ...], int],
    largest_visitors: bool = False,
) -> list[tuple[Any, ...]]:
    """Add the counts to the cells (created when missing), in one statement per 2,000 cells;
    returns each cell's key with its ``visitors`` after the change. ``largest_visitors``: keep
    the larger of the two counts instead of adding (monthly cells)."""
    if not cells:
        return []
    columns = [bucket, *DIMENSIONS, *MEASURES, "visitors"]
    quoted = connection.ops.quote_name
    column_list = ", ".join(quoted(c) for c in columns)
    key_list = ", ".join(quoted(c) for c in (bucket, *DIMENSIONS))
    updates = [
        f"{quoted(m)} = {quoted(table)}.{quoted(m)} + excluded.{quoted(m)}"
        for m in (*MEASURES, *(() if largest_visitors else ("visitors",)))
    ]
    if largest_visitors:
        larger = "GREATEST" if connection.vendor == "postgresql" else "MAX"
        updates.append(f"visitors = {larger}({quoted(table)}.visitors, excluded.visitors)")
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    items = list(cells.items())
    after: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(items), CELLS_PER_STATEMENT):
            part = items[start : start + CELLS_PER_STATEMENT]
            params: list[Any] = []
            for key, counts in part:
                params.extend((*key, *counts, visitors.get(key, 0)))
            cursor.execute(
                f"INSERT INTO {quoted(table)} ({column_list}) VALUES "  # noqa: S608  # nosec B608
                + ", ".join([placeholders] * len(part))
                + f" ON CONFLICT ({key_list}) DO UPDATE SET {', '.join(updates)}"  # quoted fixed names  # nosec B608
                + f" RETURNING {key_list}, visitors",
                params,
            )
            after.extend(cursor.fetchall())
    return after


def _month_cells(
    daily: dict[tuple[Any, ...], list[int]], after: list[tuple[Any, ...]]
) -> tuple[dict[tuple[Any, ...], list[int]], dict[tuple[Any, ...], int]]:
    """The monthly sums of a batch's daily cells, and the largest daily visitors per month."""
    sums: dict[tuple[Any, ...], list[int]] = defaultdict(_zero)
    for (day, *dims), counts in daily.items():
        cell = sums[(month_start(day), *dims)]
        for index, amount in enumerate(counts):
            cell[index] += amount
    largest: dict[tuple[Any, ...], int] = {}
    for day, *dims, visitors in after:
        day = date.fromisoformat(day) if isinstance(day, str) else day
        key = (month_start(day), *dims)
        largest[key] = max(largest.get(key, 0), int(visitors))
    return sums, largest


def _new_visitors(
    marks: dict[tuple[int, int], tuple[date, tuple[Any, ...]]],
) -> dict[tuple[Any, ...], int]:
    """Insert the visitor marks; count, per daily cell, the visitors not counted before."""
    found: dict[tuple[Any, ...], int] = defaultdict(int)
    if not marks:
        return found
    table = connection.ops.quote_name(VisitorMark._meta.db_table)
    by_mark = {mark: cell for mark, (_day, cell) in marks.items()}
    items = [(cell, visitor, day) for (cell, visitor), (day, _key) in marks.items()]
    with connection.cursor() as cursor:
        for start in range(0, len(items), MARKS_PER_STATEMENT):
            part = items[start : start + MARKS_PER_STATEMENT]
            params: list[Any] = [value for item in part for value in item]
            cursor.execute(
                f"INSERT INTO {table} (cell, visitor, day) VALUES "  # noqa: S608  # nosec B608
                + ", ".join(["(%s, %s, %s)"] * len(part))
                + " ON CONFLICT (cell, visitor) DO NOTHING RETURNING cell, visitor",
                params,
            )
            for cell, visitor in cursor.fetchall():
                found[by_mark[(cell, visitor)]] += 1
    return found


def apply(batch: Batch) -> None:
    """Add a counted chunk to the tables (inside the caller's transaction)."""
    visitors = _new_visitors(batch.marks)
    _upsert(HourlyRollup._meta.db_table, "hour", batch.hourly, {})
    after = _upsert(DailyRollup._meta.db_table, "day", batch.daily, visitors)
    sums, largest = _month_cells(batch.daily, after)
    _upsert(MonthlyRollup._meta.db_table, "month", sums, largest, largest_visitors=True)


def _hash_sql(text: str) -> str:
    """SQL for ``_hash``: the first 16 hex digits of the MD5 as a 64-bit integer, sign bit off."""
    return f"(('x' || left(md5({text}), 16))::bit(64)::bigint & {_MASK})"


def _property_sql(name: str, limit: int) -> str:
    # ``_text``: a string property, cut to the column; anything else (the schema lets none
    # through) is "none".
    return (
        f"CASE WHEN jsonb_typeof(e.properties -> '{name}') = 'string' "
        f"THEN left(e.properties ->> '{name}', {limit}) ELSE '' END"
    )


_DIMENSIONS_SQL = ", ".join(DIMENSIONS)
_CONVERSION_TYPES = ("application", "goal", "form_submit", "page_view")
#: The events of an id range as the rollups see them (``aggregate``'s rules, in SQL): fixed
#: names and literals only; values are parameters.
_EVENTS_SQL = f"""
    SELECT e.id, e.type, e.at,
        {_property_sql("campaign", 80)} AS campaign,
        {_property_sql("creative", 40)} AS creative,
        {_property_sql("placement", 80)} AS placement,
        {_property_sql("segment", 80)} AS segment,
        left(e.channel, 20) AS channel,
        {_property_sql("device", 20)} AS device,
        COALESCE(NULLIF(e.visitor_id, ''), NULLIF(e.customer_ref, '')) AS who,
        {_property_sql("offer", 80)} AS offer,
        {_property_sql("audience", 80)} AS audience,
        {_property_sql("channel", 20)} AS offer_channel,
        {_property_sql("outcome", 20)} AS outcome,
        (e.type IN ('application', 'goal')
            OR (e.type = 'form_submit' AND jsonb_typeof(e.properties -> 'form') = 'string'
                AND e.properties ->> 'form' = ANY(%(forms)s))
            OR (e.type = 'page_view' AND jsonb_typeof(e.properties -> 'path') = 'string'
                AND e.properties ->> 'path' = ANY(%(pages)s))) AS conversion,
        -- ``Goals.needs_touch``: an application attributed by last touch whose goal has its
        -- own window is attributed again (in Python, with the touches).
        COALESCE(e.type = 'application' AND jsonb_typeof(e.properties -> 'touch') = 'string'
            AND CASE WHEN jsonb_typeof(e.properties -> 'product') = 'string'
                    AND e.properties ->> 'product' = ANY(%(window_products)s) THEN true
                WHEN jsonb_typeof(e.properties -> 'product') = 'string'
                    AND e.properties ->> 'product' = ANY(%(plain_products)s) THEN false
                ELSE %(any_product_window)s END, false) AS retouch
    FROM {RawEvent._meta.db_table} e
    WHERE e.id > %(low)s AND e.id <= %(high)s AND e.at >= %(since)s
        AND e.type IN {TYPES!r}
"""  # noqa: S608  # fixed names and literals  # nosec B608


def _add_sql(table: str) -> str:
    return ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in (*MEASURES, "visitors"))


_HOURLY = HourlyRollup._meta.db_table
_DAILY = DailyRollup._meta.db_table
_MARKS = VisitorMark._meta.db_table
_MONTHLY = MonthlyRollup._meta.db_table
_CELL_TEXT = "'d|' || to_char(day, 'YYYY-MM-DD') || '|' || " + " || '|' || ".join(DIMENSIONS)
#: One statement per chunk on PostgreSQL: every event naming its campaign (nearly all) is
#: counted by the database itself, hourly and daily cells upserted with their sums, distinct
#: visitors marked in bulk and counted where the mark is new; no row travels to Python.
_ROLL_UP_SQL = f"""
WITH raw AS ({_EVENTS_SQL}),
ev AS (
    SELECT date_trunc('hour', at, 'UTC') AS hour, (at AT TIME ZONE %(zone)s)::date AS day,
        CASE WHEN offer_row THEN left('{OFFER_CAMPAIGN_PREFIX}' || offer, 80) ELSE campaign END
            AS campaign,
        CASE WHEN offer_row THEN '' ELSE creative END AS creative,
        CASE WHEN offer_row THEN '' ELSE placement END AS placement,
        CASE WHEN offer_row THEN audience ELSE segment END AS segment,
        CASE WHEN offer_row THEN offer_channel ELSE channel END AS channel,
        CASE WHEN offer_row THEN '' ELSE device END AS device,
        who,
        (type = 'impression' OR (offer_row AND outcome = 'sent'))::int AS impressions,
        (type = 'click' OR (offer_row AND outcome = 'click'))::int AS clicks,
        (type IN {_CONVERSION_TYPES!r} OR (offer_row AND outcome = 'conversion'))::int
            AS conversions,
        (type = 'application')::int AS applications
    FROM (SELECT *, type = 'offer_response' AS offer_row FROM raw) r
    WHERE type = 'impression' OR (type = 'click' AND (campaign <> '' OR placement <> ''))
        OR (offer_row AND offer <> '' AND outcome IN ('sent', 'click', 'conversion'))
        OR (type IN {_CONVERSION_TYPES!r} AND conversion AND campaign <> '' AND NOT retouch)
),
cells AS (
    SELECT day, {_DIMENSIONS_SQL}, sum(impressions) AS impressions, sum(clicks) AS clicks,
        sum(conversions) AS conversions, sum(applications) AS applications,
        {_hash_sql(_CELL_TEXT)} AS cell
    FROM ev GROUP BY day, {_DIMENSIONS_SQL}
),
marks AS (
    INSERT INTO {_MARKS} (cell, visitor, day)
    SELECT DISTINCT c.cell, {_hash_sql("ev.who")}, ev.day
    FROM ev JOIN cells c USING (day, {_DIMENSIONS_SQL})
    WHERE ev.who IS NOT NULL
    ON CONFLICT (cell, visitor) DO NOTHING
    RETURNING cell
),
fresh AS (SELECT cell, count(*) AS visitors FROM marks GROUP BY cell),
hourly AS (
    INSERT INTO {_HOURLY} (hour, {_DIMENSIONS_SQL}, {", ".join(MEASURES)}, visitors)
    SELECT hour, {_DIMENSIONS_SQL}, sum(impressions), sum(clicks), sum(conversions),
        sum(applications), 0
    FROM ev GROUP BY hour, {_DIMENSIONS_SQL}
    ON CONFLICT (hour, {_DIMENSIONS_SQL}) DO UPDATE SET {_add_sql(_HOURLY)}
),
daily AS (
    INSERT INTO {_DAILY} (day, {_DIMENSIONS_SQL}, {", ".join(MEASURES)}, visitors)
    SELECT c.day, {", ".join("c." + d for d in DIMENSIONS)}, c.impressions, c.clicks,
        c.conversions, c.applications, COALESCE(f.visitors, 0)
    FROM cells c LEFT JOIN fresh f ON f.cell = c.cell
    ON CONFLICT (day, {_DIMENSIONS_SQL}) DO UPDATE SET {_add_sql(_DAILY)}
    RETURNING day, {_DIMENSIONS_SQL}, visitors
),
monthly AS (
    INSERT INTO {_MONTHLY} (month, {_DIMENSIONS_SQL}, {", ".join(MEASURES)}, visitors)
    SELECT date_trunc('month', c.day)::date, {", ".join("c." + d for d in DIMENSIONS)},
        sum(c.impressions), sum(c.clicks), sum(c.conversions), sum(c.applications),
        max(d.visitors)
    FROM cells c JOIN daily d USING (day, {_DIMENSIONS_SQL})
    GROUP BY 1, {", ".join("c." + d for d in DIMENSIONS)}
    ON CONFLICT (month, {_DIMENSIONS_SQL}) DO UPDATE SET
        {", ".join(f"{m} = {_MONTHLY}.{m} + excluded.{m}" for m in MEASURES)},
        visitors = GREATEST({_MONTHLY}.visitors, excluded.visitors)
)
SELECT (SELECT count(*) FROM raw), (SELECT count(*) FROM ev)
"""  # noqa: S608  # fixed names and literals  # nosec B608
#: The conversions that name no campaign: attributed to a touch in Python (``aggregate``).
_UNATTRIBUTED_SQL = f"""
SELECT r.id, r.type, r.at, e.visitor_id, e.customer_ref, e.channel, e.properties
FROM ({_EVENTS_SQL}) r JOIN {RawEvent._meta.db_table} e ON e.id = r.id AND e.at = r.at
WHERE r.type IN {_CONVERSION_TYPES!r} AND r.conversion AND (r.campaign = '' OR r.retouch)
ORDER BY r.id
"""  # noqa: S608  # fixed names and literals  # nosec B608
#: Ids per set-based chunk (ids are dense: one sequence, gaps only where a copy was dropped).
ID_SPAN = 50000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def set_based() -> bool:
    """Whether chunks are counted by the database (PostgreSQL) rather than in Python."""
    return connection.vendor == "postgresql"


def _roll_up_range(
    low: int, high: int, goals: Goals, zone: ZoneInfo, since: datetime
) -> tuple[int, int]:
    """Add the events with ids in (low, high] and ``at >= since`` (PostgreSQL: one statement,
    then the few unattributed conversions in Python); returns (events read, events counted)."""
    params: dict[str, Any] = {
        "low": low,
        "high": high,
        "since": since,
        "zone": zone.key,
        **goals.sql_params(),
    }
    with connection.cursor() as cursor:
        cursor.execute(_ROLL_UP_SQL, params)
        read, counted = cursor.fetchone()
        cursor.execute(_UNATTRIBUTED_SQL, params)
        # Django leaves jsonb undecoded on a raw cursor (its field decodes it).
        rows = [
            (*row[:6], json.loads(row[6]) if isinstance(row[6], str) else row[6])
            for row in cursor.fetchall()
        ]
    if rows:
        batch = aggregate(rows, goals, zone)
        apply(batch)
        counted += batch.events
    return int(read), int(counted)


def _lock_cursor() -> RollupCursor:
    RollupCursor.objects.get_or_create(name=CURSOR)
    return RollupCursor.objects.select_for_update().get(name=CURSOR)


def _next_chunk(settle: timedelta, chunk: int) -> tuple[int, bool]:
    """Add the next chunk past the cursor: (rows read, whether more remain)."""
    zone = site_zone()
    with transaction.atomic():
        cursor = _lock_cursor()
        queryset = RawEvent.objects.filter(id__gt=cursor.last_event_id).order_by("id")
        if settle:
            queryset = queryset.filter(received_at__lt=timezone.now() - settle)
        # The end of the settled log first, so nothing committed meanwhile is skipped; only the
        # types rollups count are read, and the cursor still moves past the others.
        upper = queryset.aggregate(last=Max("id"))["last"]
        if upper is None:
            return 0, False
        if set_based():
            # A span of ids (one sequence, so nearly dense): no query to find the chunk's end.
            # From the first id past the cursor (a gap in the ids costs no empty span).
            first = queryset.values_list("id", flat=True).first() or upper
            low = first - 1
            high = min(upper, low + max(chunk, ID_SPAN))
            read, _counted = _roll_up_range(low, high, Goals.load(), zone, _EPOCH)
            more = high < upper
            last = high
        else:
            rows = _fetch(queryset.filter(type__in=TYPES, id__lte=upper)[:chunk])
            more = len(rows) == chunk
            last = rows[-1][0] if more else upper
            apply(aggregate(rows, Goals.load(), zone))
            read = len(rows)
        cursor.last_event_id = last
        cursor.save(update_fields=["last_event_id", "updated_at"])
    return max(read, 1), more


def roll_up_chunk(settle: timedelta = SETTLE, chunk: int = CHUNK) -> int:
    """Add the next chunk of raw events past the cursor; returns how many rows were read (1
    when only events the rollups do not count moved the cursor)."""
    return _next_chunk(settle, chunk)[0]


def roll_up(settle: timedelta = SETTLE, max_events: int = 500_000, chunk: int = CHUNK) -> int:
    """Add every settled raw event past the cursor (bounded so one task run stays short)."""
    total = 0
    while total < max_events:
        read, more = _next_chunk(settle, chunk)
        total += read
        if not more:
            break
    return total


def earliest_rebuildable_day(today: date | None = None) -> date:
    """The first day the raw log still holds whole: retention minus the oldest accepted delay."""
    today = today or timezone.localdate()
    retention = int(getattr(settings, "RAW_EVENT_RETENTION_DAYS", 90))
    late = int(getattr(settings, "TRACKING_MAX_EVENT_AGE_DAYS", 7))
    return today - timedelta(days=max(retention - late - 1, 0))


def rebuild(since: date | None = None, chunk: int = CHUNK) -> tuple[date, int]:
    """Recompute the cells from ``since`` (default: as far back as the raw log is whole).

    Returns the first day rebuilt and the number of events added. Holds the cursor's lock, so
    the Celery task waits instead of adding events twice.
    """
    first = earliest_rebuildable_day()
    if since is None or since < first:
        since = first
    start = day_start(since)
    zone = site_zone()
    goals = Goals.load()
    added = 0
    with transaction.atomic():
        cursor = _lock_cursor()
        DailyRollup.objects.filter(day__gte=since).delete()
        HourlyRollup.objects.filter(hour__gte=start).delete()
        VisitorMark.objects.filter(day__gte=since).delete()
        if set_based():
            # From the first id of those days (each month's primary key answers it) to the
            # cursor, in spans of ids.
            first_id = (
                RawEvent.objects.filter(at__gte=start, id__lte=cursor.last_event_id)
                .order_by("id")
                .values_list("id", flat=True)
                .first()
            )
            low = (first_id or cursor.last_event_id + 1) - 1
            while low < cursor.last_event_id:
                high = min(low + ID_SPAN, cursor.last_event_id)
                added += _roll_up_range(low, high, goals, zone, start)[1]
                low = high
        last_id = cursor.last_event_id if set_based() else 0
        while True:
            rows = _fetch(
                RawEvent.objects.filter(
                    id__gt=last_id,
                    id__lte=cursor.last_event_id,
                    at__gte=start,
                    type__in=TYPES,
                ).order_by("id")[:chunk]
            )
            if not rows:
                break
            batch = aggregate(rows, goals, zone)
            apply(batch)
            added += batch.events
            last_id = rows[-1][0]
        months_from_days(month_start(since))
    return since, added


_MONTH_SUMS = {
    "impressions_sum": Sum("impressions"),
    "clicks_sum": Sum("clicks"),
    "conversions_sum": Sum("conversions"),
    "applications_sum": Sum("applications"),
    "visitors_max": Max("visitors"),
}


def months_from_days(first: date) -> int:
    """Recompute the monthly cells from ``first`` (a month's first day) from the daily ones (a
    rebuild from mid-month keeps the month's earlier days); returns how many cells."""
    MonthlyRollup.objects.filter(month__gte=first).delete()
    rows = (
        DailyRollup.objects.filter(day__gte=first)
        .annotate(month=TruncMonth("day"))
        .values("month", *DIMENSIONS)
        .annotate(**_MONTH_SUMS)
        .order_by()
    )
    cells = [
        MonthlyRollup(
            month=row["month"],
            **{name: row[name] for name in DIMENSIONS},
            impressions=row["impressions_sum"],
            clicks=row["clicks_sum"],
            conversions=row["conversions_sum"],
            applications=row["applications_sum"],
            visitors=row["visitors_max"],
        )
        for row in rows.iterator(chunk_size=CELLS_PER_STATEMENT)
    ]
    MonthlyRollup.objects.bulk_create(cells, batch_size=CELLS_PER_STATEMENT)
    return len(cells)


def reconcile(days: int = 2) -> int:
    """Nightly: rebuild the last ``days`` days, catching any event a settle window missed."""
    _since, added = rebuild(timezone.localdate() - timedelta(days=days - 1))
    return added


def ensure_fresh() -> int:
    """Without a broker (``make run``): bring the rollups up to date before a report is read.

    With a broker the Celery task keeps them current and this does nothing.
    """
    if not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return 0
    try:
        tasks.process_events()
    except Exception:  # a report must still show what the rollups hold
        logger.warning("measurement: could not drain the event buffer", exc_info=True)
    return roll_up(settle=timedelta(0))


def cells_for(rows: Iterable[Row]) -> Batch:
    """Count rows without writing (tests and the benchmark's baseline)."""
    return aggregate(list(rows), Goals.load(), site_zone())
