"""Experiments: readout from the rollups, automatic allocation, declaring a winner, the pages."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from targeting import snapshot
from targeting.measurement import allocation, experiments, stats
from targeting.measurement.models import AllocationUpdate, DailyRollup
from targeting.models import CampaignAllocation, CampaignCreative
from targeting.rendering import decide_slot
from tests.targeting.factories import (
    CampaignFactory,
    CreativeFactory,
    PlacementFactory,
    UserFactory,
    publish,
)


@pytest.fixture(autouse=True)
def _fresh_snapshot():
    snapshot.reset()
    yield
    snapshot.reset()


@pytest.fixture
def marketer(db):
    user = UserFactory(username="marketer")
    user.groups.add(Group.objects.get(name="Marketers"))
    return user


@pytest.fixture
def reviewer(db):
    user = UserFactory(username="reviewer")
    user.groups.add(Group.objects.get(name="Compliance reviewers"))
    return user


@pytest.fixture
def outsider(db):
    user = UserFactory(username="editor")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def speak(user: Any, language: str) -> None:
    """The admin speaks the user's preferred language (pinned: tests read text)."""
    from wagtail.users.models import UserProfile

    UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": language})


def experiment(
    django_capture_on_commit_callbacks: Any = None, creatives: int = 2, **fields: Any
) -> Any:
    """A live campaign with ``creatives`` published creatives in the "home-hero" placement."""
    placement = PlacementFactory(slug="home-hero", default_headline="Welcome to the bank")
    links = [
        CampaignCreative(creative=publish(CreativeFactory(name=f"Creative {i}")), weight=1)
        for i in range(creatives)
    ]
    campaign = CampaignFactory.build(slug="card-offer", name="Card offer", **fields)
    campaign.placements = [placement]
    campaign.campaign_creatives = links
    campaign.save()
    return publish(campaign)


def keys(campaign: Any) -> list[str]:
    return [
        str(k)
        for k in campaign.campaign_creatives.order_by("sort_order").values_list(
            "creative_id", flat=True
        )
    ]


def roll(campaign: Any, arm: str, impressions: int, conversions: int, **extra: Any) -> None:
    """Daily rollup cells of one arm (what the rollups hold after the pipeline ran)."""
    DailyRollup.objects.create(
        day=extra.pop("day", timezone.localdate()),
        campaign=campaign.slug,
        creative=arm,
        placement="home-hero",
        segment=extra.pop("segment", ""),
        channel="web",
        device="mobile",
        impressions=impressions,
        clicks=extra.pop("clicks", 0),
        conversions=conversions,
        visitors=impressions,
    )


# --------------------------------------------------------------------------------------------
# Readout


@pytest.mark.django_db
def test_readout_compares_every_arm_with_the_first_creative(django_capture_on_commit_callbacks):
    # Given a campaign with a 10 % holdout and two creatives, and a week of rollups
    campaign = experiment(holdout_percent=10)
    first, second = keys(campaign)
    roll(campaign, "holdout", 1000, 20)
    roll(campaign, first, 4500, 70)
    roll(campaign, second, 4500, 180)

    # When the readout is computed
    result = experiments.readout(campaign)

    # Then the first creative is the control; the second and the holdout are compared with it
    assert [a.key for a in result.arms] == ["holdout", first, second]
    assert result.control == first
    holdout, a, b = result.arms
    assert a.control and not holdout.control
    assert holdout.intended_share == pytest.approx(0.1)
    assert a.intended_share == pytest.approx(0.45)
    assert b.rate == pytest.approx(180 / 4500)
    assert b.interval == pytest.approx(stats.wilson_interval(180, 4500))
    test = stats.two_proportion_ztest(70, 4500, 180, 4500)
    assert b.p_value == pytest.approx(test.p_value)
    assert b.chance_to_beat == pytest.approx(stats.chance_to_beat(70, 4500, 180, 4500))
    assert b.expected_loss == pytest.approx(stats.expected_loss(70, 4500, 180, 4500))
    assert holdout.chance_to_beat == pytest.approx(stats.chance_to_beat(70, 4500, 20, 1000))
    assert b.sequential_significant
    assert b.chance_to_be_best > 0.99
    assert holdout.chance_to_be_best is None
    assert result.leader == second
    assert result.srm is not None and not result.srm.mismatch


