"""Monthly cells: kept with the daily ones, rebuilt from them, and the campaign list over whole
months reads them with the edge days and answers what the daily cells alone would (issue 10)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db.models import Max, Sum

from targeting.measurement import queries, rollups
from targeting.measurement.models import ConversionGoal, DailyRollup, MonthlyRollup
from tests.measurement.conftest import at, raw_event

pytestmark = pytest.mark.django_db

DAYS = ["2026-08-31", "2026-09-01", "2026-09-15", "2026-09-30", "2026-10-01", "2026-10-20"]


def _events():
    for n, day in enumerate(DAYS):
        for v in range(n + 2):
            raw_event("impression", at(day), f"v{v}", campaign="card", creative="1")
        raw_event("click", at(day), "v0", campaign="card", creative="1")
        raw_event("impression", at(day, 11), f"w{n}", campaign="loan", creative="2")
    raw_event("application", at("2026-09-15", 12), "v1", campaign="card", creative="1")


def _daily_only(since: date, until: date) -> dict[str, tuple[int, ...]]:
    rows = (
        DailyRollup.objects.filter(day__gte=since, day__lte=until)
        .exclude(campaign="")
        .values("campaign")
        .annotate(i=Sum("impressions"), c=Sum("clicks"), v=Sum("conversions"), m=Max("visitors"))
    )
    return {r["campaign"]: (r["i"], r["c"], r["v"], r["m"]) for r in rows}


def _listed(since: date, until: date) -> dict[str, tuple[int, ...]]:
    return {
        slug: (t.impressions, t.clicks, t.conversions, t.visitors)
        for slug, t in queries.campaign_totals(since, until).items()
    }


def _months():
    return sorted(
        MonthlyRollup.objects.values_list(
            "month", "campaign", "impressions", "clicks", "conversions", "visitors"
        )
    )


def test_months_follow_the_days_and_the_list_reads_them_with_its_edges(settings):
    settings.RAW_EVENT_RETENTION_DAYS = 100000
    _events()
    rollups.roll_up(settle=timedelta(0), chunk=5)

    kept = _months()
    assert (date(2026, 9, 1), "card", 3 + 4 + 5, 3, 1, 5) in kept
    rollups.months_from_days(date(2000, 1, 1))
    assert _months() == kept  # what the roll-up kept is what the days say

    for since, until in [
        (date(2026, 8, 1), date(2026, 10, 31)),  # whole months only
        (date(2026, 8, 31), date(2026, 10, 1)),  # edges on both sides
        (date(2026, 9, 2), date(2026, 9, 29)),  # inside one month: days only
        (date(2026, 9, 1), date(2026, 9, 30)),  # one whole month
        (date(2026, 8, 15), date(2026, 12, 31)),
    ]:
        assert _listed(since, until) == _daily_only(since, until), (since, until)


def test_a_rebuild_from_mid_month_keeps_the_month_whole(settings):
    settings.RAW_EVENT_RETENTION_DAYS = 100000
    _events()
    rollups.roll_up(settle=timedelta(0))
    kept = _months()

    rollups.rebuild(date(2026, 9, 20))

    assert _months() == kept
    # and a lost monthly row comes back
    MonthlyRollup.objects.filter(month=date(2026, 10, 1)).delete()
    rollups.rebuild(date(2026, 10, 5))
    assert _months() == kept


def test_a_goal_of_another_kind_does_not_make_a_form_of_that_name_count():
    ConversionGoal.objects.create(name="Newsletter", kind="event", key="newsletter")
    raw_event("form_submit", at("2026-11-20"), "a", campaign="card", form="newsletter")
    rollups.roll_up(settle=timedelta(0))
    assert not DailyRollup.objects.filter(conversions__gt=0).exists()
