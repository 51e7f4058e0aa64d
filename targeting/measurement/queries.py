"""Reading the rollups: every report, export, API answer and experiment readout comes from here.

Only the rollups are read (``DailyRollup``; ``MonthlyRollup`` for the whole months of the
campaign list), never raw events. Days are site-local dates, both ends inclusive. Rates are
``None`` where their denominator is zero (shown as "—").

Distinct visitors of a group of cells (a campaign over a range, a creative, a day) are not the
sum of the cells' counts (a visitor may be in several); ``visitors`` here is the largest count of
any one cell of the group: never more than the true number, so a group suppressed for having
fewer than k visitors by this number may have had more, never fewer (docs/privacy.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.utils import timezone

from targeting.measurement.models import DailyRollup, MonthlyRollup
from targeting.measurement.rollups import OFFER_CAMPAIGN_PREFIX

HOLDOUT_ARMS = ("holdout", "control")
#: The most days one report may span (ten years): a bound on the work a request can cause.
MAX_RANGE_DAYS = 3660


def k_threshold() -> int:
    """``MEASUREMENT_MIN_VISITORS`` (default 5): smaller groups are suppressed."""
    return max(int(getattr(settings, "MEASUREMENT_MIN_VISITORS", 5)), 1)


@dataclass
class Totals:
    """The measures of a group of cells and the rates computed from them."""

    impressions: int = 0
    clicks: int = 0
    conversions: int = 0
    applications: int = 0
    visitors: int = 0

    @property
    def ctr(self) -> float | None:
        """Clicks per seen impression."""
        return self.clicks / self.impressions if self.impressions else None

    @property
    def conversion_rate(self) -> float | None:
        """Attributed conversions per seen impression."""
        return self.conversions / self.impressions if self.impressions else None

    @property
    def suppressed(self) -> bool:
        """Fewer than k distinct visitors: too few to show without pointing at a person."""
        return self.visitors < k_threshold()

    def as_dict(self) -> dict[str, Any]:
        values: dict[str, Any] = asdict(self)
        values["ctr"] = self.ctr
        values["conversion_rate"] = self.conversion_rate
        return values

    def add(self, other: Totals) -> None:
        self.impressions += other.impressions
        self.clicks += other.clicks
        self.conversions += other.conversions
        self.applications += other.applications
        self.visitors = max(self.visitors, other.visitors)


@dataclass
class ArmTotals(Totals):
    """One arm of a campaign (a creative ref, or "holdout"/"control")."""

    creative: str = ""


_AGGREGATES = {
    "impressions": Sum("impressions"),
    "clicks": Sum("clicks"),
    "conversions": Sum("conversions"),
    "applications": Sum("applications"),
    "visitors": Max("visitors"),
}


def _totals(values: dict[str, Any], cls: type[Totals] = Totals, **extra: Any) -> Any:
    return cls(
        **{name: int(values.get(name) or 0) for name in _AGGREGATES},
        **extra,
    )


def _cells(since: date, until: date, campaign: str | None = None) -> QuerySet[DailyRollup]:
    queryset = DailyRollup.objects.filter(day__gte=since, day__lte=until)
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    return queryset


def _whole_months(since: date, until: date) -> tuple[date, date] | None:
    """The first days of the first and last whole months inside the range, if any."""
    first = since if since.day == 1 else (since.replace(day=28) + timedelta(days=4)).replace(day=1)
    after = until + timedelta(days=1)
    end = after.replace(day=1)  # the first day after the last whole month
    if first >= end:
        return None
    last = (end - timedelta(days=1)).replace(day=1)
    return first, last


def campaign_totals(
    since: date, until: date, campaigns: Iterable[str] | None = None
) -> dict[str, Totals]:
    """Totals per campaign slug over the range: whole months from ``MonthlyRollup``, the days
    at the edges from ``DailyRollup`` (at most three grouped queries, whatever the range)."""
    slugs = list(campaigns) if campaigns is not None else None
    months = _whole_months(since, until)
    querysets: list[QuerySet[Any]] = []
    if months is None:
        querysets.append(_cells(since, until))
    else:
        first, last = months
        querysets.append(MonthlyRollup.objects.filter(month__gte=first, month__lte=last))
        if since < first:
            querysets.append(_cells(since, first - timedelta(days=1)))
        end = (last + timedelta(days=31)).replace(day=1)
        if end <= until:
            querysets.append(_cells(end, until))
    result: dict[str, Totals] = {}
    for queryset in querysets:
        queryset = queryset.exclude(campaign="")
        if slugs is not None:
            queryset = queryset.filter(campaign__in=slugs)
        for row in queryset.values("campaign").annotate(**_AGGREGATES).order_by("campaign"):
            result.setdefault(row["campaign"], Totals()).add(_totals(row))
    return dict(sorted(result.items()))


def totals(campaign: str, since: date, until: date) -> Totals:
    """One campaign's totals over the range."""
    return _totals(_cells(since, until, campaign).aggregate(**_AGGREGATES))