@pytest.mark.django_db
def test_a_broken_split_raises_the_alarm_and_names_no_leader():
    campaign = experiment(holdout_percent=10)
    first, second = keys(campaign)
    roll(campaign, "holdout", 3000, 20)
    roll(campaign, first, 4500, 110)
    roll(campaign, second, 4500, 300)
    with translation.override("en"):
        result = experiments.readout(campaign)
    assert result.srm.mismatch
    assert result.leader is None
    assert any("Sample ratio mismatch" in note for note in result.notes)


@pytest.mark.django_db
def test_clicks_goal_counts_clicks_and_never_more_successes_than_trials():
    campaign = experiment(goal="click")
    first, second = keys(campaign)
    roll(campaign, first, 100, 0, clicks=7)
    roll(campaign, second, 10, 0, clicks=50)  # duplicate clicks of a few visitors
    result = experiments.readout(campaign)
    assert [a.successes for a in result.arms] == [7, 10]
    assert result.control == first  # no holdout: the first creative


@pytest.mark.django_db
def test_sample_size_plan_and_progress():
    campaign = experiment(
        experiment_baseline=Decimal("2.5"), experiment_effect=Decimal("20"), holdout_percent=0
    )
    first, second = keys(campaign)
    needed = stats.sample_size_per_arm(0.025, 0.2, 0.05, 0.8)
    roll(campaign, first, needed // 2, 10)
    roll(campaign, second, needed, 10)
    result = experiments.readout(campaign)
    assert result.required_per_arm == needed
    assert result.progress == pytest.approx((needed // 2) / needed)


@pytest.mark.django_db
def test_report_object_is_null_for_a_campaign_that_is_no_experiment():
    single = experiment(creatives=1)
    assert experiments.experiment_report(single) is None


@pytest.mark.django_db
def test_report_object_shape_for_the_api():
    campaign = experiment(holdout_percent=10)
    first, second = keys(campaign)
    roll(campaign, "holdout", 500, 5)
    roll(campaign, first, 2000, 40)
    roll(campaign, second, 2000, 60)
    report = experiments.experiment_report(campaign)
    assert set(report) == {
        "goal",
        "allocation",
        "control",
        "alpha",
        "arms",
        "sample_ratio",
        "required_per_arm",
        "progress",
        "winner",
        "leader",
    }
    arm = report["arms"][2]
    assert arm["arm"] == second and arm["impressions"] == 2000 and arm["successes"] == 60
    assert arm["rate"] == 0.03
    assert set(arm["sequential"]) == {"p_value", "interval", "significant"}
    assert experiments.lift(campaign, timezone.localdate(), timezone.localdate()) == pytest.approx(
        100 / 4000 / (5 / 500) - 1
    )


# --------------------------------------------------------------------------------------------
# Campaign settings


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"experiment_baseline": Decimal("2")}, "experiment_effect"),
        ({"experiment_effect": Decimal("10")}, "experiment_baseline"),
        (
            {"experiment_baseline": Decimal("60"), "experiment_effect": Decimal("100")},
            "experiment_effect",
        ),
        ({"allocation_mode": "automatic", "allocation_floor": 40}, "allocation_floor"),
    ],
)
def test_experiment_settings_that_do_not_fit_name_their_field(fields, field):
    campaign = experiment(creatives=3)
    for name, value in fields.items():
        setattr(campaign, name, value)
    with pytest.raises(ValidationError) as raised:
        campaign.clean_experiment()
    assert field in raised.value.message_dict


@pytest.mark.django_db
def test_a_winner_must_be_one_of_the_creatives():
    campaign = experiment()
    campaign.winner = publish(CreativeFactory(name="Elsewhere"))
    with pytest.raises(ValidationError) as raised:
        campaign.clean_experiment()
    assert "winner" in raised.value.message_dict


# --------------------------------------------------------------------------------------------
# The snapshot and the page


