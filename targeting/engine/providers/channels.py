"""The ``card``, ``branch``, ``app`` and ``call_centre`` families and the windowed ``behaviour``
attributes, from the recent channel events kept in the visitor's (or customer's) profile.

The profile document holds a bounded, compact window of recent events under ``recent`` (folded by
``targeting.tracking.documents.fold_recent``)::

    {
        "card": [["2026-11-25T10:00:00+08:00", "4511", 3200.0], ...],  # last 10 transactions
        "card_days": {"2026-11-25": {"4511": [1, 3200.0]}},            # per local day and MCC
        "branch": ["2026-11-20T09:30:00+08:00", "BJ-001"],             # the last queue swipe
        "branch_days": ["2026-11-20", ...],                            # days with a swipe
        "app_days": ["2026-11-24", ...],                               # days the app was opened
        "call_days": {"2026-11-01": 2},                                # call-centre contacts
        "call_reason": "card lost",                                    # of the last contact
        "views": {"wealth": {"2026-11-24": 3}},                        # product-page views
        "applied": {"wealth": "2026-11-24"},                           # last application day
    }

Each family has its own provider, so a rule over ``app.*`` never adds up card spend; they all
read the same document through ``RequestInfo.behaviour_loader`` (the Django layer memoises it,
so a request reads the cache once whatever the families). Windows are counted in local calendar days of the site's time zone, "in 30 days" meaning today
and the 29 days before; "within 24 hours" is measured from the event's own time. Merchant
category codes (ISO 18245) are grouped into the categories of ``MCC_CATEGORIES``; a code the
table does not know counts as ``other``. A visitor with no window at all is unknown (None) unless
signed in with a profile to read: for a customer the bank knows every channel, so "no app open"
is a known False.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..attributes import CARD_CATEGORIES
from .time import local_time

if TYPE_CHECKING:
    from ..context import RequestInfo
    from . import EngineConfig

#: Spending categories of merchant category codes, as (first, last) inclusive ranges.
MCC_RANGES: Mapping[str, tuple[tuple[int, int], ...]] = {
    "travel": (
        (3000, 3999),  # airlines, car rental, hotels by brand
        (4111, 4112),
        (4131, 4131),
        (4411, 4411),
        (4511, 4511),
        (4582, 4582),
        (4722, 4722),
        (4789, 4789),
        (7011, 7012),
        (7512, 7519),
    ),
    "dining": ((5811, 5814),),
    "groceries": ((5411, 5411), (5422, 5422), (5441, 5462), (5499, 5499)),
    "fuel": ((5172, 5172), (5541, 5542), (5983, 5983)),
    "shopping": (
        (5200, 5399),
        (5611, 5699),
        (5712, 5735),
        (5940, 5949),
        (5970, 5978),
    ),
    "online": ((5815, 5818), (5960, 5969)),
    "entertainment": ((7832, 7841), (7911, 7999)),
    "education": ((8211, 8299), (8351, 8351)),
    "medical": ((4119, 4119), (5047, 5047), (5122, 5122), (5912, 5912), (8011, 8099)),
    "utilities": ((4812, 4816), (4899, 4900)),
}
#: Spending windows the rule language offers, in days.
SPEND_WINDOW = 30
VIEW_WINDOW = 7
BRANCH_WINDOW = 90


def _category_table() -> dict[str, str]:
    table = {f"{number:04d}": "other" for number in range(10000)}
    for category, ranges in MCC_RANGES.items():
        for first, last in ranges:
            for number in range(first, last + 1):
                table[f"{number:04d}"] = category
    return table


#: Every 4-digit code to its category, built once (10,000 short strings, well under 1 MB).
_CATEGORY_OF: dict[str, str] = _category_table()


def mcc_category(mcc: Any) -> str | None:
    """The spending category of a 4-digit merchant category code; None if not a code at all."""
    return _CATEGORY_OF.get(mcc) if isinstance(mcc, str) else None


def _names() -> list[str]:
    names = [
        "card.last_mcc",
        "card.last_category",
        "card.last_amount",
        "card.hours_since_last",
        "card.categories_24h",
        "card.transactions_30d",
        "card.spend_30d",
        *(f"card.spend_30d.{c}" for c in CARD_CATEGORIES),
        "branch.last",
        "branch.days_since_last_visit",
        "branch.visits_90d",
        "app.opened_30d",
        "app.days_since_last_open",
        "app.open_days_30d",
        "call_centre.contacts_30d",
        "call_centre.last_reason",
        "behaviour.categories_7d",
        "behaviour.unapplied_categories_7d",
    ]
    return names


NAMES: tuple[str, ...] = tuple(_names())
UNKNOWN: dict[str, Any] = dict.fromkeys(NAMES, None)


_SEQUENCE = (list, tuple)
CHANNEL_KEYS = frozenset({"card", "card_days", "branch", "branch_days", "app_days", "call_days"})
_CARD = [n for n in NAMES if n.startswith("card.")]
_BRANCH = [n for n in NAMES if n.startswith("branch.")]
_APP = [n for n in NAMES if n.startswith("app.")]
_CALLS = [n for n in NAMES if n.startswith("call_centre.")]
VIEW_NAMES = ("behaviour.categories_7d", "behaviour.unapplied_categories_7d")


def _family(
    info: RequestInfo,
    config: EngineConfig,
    names: list[str],
    compute: Callable[[Mapping[str, Any], datetime, date], dict[str, Any]],
) -> dict[str, Any]:
    """One channel family from the profile's window; unknown unless the document belongs to a
    signed-in customer or holds some channel event."""
    profile = info.behaviour_loader() if info.behaviour_loader is not None else None
    recent = profile.get("recent") if isinstance(profile, dict) else None
    window: Mapping[str, Any] = recent if isinstance(recent, dict) else {}
    # A signed-in customer's document is complete for the bank's own channels, so "no app open"
    # is a known False; without a document to read (no consent) everything stays unknown.
    known_customer = info.customer_id is not None and info.behaviour_loader is not None
    if not (known_customer or CHANNEL_KEYS.intersection(window)):
        return dict.fromkeys(names)
    today = local_time(info.now, info.timezone, config.site_timezone).date()
    return compute(window, info.now, today)


def provide_card(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
    """The ``card.*`` attributes."""
    return _family(info, config, _CARD, _card)


def provide_branch(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
    """The ``branch.*`` attributes."""
    return _family(info, config, _BRANCH, lambda w, now, today: _branch(w, today))


def provide_app(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
    """The ``app.*`` attributes."""
    return _family(info, config, _APP, lambda w, now, today: _app(w, today))


def provide_call_centre(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
    """The ``call_centre.*`` attributes."""
    return _family(info, config, _CALLS, lambda w, now, today: _calls(w, today))


def view_attributes(recent: Any, info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
    """The 7-day page-view windows of a document that exists (known, possibly empty)."""
    window: Mapping[str, Any] = recent if isinstance(recent, dict) else {}
    today = local_time(info.now, info.timezone, config.site_timezone).date()
    return _views(window, today)


def _day(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _amount(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    amount = float(value)
    return amount if math.isfinite(amount) and 0 <= amount <= 1e12 else None


def _window(today: date, days: int) -> tuple[str, str]:
    """The first and last ISO day of a window of ``days`` local days ending today."""
    return (today - timedelta(days=days - 1)).isoformat(), today.isoformat()


def _within(day: date | None, today: date, days: int) -> bool:
    return day is not None and today - timedelta(days=days - 1) <= day <= today


def _card(recent: Mapping[str, Any], now: datetime, today: date) -> dict[str, Any]:
    result: dict[str, Any] = {
        "card.last_mcc": None,
        "card.last_category": None,
        "card.last_amount": None,
        "card.hours_since_last": None,
        "card.categories_24h": [],
    }
    transactions = recent.get("card")
    latest: tuple[datetime, str, float | None] | None = None
    categories_24h: list[str] = []
    if isinstance(transactions, list):
        future = now + timedelta(minutes=5)
        day_ago = now - timedelta(hours=24)
        for item in transactions:
            if not isinstance(item, _SEQUENCE) or len(item) != 3:
                continue
            moment, category = _moment(item[0]), mcc_category(item[1])
            if moment is None or category is None or moment > future:
                continue
            if latest is None or moment >= latest[0]:
                latest = (moment, item[1], _amount(item[2]))
            if moment >= day_ago and category not in categories_24h:
                categories_24h.append(category)
    if latest is not None:
        result["card.last_mcc"] = latest[1]
        result["card.last_category"] = mcc_category(latest[1])
        amount = latest[2]
        result["card.last_amount"] = math.floor(amount) if amount is not None else None
        result["card.hours_since_last"] = max(int((now - latest[0]).total_seconds() // 3600), 0)
    result["card.categories_24h"] = sorted(categories_24h)
    count = 0
    spend = dict.fromkeys(CARD_CATEGORIES, 0.0)
    days = recent.get("card_days")
    if isinstance(days, dict):
        # The hot loop of a customer with a full window: plain comparisons of ISO day strings,
        # no parsing. NaN and infinities fail the range test and are not added.
        lo, hi = _window(today, SPEND_WINDOW)
        for day, by_mcc in days.items():
            if not (isinstance(day, str) and len(day) == 10 and lo <= day <= hi):
                continue
            if not isinstance(by_mcc, dict):
                continue
            for mcc, cell in by_mcc.items():
                category = _CATEGORY_OF.get(mcc) if isinstance(mcc, str) else None
                if category is None or not isinstance(cell, _SEQUENCE) or len(cell) != 2:
                    continue
                times, amount = cell
                if type(times) is int and times > 0:
                    count += times
                if type(amount) in (int, float) and 0 <= amount <= 1e12:
                    spend[category] += amount
    result["card.transactions_30d"] = count
    result["card.spend_30d"] = math.floor(sum(spend.values()))
    for category, total in spend.items():
        result[f"card.spend_30d.{category}"] = math.floor(total)
    return result


def _day_strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [d for d in value if isinstance(d, str) and len(d) == 10 and _day(d) is not None]


def _branch(recent: Mapping[str, Any], today: date) -> dict[str, Any]:
    last = recent.get("branch")
    code = None
    since = None
    if isinstance(last, _SEQUENCE) and len(last) == 2 and isinstance(last[1], str):
        moment = _moment(last[0])
        if moment is not None:
            code = last[1]
            since = max((today - moment.date()).days, 0)
    lo, hi = _window(today, BRANCH_WINDOW)
    visits = len({d for d in _day_strings(recent.get("branch_days")) if lo <= d <= hi})
    return {
        "branch.last": code,
        "branch.days_since_last_visit": since,
        "branch.visits_90d": visits,
    }


def _app(recent: Mapping[str, Any], today: date) -> dict[str, Any]:
    lo, hi = _window(today, SPEND_WINDOW)
    days = [d for d in _day_strings(recent.get("app_days")) if d <= hi]
    in_window = {d for d in days if d >= lo}
    last = _day(max(days)) if days else None
    return {
        "app.opened_30d": bool(in_window),
        "app.days_since_last_open": (today - last).days if last is not None else None,
        "app.open_days_30d": len(in_window),
    }


def _calls(recent: Mapping[str, Any], today: date) -> dict[str, Any]:
    count = 0
    days = recent.get("call_days")
    if isinstance(days, dict):
        lo, hi = _window(today, SPEND_WINDOW)
        for day, times in days.items():
            if isinstance(day, str) and len(day) == 10 and lo <= day <= hi and type(times) is int:
                count += max(times, 0)
    reason = recent.get("call_reason")
    return {
        "call_centre.contacts_30d": count,
        "call_centre.last_reason": reason if isinstance(reason, str) and reason else None,
    }


def _views(recent: Mapping[str, Any], today: date) -> dict[str, Any]:
    lo, hi = _window(today, VIEW_WINDOW)
    viewed: list[str] = []
    views = recent.get("views")
    if isinstance(views, dict):
        for category, by_day in views.items():
            if not isinstance(category, str) or not isinstance(by_day, dict):
                continue
            if any(isinstance(d, str) and len(d) == 10 and lo <= d <= hi for d in by_day):
                viewed.append(category)
    applied = recent.get("applied")
    applied = applied if isinstance(applied, dict) else {}

    def applied_in_window(category: str) -> bool:
        day = applied.get(category)
        return isinstance(day, str) and len(day) == 10 and lo <= day <= hi

    unapplied = [c for c in viewed if not applied_in_window(c)]
    return {
        "behaviour.categories_7d": sorted(viewed),
        "behaviour.unapplied_categories_7d": sorted(unapplied),
    }
