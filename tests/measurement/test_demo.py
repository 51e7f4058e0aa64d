"""The demo's traffic goes through the event pipeline and fills the rollups, once."""

from __future__ import annotations

import io

import pytest
from django.db.models import Sum

from targeting.measurement import demo
from targeting.measurement.models import ConversionGoal, DailyRollup
from targeting.tracking.models import RawEvent
from tests.targeting.factories import PlacementFactory, live_campaign

pytestmark = pytest.mark.django_db


def test_demo_traffic_goes_through_the_pipeline_into_the_rollups(monkeypatch):
    monkeypatch.setattr(demo, "DAYS", 5)
    hero = PlacementFactory(slug="home-hero")
    live_campaign(hero, slug="gold-card")

    demo.seed(io.StringIO())

    events = RawEvent.objects.filter(source=demo.SOURCE)
    impressions = events.filter(type="impression").count()
    assert impressions > 100
    # Folded into profiles like real traffic, and every event in the rollups.
    assert not events.filter(folded_at__isnull=True).exists()
    totals = DailyRollup.objects.filter(campaign="gold-card").aggregate(
        i=Sum("impressions"), c=Sum("clicks"), a=Sum("applications")
    )
    assert totals["i"] == impressions
    assert totals["c"] == events.filter(type="click").count() > 0
    assert DailyRollup.objects.filter(campaign="gold-card").values("day").distinct().count() == 5

    # A second run sends nothing new.
    demo.seed(io.StringIO())
    assert RawEvent.objects.filter(source=demo.SOURCE).count() == events.count()
    assert (
        DailyRollup.objects.filter(campaign="gold-card").aggregate(i=Sum("impressions"))["i"]
        == impressions
    )


def test_demo_sets_up_conversion_goals_and_the_rollups_count_them(monkeypatch):
    monkeypatch.setattr(demo, "DAYS", 5)
    hero = PlacementFactory(slug="home-hero")
    live_campaign(hero, slug="gold-card")

    demo.seed(io.StringIO())

    goals = {(g.kind, g.key) for g in ConversionGoal.objects.filter(active=True)}
    confirmation = demo.confirmation_path()
    assert confirmation.endswith("/apply/done/")
    assert goals >= {
        ("page", confirmation),
        ("form", demo.CALLBACK_FORM),
        ("event", demo.CALCULATOR_EVENT),
    }
    events = RawEvent.objects.filter(source=demo.SOURCE)
    goal_events = (
        events.filter(type="page_view", properties__path=confirmation).count()
        + events.filter(type="form_submit", properties__form=demo.CALLBACK_FORM).count()
        + events.filter(type="goal", properties__goal=demo.CALCULATOR_EVENT).count()
    )
    applications = events.filter(type="application").count()
    assert goal_events > 0
    # Every goal conversion is counted, and those naming no campaign went to the last touch.
    totals = DailyRollup.objects.aggregate(c=Sum("conversions"), a=Sum("applications"))
    assert totals["c"] == applications + goal_events
    assert (
        DailyRollup.objects.filter(campaign="gold-card").aggregate(c=Sum("conversions"))["c"]
        > DailyRollup.objects.filter(campaign="gold-card").aggregate(a=Sum("applications"))["a"]
    )

    # A second run keeps the goals as they are (one each).
    demo.seed(io.StringIO())
    assert ConversionGoal.objects.count() == len(goals)


def test_demo_has_a_running_experiment_with_a_clear_winner():
    # local: the demo's experiment module names the campaign it turns into an experiment
    from targeting.measurement import experiment_demo, experiments

    hero = PlacementFactory(slug="home-hero")
    campaign = live_campaign(hero, slug=experiment_demo.EXPERIMENT)

    demo.seed(io.StringIO())  # the full 30 days, with the goals' conversions among them

    campaign.refresh_from_db()
    result = experiments.readout(campaign)
    second = str(campaign.campaign_creatives.all()[1].creative_id)
    assert [arm.key for arm in result.arms][0] == "holdout"
    assert result.srm is not None and not result.srm.mismatch
    assert result.leader == second
    assert next(a for a in result.arms if a.key == second).chance_to_beat > 0.95


def test_the_report_api_is_in_the_openapi_schema(client):
    # local: the admin user factory of the portal tests
    from tests.targeting.factories import UserFactory

    client.force_login(UserFactory(username="schema-reader", is_staff=True, is_superuser=True))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/reports/campaigns/{slug}/" in schema
    for field in ("by_creative", "by_segment", "conversion_rate", "experiment"):
        assert field in schema