@pytest.mark.django_db
def test_holdout_visitors_see_the_default_content_marked_for_the_beacon(rf: RequestFactory):
    campaign = experiment(holdout_percent=50)
    spec = snapshot.get_snapshot().engine.campaigns[campaign.slug]
    assert spec.holdout == 0.5
    seen: dict[str, str] = {}
    for i in range(40):
        request = rf.get("/")
        request.visitor = None  # no consent: decided by audience, then by a visitor id below
        from targeting.engine.context import RequestInfo, VisitorContext

        ctx = VisitorContext(RequestInfo(visitor_id=f"visitor-{i}"), {})
        request.visitor = type("V", (), {"context": ctx, "id": f"visitor-{i}"})()
        result = decide_slot(request, "home-hero")
        arm = "holdout" if result.decision.holdout_of else "shown"
        seen[arm] = str(result.html)
    assert 'data-creative="holdout"' in seen["holdout"]
    assert 'data-campaign="card-offer"' in seen["holdout"]
    assert "Welcome to the bank" in seen["holdout"]
    assert 'data-creative="holdout"' not in seen["shown"]


# --------------------------------------------------------------------------------------------
# Automatic allocation


@pytest.mark.django_db
def test_automatic_allocation_learns_publishes_and_records(django_capture_on_commit_callbacks):
    # Given an automatic campaign whose second creative converts three times as well
    campaign = experiment(allocation_mode="automatic", allocation_floor=10, holdout_percent=10)
    first, second = keys(campaign)
    roll(campaign, "holdout", 900, 100)  # the holdout is left alone, whatever it does
    roll(campaign, first, 4000, 40)
    roll(campaign, second, 4000, 120)

    # When the allocation task runs
    with django_capture_on_commit_callbacks(execute=True):
        written = allocation.update_allocation(campaign)

    # Then the second creative gets the most traffic, the first keeps its floor
    shares = CampaignAllocation.objects.get(campaign=campaign).weights[""]
    assert shares[second] == pytest.approx(0.9, abs=0.001)
    assert shares[first] == pytest.approx(0.1, abs=0.001)
    assert "holdout" not in shares
    # ... it is recorded for compliance
    assert [(u.segment, u.weights) for u in written] == [("", shares)]
    assert AllocationUpdate.objects.filter(campaign=campaign).count() == 1
    # ... and it is in the published snapshot, holdout unchanged
    spec = snapshot.get_snapshot().engine.campaigns[campaign.slug]
    assert spec.allocation[""] == shares
    assert spec.holdout == 0.1

    # When it runs again on the same counts, nothing moves and nothing is recorded
    with django_capture_on_commit_callbacks(execute=True):
        assert allocation.update_allocation(campaign) == []
    assert AllocationUpdate.objects.filter(campaign=campaign).count() == 1


@pytest.mark.django_db
def test_allocation_per_audience_learns_each_segment(django_capture_on_commit_callbacks):
    from tests.targeting.factories import SegmentFactory

    young = publish(
        SegmentFactory(slug="young", rule={"attr": "profile.age", "op": "lt", "value": 30})
    )
    campaign = experiment(allocation_mode="automatic_segment", allocation_floor=5)
    campaign.include_segments.add(young)
    first, second = keys(campaign)
    roll(campaign, first, 3000, 150, segment="young")
    roll(campaign, second, 3000, 30, segment="young")
    roll(campaign, first, 3000, 30, segment="")
    roll(campaign, second, 3000, 150, segment="")
    with django_capture_on_commit_callbacks(execute=True):
        allocation.update_allocation(campaign)
    weights = CampaignAllocation.objects.get(campaign=campaign).weights
    assert weights["young"][first] > 0.9
    assert weights[""][first] == pytest.approx(0.5, abs=0.1)  # all audiences together: even
    spec = snapshot.get_snapshot().engine.campaigns[campaign.slug]
    assert spec.allocation_by_segment


@pytest.mark.django_db
def test_fixed_campaigns_and_declared_winners_get_no_allocation(
    django_capture_on_commit_callbacks,
):
    fixed = experiment()
    assert allocation.update_allocation(fixed) == []
    assert allocation.update_all() == 0
    assert not CampaignAllocation.objects.exists()


@pytest.mark.django_db
def test_one_failing_campaign_does_not_stop_the_others(monkeypatch, caplog):
    experiment(allocation_mode="automatic")

    def broken(campaign, now=None):
        raise RuntimeError("rollups unreadable")

    monkeypatch.setattr(allocation, "update_allocation", broken)
    assert allocation.update_all() == 0
    assert "allocation of card-offer failed" in caplog.text


