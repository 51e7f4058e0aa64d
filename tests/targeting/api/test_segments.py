"""Audiences over the API: validated like the admin, saved as revisions, live only on publish."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from wagtail.models import ModelLogEntry

from targeting.models import Segment
from targeting.snapshot import get_snapshot
from tests.targeting.api.conftest import client_for
from tests.targeting.factories import SegmentFactory, UserFactory, publish

URL = "/api/v1/segments/"
MOBILE = {"attr": "device.type", "op": "eq", "value": "mobile"}
DESKTOP = {"attr": "device.type", "op": "eq", "value": "desktop"}


def test_a_new_audience_is_a_draft_until_published(marketer_client):
    # Given a marketer's system creating an audience without asking to publish it
    body = {
        "name": "手机访客",
        "slug": "mobile-visitors",
        "description": "用手机来的",
        "rule": MOBILE,
    }

    # When it is posted
    response = marketer_client.post(URL, body, format="json")

    # Then it exists as a draft with a revision and an entry in the admin's history
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["slug"] == "mobile-visitors"
    assert answer["rule"] == MOBILE
    assert answer["enabled"] is True
    assert answer["live"] is False
    assert answer["url"].endswith("/api/v1/segments/mobile-visitors/")
    segment = Segment.objects.get(slug="mobile-visitors")
    assert segment.revisions.count() == 1
    assert ModelLogEntry.objects.filter(object_id=str(segment.pk), action="wagtail.create").exists()
    # and the engine does not use it
    assert "mobile-visitors" not in get_snapshot().engine.segments


def test_publish_true_makes_the_audience_live(marketer_client):
    body = {"name": "手机访客", "slug": "mobile-visitors", "rule": MOBILE, "publish": True}

    response = marketer_client.post(URL, body, format="json")

    assert response.status_code == 201
    assert response.json()["live"] is True
    assert response.json()["has_unpublished_changes"] is False
    assert "mobile-visitors" in get_snapshot().engine.segments


def test_an_invalid_rule_is_400_naming_the_node(marketer_client):
    rule = {
        "all": [
            MOBILE,
            {"attr": "geo.region", "op": "eq", "value": "CN-SC"},
            {"attr": "profile.age", "op": "gt", "value": "forty"},
        ]
    }

    response = marketer_client.post(
        URL, {"name": "x", "slug": "x", "rule": rule, "publish": True}, format="json"
    )

    assert response.status_code == 400
    # Messages are in the site's language, Chinese, like every API message (docs/api.md);
    # the path is the same in every language.
    assert response.json() == {"rule": ["rule.all[2].value: 应为数字"]}
    assert not Segment.objects.filter(slug="x").exists()


def test_a_reference_cycle_is_refused(marketer_client):
    publish(SegmentFactory(slug="b", rule=MOBILE))
    publish(SegmentFactory(slug="a", rule={"segment": "b"}))

    response = marketer_client.patch(URL + "b/", {"rule": {"segment": "a"}}, format="json")

    assert response.status_code == 400
    assert "rule" in response.json()
    assert Segment.objects.get(slug="b").rule == MOBILE


def test_editing_a_live_audience_keeps_the_live_rule_until_published(marketer_client):
    # Given a live audience
    publish(SegmentFactory(slug="mobile-visitors", rule=MOBILE))

    # When the API changes its rule without publishing
    response = marketer_client.patch(URL + "mobile-visitors/", {"rule": DESKTOP}, format="json")

    # Then the change is a draft: the site keeps the live rule, the API shows the draft
    assert response.status_code == 200, response.content
    assert response.json()["rule"] == DESKTOP
    assert response.json()["has_unpublished_changes"] is True
    assert Segment.objects.get(slug="mobile-visitors").rule == MOBILE
    assert get_snapshot().engine.segment_rules["mobile-visitors"] == MOBILE
    assert marketer_client.get(URL + "mobile-visitors/").json()["rule"] == DESKTOP

    # When it is published
    response = marketer_client.patch(URL + "mobile-visitors/", {"publish": True}, format="json")

    # Then the new rule is live
    assert response.json()["has_unpublished_changes"] is False
    assert Segment.objects.get(slug="mobile-visitors").rule == DESKTOP


def test_publishing_needs_the_publish_permission(db):
    # Given someone who may change audiences but not publish them
    user = UserFactory(username="junior")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_segment", "add_segment", "change_segment"])
    )
    publish(SegmentFactory(slug="mobile-visitors", rule=MOBILE))
    client = client_for(user)

    # Then a draft is fine but publishing is refused, and nothing changes on the site
    draft = client.patch(URL + "mobile-visitors/", {"rule": DESKTOP}, format="json")
    assert draft.status_code == 200
    refused = client.patch(URL + "mobile-visitors/", {"publish": True}, format="json")
    assert refused.status_code == 403
    assert Segment.objects.get(slug="mobile-visitors").rule == MOBILE


def test_the_slug_cannot_change_once_created(marketer_client):
    publish(SegmentFactory(slug="mobile-visitors"))

    response = marketer_client.patch(URL + "mobile-visitors/", {"slug": "phones"}, format="json")

    assert response.status_code == 400
    assert "slug" in response.json()


def test_a_duplicate_slug_is_400(marketer_client):
    SegmentFactory(slug="mobile-visitors")

    response = marketer_client.post(
        URL, {"name": "x", "slug": "mobile-visitors", "rule": MOBILE}, format="json"
    )

    assert response.status_code == 400
    assert "slug" in response.json()


def test_an_audience_in_use_cannot_be_deleted(marketer_client):
    publish(SegmentFactory(slug="mobile-visitors"))
    publish(SegmentFactory(slug="mobile-vips", rule={"all": [{"segment": "mobile-visitors"}]}))

    response = marketer_client.delete(URL + "mobile-visitors/")

    assert response.status_code == 409
    assert "segment mobile-vips" in response.json()["detail"]
    assert Segment.objects.filter(slug="mobile-visitors").exists()


def test_an_unused_audience_is_deleted(marketer_client):
    publish(SegmentFactory(slug="mobile-visitors"))

    response = marketer_client.delete(URL + "mobile-visitors/")

    assert response.status_code == 204
    assert not Segment.objects.filter(slug="mobile-visitors").exists()


def test_the_list_is_paginated_and_shows_drafts(marketer_client):
    publish(SegmentFactory(slug="live-one", name="A"))
    SegmentFactory(slug="draft-one", name="B", live=False).save_revision()

    response = marketer_client.get(URL)

    assert response.status_code == 200
    answer = response.json()
    assert answer["count"] == 2
    assert [(s["slug"], s["live"]) for s in answer["results"]] == [
        ("live-one", True),
        ("draft-one", False),
    ]


def test_an_unknown_field_is_400_naming_it_not_silently_dropped(marketer_client):
    # Given a segment written with a misspelt field ("enabeld")
    body = {
        "name": "Phones",
        "slug": "phones",
        "rule": {"attr": "device.type", "op": "eq", "value": "mobile"},
        "enabeld": False,
    }

    response = marketer_client.post("/api/v1/segments/", body, format="json")

    assert response.status_code == 400
    assert "enabeld" in response.json()


@pytest.mark.parametrize(
    ("field", "value"),
    [("publish", 0), ("enabled", "true"), ("name", 42), ("slug", ["x"])],
)
def test_a_value_of_the_wrong_json_type_is_400_naming_it(marketer_client, field, value):
    # DRF would read 0 as false and 42 as "42"; the documented contract is typed JSON.
    body = {
        "name": "Phones",
        "slug": "phones",
        "rule": {"attr": "device.type", "op": "eq", "value": "mobile"},
        field: value,
    }

    response = marketer_client.post("/api/v1/segments/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Segment.objects.filter(slug="phones").exists()
