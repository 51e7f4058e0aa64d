"""What the reports show: date ranges, campaign rows, a campaign's report, the API's answer.

Views (admin and API) validate input and call these; every number comes from ``queries``
(rollups only). ``ensure_fresh`` runs first so that, without a broker, a report is never staler
than the fold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from targeting.measurement import experiments, queries, rollups
from targeting.measurement.queries import MAX_RANGE_DAYS, Totals, k_threshold
from targeting.models import Campaign

DEFAULT_DAYS = 30
DIMENSIONS = ("creative", "segment", "placement", "device")


class RangeError(ValueError):
    """A date range a report cannot use, with the field it is about."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


def parse_day(field_name: str, value: str | None) -> date | None:
    """A ``YYYY-MM-DD`` date, or ``RangeError`` naming the field; None when absent or empty."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) != 10 or not value.isascii():
        raise RangeError(field_name, _("Enter a date as YYYY-MM-DD."))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RangeError(field_name, _("Enter a date as YYYY-MM-DD.")) from None


def date_range(since: date | None, until: date | None) -> tuple[date, date]:
    """The range with defaults (the last 30 days to today) and its limits checked."""
    today = timezone.localdate()
    until = until or today
    since = since or until - timedelta(days=DEFAULT_DAYS - 1)
    if since > until:
        raise RangeError("from", _("The start date must not be after the end date."))
    if (until - since).days + 1 > MAX_RANGE_DAYS:
        raise RangeError(
            "to", _("A report spans at most %(days)d days.") % {"days": MAX_RANGE_DAYS}
        )
    return since, until


@dataclass
class CampaignRow:
    """One campaign in the campaign list."""

    slug: str
    name: str
    totals: Totals
    lift: float | None = None
    live: bool = False
    note: str = ""

    @property
    def impressions(self) -> int:
        return self.totals.impressions

    @property
    def clicks(self) -> int:
        return self.totals.clicks

    @property
    def conversions(self) -> int:
        return self.totals.conversions

    @property
    def ctr(self) -> float | None:
        return self.totals.ctr

    @property
    def conversion_rate(self) -> float | None:
        return self.totals.conversion_rate

    @property
    def visitors(self) -> int:
        return self.totals.visitors

    @property
    def suppressed(self) -> bool:
        return self.totals.suppressed


def _experiment_module() -> Any:
    return experiments


def lift(campaign: Campaign | str, since: date, until: date) -> float | None:
    """Lift against the control group: the experiments' readout where it gives one, else the
    holdout arm in the rollups; None when the campaign has neither."""
    module = _experiment_module()
    function = getattr(module, "lift", None)
    if function is not None and isinstance(campaign, Campaign):
        try:
            value = function(campaign, since, until)
        except Exception:  # a readout must not break the report
            value = None
        if value is not None and math.isfinite(value):
            return float(value)
    slug = campaign.slug if isinstance(campaign, Campaign) else campaign
    return queries.holdout_lift(slug, since, until)


def experiment_summary(campaign: Campaign, since: date, until: date) -> dict[str, Any] | None:
    """The ``experiment`` object of the report API (experiments' readout), or None."""
    function = getattr(_experiment_module(), "experiment_summary", None)
    if function is None:
        return None
    try:
        return function(campaign, since, until)
    except TypeError:
        return function(campaign)


def campaign_rows(since: date, until: date) -> list[CampaignRow]:
    """Every campaign with data in the range, and every live one, busiest first."""
    rollups.ensure_fresh()
    found = queries.campaign_totals(since, until)
    campaigns = {c.slug: c for c in Campaign.objects.all()}
    rows = []
    for slug in set(found) | {s for s, c in campaigns.items() if c.live}:
        campaign = campaigns.get(slug)
        totals = found.get(slug, Totals())
        rows.append(
            CampaignRow(
                slug=slug,
                name=campaign.name if campaign else slug,
                totals=totals,
                lift=lift(campaign or slug, since, until) if totals.impressions else None,
                live=bool(campaign and campaign.live),
            )
        )
    rows.sort(key=lambda row: (-row.impressions, row.name))
    return rows


@dataclass
class CampaignReport:
    """One campaign's report over a range."""

    campaign: Campaign
    since: date
    until: date
    totals: Totals
    days: list[tuple[date, Totals]]
    breakdowns: dict[str, list[tuple[Any, Totals]]] = field(default_factory=dict)
    lift: float | None = None


def campaign_report(campaign: Campaign, since: date, until: date) -> CampaignReport:
    rollups.ensure_fresh()
    slug = campaign.slug
    return CampaignReport(
        campaign=campaign,
        since=since,
        until=until,
        totals=queries.totals(slug, since, until),
        days=queries.by_day(slug, since, until),
        breakdowns={d: queries.breakdown(slug, since, until, d) for d in DIMENSIONS},
        lift=lift(campaign, since, until),
    )


def _cell(totals: Totals, **keys: Any) -> dict[str, Any]:
    """A breakdown row of the API: suppressed measures are null, with ``suppressed`` true."""
    values = totals.as_dict()
    values.pop("applications", None)
    suppressed = totals.suppressed
    if suppressed:
        values = dict.fromkeys(values)
    return {**keys, **values, "suppressed": suppressed}


def api_answer(campaign: Campaign, since: date, until: date) -> dict[str, Any]:
    """``GET /api/v1/reports/campaigns/<slug>/`` (issue 10 item 6), k-suppressed."""
    report = campaign_report(campaign, since, until)
    totals = report.totals
    whole = _cell(totals)
    return {
        "campaign": campaign.slug,
        "from": since.isoformat(),
        "to": until.isoformat(),
        "impressions": whole["impressions"],
        "clicks": whole["clicks"],
        "conversions": whole["conversions"],
        "ctr": whole["ctr"],
        "conversion_rate": whole["conversion_rate"],
        "suppressed": whole["suppressed"],
        "min_visitors": k_threshold(),
        "by_day": [
            _cell(t, day=d.isoformat())
            for d, t in report.days
            if t.impressions or t.clicks or t.conversions
        ],
        "by_creative": [_cell(t, creative=k) for k, t in report.breakdowns["creative"]],
        "by_segment": [_cell(t, segment=k) for k, t in report.breakdowns["segment"]],
        "experiment": experiment_summary(campaign, since, until),
    }