def breakdown(campaign: str, since: date, until: date, dimension: str) -> list[tuple[Any, Totals]]:
    """One campaign's totals by ``day``, ``creative``, ``segment``, ``placement``, ``device``
    or ``channel``, largest first (by day: in date order)."""
    if dimension not in ("day", "creative", "segment", "placement", "device", "channel"):
        raise ValueError(f"unknown dimension {dimension!r}")
    rows = (
        _cells(since, until, campaign)
        .values(dimension)
        .annotate(**_AGGREGATES)
        .order_by(dimension if dimension == "day" else "-impressions", dimension)
    )
    return [(row[dimension], _totals(row)) for row in rows]


def by_day(campaign: str, since: date, until: date) -> list[tuple[date, Totals]]:
    """Every day of the range (days without data as zeros), for trend charts."""
    found = dict(breakdown(campaign, since, until, "day"))
    days = (until - since).days + 1
    return [
        (day, found.get(day, Totals()))
        for day in (since + timedelta(days=offset) for offset in range(days))
    ]


def arm_totals(campaign: str, since: date, until: date) -> list[ArmTotals]:
    """Per creative ref (holdout and control included), for experiment readouts."""
    return [
        ArmTotals(creative=str(key), **asdict(total))
        for key, total in breakdown(campaign, since, until, "creative")
    ]


def arm_totals_by_segment(campaign: str, since: date, until: date) -> dict[str, list[ArmTotals]]:
    """Per segment, then per creative ref (each audience's own readout)."""
    rows = (
        _cells(since, until, campaign)
        .values("segment", "creative")
        .annotate(**_AGGREGATES)
        .order_by("segment", "creative")
    )
    result: dict[str, list[ArmTotals]] = {}
    for row in rows:
        result.setdefault(row["segment"], []).append(
            _totals(row, ArmTotals, creative=row["creative"])
        )
    return result


def holdout_lift(campaign: str, since: date, until: date) -> float | None:
    """Relative lift of the conversion rate of the campaign's creatives against its holdout or
    control arm; ``None`` when there is no such arm or it has no rate yet."""
    shown, held = Totals(), Totals()
    for arm in arm_totals(campaign, since, until):
        (held if arm.creative in HOLDOUT_ARMS else shown).add(arm)
    base, rate = held.conversion_rate, shown.conversion_rate
    if not base or rate is None:
        return None
    return rate / base - 1


def today_totals(campaigns: Iterable[str] | None = None) -> dict[str, Totals]:
    """Today's totals per campaign (the dashboard panel)."""
    today = timezone.localdate()
    return campaign_totals(today, today, campaigns)


def offer_outcomes(offer: str, audience: str, days: int = 90) -> tuple[int, int]:
    """(sends, conversions) of a push offer in an audience over the last ``days`` days.

    Push's propensities read this (push sits above measurement): the rollups count each
    ``offer_response`` of a message in the cell of campaign ``offer:<slug>`` and segment
    ``<audience>`` (``rollups.OFFER_MEASURES``), sends as impressions. One indexed query.
    """
    since = timezone.localdate() - timedelta(days=max(int(days), 1))
    values = DailyRollup.objects.filter(
        campaign=(OFFER_CAMPAIGN_PREFIX + offer)[:80], segment=audience[:80], day__gte=since
    ).aggregate(sends=Sum("impressions"), conversions=Sum("conversions"))
    return int(values["sends"] or 0), int(values["conversions"] or 0)