def test_the_beat_schedule_runs_the_allocation_every_few_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["measurement-update-allocations"]
    assert entry["task"] == "targeting.measurement.update_allocations"
    assert entry["schedule"] <= 600


# --------------------------------------------------------------------------------------------
# Declare a winner


@pytest.mark.django_db
def test_declaring_a_winner_waits_for_compliance(
    marketer, reviewer, django_capture_on_commit_callbacks
):
    # Given a live experiment with two creatives
    with django_capture_on_commit_callbacks(execute=True):
        campaign = experiment()
    first, second = keys(campaign)

    # When the marketer declares the second creative the winner
    with django_capture_on_commit_callbacks(execute=True):
        state = experiments.declare_winner(campaign, int(second), marketer)

    # Then it is a campaign change awaiting approval, and the site still splits
    assert state is not None
    campaign.refresh_from_db()
    assert campaign.winner_id is None
    assert campaign.workflow_in_progress
    live = snapshot.get_snapshot().engine.creatives[campaign.slug]
    assert sorted(str(c.id) for c in live) == sorted([first, second])
    # ... and a second declaration must wait for the review
    with pytest.raises(experiments.WinnerError):
        experiments.declare_winner(campaign, int(first), marketer)

    # When compliance approves
    with django_capture_on_commit_callbacks(execute=True):
        task_state = campaign.current_workflow_task_state
        task_state.task.specific.on_action(task_state, reviewer, "approve")

    # Then only the winner shows
    campaign.refresh_from_db()
    assert str(campaign.winner_id) == second
    snapshot.reset()
    live = snapshot.get_snapshot().engine.creatives[campaign.slug]
    assert [str(c.id) for c in live] == [second]


@pytest.mark.django_db
def test_a_winner_from_elsewhere_is_refused(marketer):
    campaign = experiment()
    other = publish(CreativeFactory(name="Not in the campaign"))
    with pytest.raises(experiments.WinnerError):
        experiments.declare_winner(campaign, other.pk, marketer)
    campaign.refresh_from_db()
    assert not campaign.workflow_in_progress


# --------------------------------------------------------------------------------------------
# Admin pages


def refused(response: Any) -> bool:
    """Wagtail's admin answers a permission refusal with a redirect to the dashboard."""
    return response.status_code in (302, 403) and (
        response.status_code == 403 or response["Location"] == "/admin/"
    )


@pytest.mark.django_db
def test_outsiders_see_no_experiment_page_and_cannot_declare(client, outsider):
    campaign = experiment()
    client.force_login(outsider)
    assert refused(client.get(reverse("measurement_experiments")))
    assert refused(client.get(reverse("measurement_experiment", args=[campaign.pk])))
    winner = reverse("measurement_declare_winner", args=[campaign.pk])
    assert refused(client.post(winner, {"creative": keys(campaign)[0]}))
    campaign.refresh_from_db()
    assert not campaign.workflow_in_progress


@pytest.mark.django_db
def test_report_readers_without_campaign_rights_cannot_declare(client, outsider):
    campaign = experiment()
    outsider.user_permissions.add(Permission.objects.get(codename="view_report"))
    client.force_login(outsider)
    page = client.get(reverse("measurement_experiment", args=[campaign.pk]))
    assert page.status_code == 200
    assert b"measurement/experiments/%d/winner/" % campaign.pk not in page.content
    winner = reverse("measurement_declare_winner", args=[campaign.pk])
    assert refused(client.post(winner, {"creative": keys(campaign)[0]}))
    campaign.refresh_from_db()
    assert not campaign.workflow_in_progress


@pytest.mark.django_db
def test_compliance_reads_the_experiment(client, reviewer):
    campaign = experiment()
    client.force_login(reviewer)
    assert client.get(reverse("measurement_experiment", args=[campaign.pk])).status_code == 200


