"""Campaigns over the API are drafts only: compliance approves them in the admin."""

from __future__ import annotations

import pytest

from targeting.models import Campaign
from targeting.snapshot import get_snapshot
from tests.targeting.factories import (
    CreativeFactory,
    PlacementFactory,
    SegmentFactory,
    live_campaign,
    publish,
)

URL = "/api/v1/campaigns/"


@pytest.fixture
def parts(db):
    return {
        "hero": PlacementFactory(slug="home-hero"),
        "creative": publish(CreativeFactory(headline="信用卡新客礼")),
        "audience": publish(SegmentFactory(slug="baidu-credit-card")),
        "staff": publish(SegmentFactory(slug="staff")),
    }


def campaign_body(parts, **extra) -> dict:
    return {
        "name": "信用卡新客礼",
        "slug": "credit-card-offer",
        "placements": ["home-hero"],
        "creatives": [{"creative": parts["creative"].pk, "weight": 3}],
        "include_segments": ["baidu-credit-card"],
        "exclude_segments": ["staff"],
        "hours": [9, 10, 20],
        "weekdays": [1, 2, 3, 4, 5],
        "priority": 20,
        **extra,
    }


def test_a_new_campaign_is_saved_as_a_draft_awaiting_submission(parts, marketer_client):
    response = marketer_client.post(URL, campaign_body(parts), format="json")

    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["live"] is False
    assert answer["status"] == "draft"
    assert answer["placements"] == ["home-hero"]
    assert answer["creatives"] == [{"creative": parts["creative"].pk, "weight": 3}]
    assert answer["include_segments"] == ["baidu-credit-card"]
    assert answer["hours"] == [9, 10, 20]
    campaign = Campaign.objects.get(slug="credit-card-offer")
    assert campaign.revisions.count() == 1
    assert [c.creative_id for c in campaign.campaign_creatives.all()] == [parts["creative"].pk]
    assert "credit-card-offer" not in get_snapshot().engine.campaigns


@pytest.mark.parametrize("client_name", ["marketer_client", "reviewer_client"])
def test_a_campaign_can_never_be_published_through_the_api(parts, client_name, request):
    # Even a compliance reviewer, who may publish campaigns in the admin, cannot publish here.
    client = request.getfixturevalue(client_name)
    campaign = live_campaign(parts["hero"], parts["creative"], slug="salary-card")
    campaign.save_revision()  # a draft on top of the live version

    response = client.patch(URL + "salary-card/", {"publish": True, "priority": 99}, format="json")

    assert response.status_code == 400
    assert "publish" in response.json()
    campaign.refresh_from_db()
    assert campaign.priority == 10


def test_a_new_campaign_asking_to_publish_is_refused_and_not_saved(parts, marketer_client):
    response = marketer_client.post(URL, campaign_body(parts, publish=True), format="json")

    assert response.status_code == 400
    assert "publish" in response.json()
    assert not Campaign.objects.filter(slug="credit-card-offer").exists()


def test_changing_a_live_campaign_leaves_the_live_version_running(parts, marketer_client):
    # Given a live campaign
    live_campaign(parts["hero"], parts["creative"], slug="salary-card", priority=10)

    # When the API changes its priority
    response = marketer_client.patch(URL + "salary-card/", {"priority": 99}, format="json")

    # Then the change is a draft waiting for approval; the site runs the approved version
    assert response.status_code == 200, response.content
    assert response.json()["priority"] == 99
    assert response.json()["live"] is True
    assert response.json()["has_unpublished_changes"] is True
    assert Campaign.objects.get(slug="salary-card").priority == 10
    assert get_snapshot().engine.campaigns["salary-card"].priority == 10


def test_a_campaign_awaiting_approval_cannot_be_changed(parts, marketer, marketer_client):
    # Given a campaign submitted to compliance
    marketer_client.post(URL, campaign_body(parts), format="json")
    campaign = Campaign.objects.get(slug="credit-card-offer")
    campaign.get_workflow().start(campaign, marketer)

    # When the API tries to change it
    response = marketer_client.patch(URL + "credit-card-offer/", {"priority": 99}, format="json")

    # Then it is refused: approval publishes the latest revision, which must be the reviewed one
    assert response.status_code == 409
    assert marketer_client.get(URL + "credit-card-offer/").json()["status"] == "awaiting_approval"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"placements": ["nowhere"]}, "placements"),
        ({"creatives": []}, "creatives"),
        ({"creatives": [{"creative": 999999, "weight": 1}]}, "creatives"),
        ({"hours": [25]}, "hours"),
        ({"weekdays": [0]}, "weekdays"),
        ({"include_segments": ["staff"]}, "exclude_segments"),
        (
            {"start_at": "2026-05-01T00:00:00+08:00", "end_at": "2026-04-01T00:00:00+08:00"},
            "end_at",
        ),
        ({"weight": 0}, "weight"),
    ],
)
def test_a_bad_field_is_400_naming_it(parts, marketer_client, change, field):
    response = marketer_client.post(URL, campaign_body(parts, **change), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Campaign.objects.exists()


def test_a_patch_with_a_creative_row_without_its_creative_is_400(marketer_client, db):
    from tests.targeting.factories import CreativeFactory, PlacementFactory, live_campaign, publish

    campaign = live_campaign(PlacementFactory(), publish(CreativeFactory()), slug="spring")

    response = marketer_client.patch(
        f"/api/v1/campaigns/{campaign.slug}/", {"creatives": [{"weight": 1}]}, format="json"
    )

    assert response.status_code == 400
    assert "creatives" in response.json()
