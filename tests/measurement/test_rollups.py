"""Rollups from the raw event log: exactly once, late and duplicate events, rebuild, visitors."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from targeting.measurement import rollups
from targeting.measurement.models import ConversionGoal, DailyRollup, HourlyRollup
from targeting.tracking.models import RawEvent
from tests.measurement.conftest import at, raw_event

pytestmark = pytest.mark.django_db

DAY = "2026-11-20"


def daily(**filters):
    return {
        (r.day.isoformat(), r.campaign, r.creative): (
            r.impressions,
            r.clicks,
            r.conversions,
            r.visitors,
        )
        for r in DailyRollup.objects.filter(**filters)
    }


def test_impressions_clicks_and_visitors_by_cell(settings):
    settings.RAW_EVENT_RETENTION_DAYS = 100000
    raw_event("impression", at(DAY), "a", campaign="card", creative="1", placement="hero")
    raw_event("impression", at(DAY, 11), "a", campaign="card", creative="1", placement="hero")
    raw_event("impression", at(DAY), "b", campaign="card", creative="1", placement="hero")
    raw_event("click", at(DAY), "b", campaign="card", creative="1", placement="hero", kind="cta")
    # A site-wide button names no campaign nor placement: not a campaign click.
    raw_event("click", at(DAY), "b", kind="cta", target="/apply/")

    assert rollups.roll_up(settle=timedelta(0)) == 5

    # Two visitors saw it three times; "a" counts once as a distinct visitor.
    assert daily() == {(DAY, "card", "1"): (3, 1, 0, 2)}
    hours = sorted(
        (r.hour.hour, r.impressions) for r in HourlyRollup.objects.filter(campaign="card")
    )
    assert hours == [(2, 2), (3, 1)]  # 10:00 and 11:00 in Shanghai are 02:00 and 03:00 UTC


def test_running_twice_adds_nothing_and_new_events_are_added_once():
    raw_event("impression", at(DAY), "a", campaign="card", creative="1")
    rollups.roll_up(settle=timedelta(0))
    assert rollups.roll_up(settle=timedelta(0)) == 0
    raw_event("impression", at(DAY), "c", campaign="card", creative="1")
    rollups.roll_up(settle=timedelta(0))
    assert daily() == {(DAY, "card", "1"): (2, 0, 0, 2)}


def test_events_still_settling_wait_for_the_next_run():
    raw_event("impression", at(DAY), "a", campaign="card", creative="1", received=timezone.now())
    assert rollups.roll_up() == 0
    assert rollups.roll_up(settle=timedelta(0)) == 1


def test_a_late_event_lands_in_its_own_day():
    raw_event("impression", at(DAY), "a", campaign="card", creative="1")
    rollups.roll_up(settle=timedelta(0))
    # Arrives afterwards, about a day earlier (a phone that was offline).
    raw_event("impression", at("2026-11-19", 23), "z", campaign="card", creative="1")
    rollups.roll_up(settle=timedelta(0))
    assert daily() == {
        ("2026-11-19", "card", "1"): (1, 0, 0, 1),
        (DAY, "card", "1"): (1, 0, 0, 1),
    }


def test_a_retried_batch_is_one_raw_event_and_counts_once():
    from targeting.tracking.ingestion import Caller, ingest_batch

    event = {
        "id": "imp-1",
        "type": "impression",
        "at": timezone.now().isoformat(),
        "properties": {"placement": "hero", "campaign": "card", "creative": "7"},
    }
    caller = Caller.browser("b" * 32)
    ingest_batch([event], caller)
    result = ingest_batch([event], caller)
    assert result.duplicates == ["imp-1"]
    rollups.roll_up(settle=timedelta(0))
    assert DailyRollup.objects.get(campaign="card").impressions == 1


def test_conversions_are_attributed_to_the_last_click_else_the_last_view():
    raw_event("impression", at(DAY, 9), "a", campaign="loan", creative="2", segment="young")
    raw_event("click", at(DAY, 9, 5), "a", campaign="card", creative="1", segment="travel")
    raw_event("impression", at(DAY, 9, 10), "a", campaign="loan", creative="2", segment="young")
    raw_event("goal", at(DAY, 10), "a", goal="newsletter")
    # Visitor "b" only saw the loan campaign: a view-through conversion.
    raw_event("impression", at(DAY, 9), "b", campaign="loan", creative="2")
    raw_event("goal", at(DAY, 10), "b", goal="newsletter")
    # Visitor "c" converts with no touch: counted, attributed to no campaign.
    raw_event("goal", at(DAY, 10), "c", goal="newsletter")

    rollups.roll_up(settle=timedelta(0))

    conversions = {
        (r.campaign, r.creative, r.segment): r.conversions
        for r in DailyRollup.objects.filter(conversions__gt=0)
    }
    assert conversions == {("card", "1", "travel"): 1, ("loan", "2", ""): 1, ("", "", ""): 1}


def test_a_touch_outside_the_window_does_not_attribute(settings):
    settings.ATTRIBUTION_WINDOW_DAYS = 1
    raw_event("click", at("2026-11-17"), "a", campaign="card", creative="1")
    raw_event("goal", at(DAY), "a", goal="newsletter")
    rollups.roll_up(settle=timedelta(0))
    assert DailyRollup.objects.get(conversions=1).campaign == ""


def test_an_application_counts_where_its_attribution_says():
    raw_event(
        "application",
        at(DAY),
        "a",
        channel="web",
        product="gold-card",
        campaign="card",
        creative="1",
        placement="hero",
        segment="travel",
        touch="click",
    )
    rollups.roll_up(settle=timedelta(0))
    row = DailyRollup.objects.get()
    assert (row.campaign, row.conversions, row.applications) == ("card", 1, 1)


def test_pages_and_forms_count_only_when_a_goal_names_them():
    ConversionGoal.objects.create(name="Thanks", kind="page", key="/thanks/")
    ConversionGoal.objects.create(name="Callback", kind="form", key="callback")
    raw_event("click", at(DAY, 9), "a", campaign="card", creative="1")
    raw_event("page_view", at(DAY, 10), "a", path="/thanks/")
    raw_event("page_view", at(DAY, 10), "a", path="/other/")
    raw_event("form_submit", at(DAY, 10), "a", form="callback")
    raw_event("form_submit", at(DAY, 10), "a", form="apply")
    rollups.roll_up(settle=timedelta(0))
    assert DailyRollup.objects.get(campaign="card").conversions == 2


def test_channel_events_count_like_the_beacons():
    raw_event("impression", at(DAY), "d" * 32, channel="app", campaign="card", creative="1")
    raw_event("click", at(DAY), "d" * 32, channel="app", campaign="card", creative="1")
    rollups.roll_up(settle=timedelta(0))
    row = DailyRollup.objects.get()
    assert (row.channel, row.impressions, row.clicks) == ("app", 1, 1)


def test_rebuild_gives_the_same_rows_and_repairs_lost_ones(settings):
    settings.RAW_EVENT_RETENTION_DAYS = 100000
    for visitor in "abcdef":
        raw_event("impression", at(DAY), visitor, campaign="card", creative="1")
        raw_event("click", at(DAY), visitor, campaign="card", creative="1")
    raw_event("impression", at("2026-11-21"), "a", campaign="card", creative="1")
    rollups.roll_up(settle=timedelta(0))
    before = daily()
    DailyRollup.objects.filter(day=DAY).update(impressions=999, visitors=0)

    call_command("rebuild_rollups", "--since", "2026-11-01")
    call_command("rebuild_rollups", "--since", "2026-11-01")

    assert (
        daily()
        == before
        == {
            (DAY, "card", "1"): (6, 6, 0, 6),
            ("2026-11-21", "card", "1"): (1, 0, 0, 1),
        }
    )


def test_rebuild_since_keeps_earlier_days(settings):
    settings.RAW_EVENT_RETENTION_DAYS = 100000
    raw_event("impression", at("2026-11-19"), "a", campaign="card", creative="1")
    raw_event("impression", at(DAY), "a", campaign="card", creative="1")
    rollups.roll_up(settle=timedelta(0))
    DailyRollup.objects.filter(day="2026-11-19").update(impressions=7)
    call_command("rebuild_rollups", "--since", DAY)
    assert daily()[("2026-11-19", "card", "1")][0] == 7
    assert daily()[(DAY, "card", "1")][0] == 1


def test_rebuild_never_reaches_past_what_the_raw_log_holds(settings):
    settings.RAW_EVENT_RETENTION_DAYS = 30
    old = timezone.localdate() - timedelta(days=60)
    DailyRollup.objects.create(day=old, campaign="card", impressions=50, visitors=9)
    first, _added = rollups.rebuild(date(2000, 1, 1))
    assert first > old
    assert DailyRollup.objects.get(day=old).impressions == 50


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "2026-01-01\x00", ""])
def test_rebuild_command_names_a_bad_date(value):
    with pytest.raises(CommandError, match="--since"):
        call_command("rebuild_rollups", "--since", value)


def test_events_the_rollups_do_not_count_still_move_the_cursor():
    raw_event("search", at(DAY), "a", query="loan")
    assert rollups.roll_up(settle=timedelta(0)) == 1
    assert rollups.roll_up(settle=timedelta(0)) == 0
    assert not DailyRollup.objects.exists()
    assert RawEvent.objects.count() == 1