@pytest.mark.django_db
def test_marketer_page_in_chinese_with_arms_and_declare_button(client, marketer):
    campaign = experiment(holdout_percent=10)
    first, second = keys(campaign)
    roll(campaign, "holdout", 500, 5)
    roll(campaign, first, 2000, 40)
    roll(campaign, second, 2000, 80)
    speak(marketer, "zh-hans")
    client.force_login(marketer)
    page = client.get(reverse("measurement_experiment", args=[campaign.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "击败对照组的概率" in text  # "Chance to beat control"
    assert "宣布胜出" in text  # "Declare winner"
    assert "Creative 1" in text
    index = client.get(reverse("measurement_experiments"))
    assert "实验" in index.content.decode()
    assert "Card offer" in index.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("pk", ["abc", "0", "99999999999999999999999", "1%00"])
def test_unknown_campaigns_are_404(client, marketer, pk):
    client.force_login(marketer)
    assert client.get(f"/admin/measurement/experiments/{pk}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2025-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2025-01-01\x00"}, "from"),
        ({"from": "2025-05-01", "to": "2025-04-01"}, "from"),
        ({"from": "1900-01-01", "to": "2025-01-01"}, "from"),
    ],
)
def test_bad_periods_are_named_not_500(client, marketer, query, field):
    campaign = experiment()
    speak(marketer, "en")
    client.force_login(marketer)
    page = client.get(reverse("measurement_experiment", args=[campaign.pk]), query)
    assert page.status_code == 200
    assert f"{field}: " in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "NaN", "-1", "1e400", "9" * 40, "\x00"])
def test_hostile_winner_values_are_refused_with_a_message(client, marketer, value):
    campaign = experiment()
    speak(marketer, "en")
    client.force_login(marketer)
    response = client.post(
        reverse("measurement_declare_winner", args=[campaign.pk]), {"creative": value}, follow=True
    )
    assert response.status_code == 200
    assert "creative: choose one of the campaign" in response.content.decode()
    campaign.refresh_from_db()
    assert not campaign.workflow_in_progress


@pytest.mark.django_db
def test_marketer_declares_from_the_page(client, marketer, django_capture_on_commit_callbacks):
    campaign = experiment()
    speak(marketer, "en")
    client.force_login(marketer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("measurement_declare_winner", args=[campaign.pk]),
            {"creative": keys(campaign)[1]},
            follow=True,
        )
    assert "sent to compliance" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.workflow_in_progress
    assert campaign.winner_id is None


def test_period_defaults_to_the_last_30_days():
    since, until, errors = __import__(
        "targeting.measurement.experiment_views", fromlist=["parse_period"]
    ).parse_period({})
    assert errors == []
    assert until == timezone.localdate()
    assert until - since == timedelta(days=29)
    assert isinstance(since, date)


@pytest.mark.django_db
def test_a_few_early_conversions_do_not_move_the_split(django_capture_on_commit_callbacks):
    # Given an automatic campaign whose creatives have fewer seen impressions than the burn-in
    campaign = experiment(allocation_mode="automatic")
    first, second = keys(campaign)
    roll(campaign, first, allocation.BURN_IN - 1, 0)
    roll(campaign, second, allocation.BURN_IN + 500, 9)
    # When the allocation runs, then the split stays even
    with django_capture_on_commit_callbacks(execute=True):
        allocation.update_allocation(campaign)
    assert CampaignAllocation.objects.get(campaign=campaign).weights[""] == {
        first: 0.5,
        second: 0.5,
    }


@pytest.mark.django_db
def test_without_a_plan_the_page_sizes_the_experiment_from_the_control_rate():
    from targeting.measurement.experiment_views import sample_size_guidance

    campaign = experiment()
    first, second = keys(campaign)
    roll(campaign, first, 2000, 40)
    roll(campaign, second, 2000, 44)
    rows = sample_size_guidance(experiments.readout(campaign), campaign)
    assert [row["needed"] for row in rows] == [
        stats.sample_size_per_arm(0.02, lift, 0.05, 0.8) for lift in (0.1, 0.2, 0.5)
    ]
    campaign.experiment_baseline, campaign.experiment_effect = Decimal("2"), Decimal("20")
    assert sample_size_guidance(experiments.readout(campaign), campaign) == []


def test_the_preview_page_says_which_arm_and_why():
    from targeting.simulation import reasons

    answer = {
        "explain": {
            "campaigns": {
                "home-hero": {
                    "campaigns": [{"campaign": "card", "chosen": True, "priority": 1}],
                    "arm": {"arm": "holdout", "why": "held out: bucket 0.0100 is below 10.00%"},
                }
            }
        }
    }
    with translation.override("en"):
        lines = reasons(answer, "home-hero")
    assert lines[-1] == "Experiment arm: held out: bucket 0.0100 is below 10.00%"
