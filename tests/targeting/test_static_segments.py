"""Random samples and static audiences end to end (issue 14 item 4)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from targeting.audiences import freeze_members
from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.providers.visitor import bucket
from targeting.models import Segment
from targeting.rule_validation import compiled_rule
from targeting.snapshot import get_snapshot
from targeting.tracking.models import VisitorProfile
from tests.targeting.factories import SegmentFactory, publish

FANS = {"attr": "behaviour.categories", "op": "contains", "value": "credit-card"}


def matches(slug: str, visitor_id: str | None) -> bool:
    snapshot = get_snapshot().engine
    return snapshot.matches(slug, VisitorContext(RequestInfo(visitor_id=visitor_id)))


@pytest.fixture
def profiles(db):
    """Three stored visitors, two of whom viewed credit cards."""
    for visitor_id, categories in (
        ("a" * 32, {"credit-card": "2026-01-01T00:00:00+00:00"}),
        ("b" * 32, {"deposit": "2026-01-01T00:00:00+00:00"}),
        ("c" * 32, {"credit-card": "2026-01-02T00:00:00+00:00"}),
    ):
        VisitorProfile.objects.create(
            visitor_id=visitor_id, data={"visits": 1, "categories": categories}
        )


def test_a_static_audience_is_its_frozen_members_not_its_rule(
    profiles, django_capture_on_commit_callbacks
):
    # Given a static audience of card fans, published and refreshed
    segment = publish(SegmentFactory(slug="card-fans", rule=FANS, is_static=True))
    assert freeze_members(segment) == 2

    # Then its stored members match with no profile read, and nobody else does
    assert matches("card-fans", "a" * 32) is True
    assert matches("card-fans", "b" * 32) is False
    assert matches("card-fans", None) is False

    # and a visitor who becomes a fan later is not in it until the next refresh
    VisitorProfile.objects.filter(visitor_id="b" * 32).update(
        data={"categories": {"credit-card": "2026-01-03T00:00:00+00:00"}}
    )
    assert matches("card-fans", "b" * 32) is False
    with django_capture_on_commit_callbacks(execute=True):  # the refresh goes live at once
        freeze_members(Segment.objects.get(pk=segment.pk))
    assert matches("card-fans", "b" * 32) is True


def test_the_size_limit_keeps_the_most_recent(profiles):
    segment = publish(SegmentFactory(slug="card-fans", rule=FANS, is_static=True, static_limit=1))

    assert freeze_members(segment) == 1
    assert len(Segment.objects.get(pk=segment.pk).static_members) == 1


def test_a_static_audience_before_its_first_refresh_matches_nobody(profiles):
    publish(SegmentFactory(slug="card-fans", rule=FANS, is_static=True))

    assert matches("card-fans", "a" * 32) is False


def test_a_sampled_audience_takes_the_visitors_of_its_buckets(db):
    everyone = {"attr": "time.hour", "op": "between", "value": [0, 23]}
    publish(SegmentFactory(slug="half", rule=everyone, sample_percent=50))
    inside = next(f"{i:032x}" for i in range(100) if bucket(f"{i:032x}", "half") < 50)
    outside = next(f"{i:032x}" for i in range(100) if bucket(f"{i:032x}", "half") >= 50)

    assert matches("half", inside) is True
    assert matches("half", outside) is False
    assert matches("half", None) is False


def test_compiled_rule_leaves_ordinary_segments_alone():
    row = {"slug": "x", "rule": FANS, "sample_percent": None, "is_static": False}
    assert compiled_rule(row) is FANS


@pytest.mark.django_db
def test_a_marketer_refreshes_the_members_by_hand(client, marketer, profiles):
    segment = publish(SegmentFactory(slug="card-fans", rule=FANS, is_static=True))
    client.force_login(marketer)

    edit = client.get(reverse("wagtailsnippets_targeting_segment:edit", args=[segment.pk]))
    url = reverse("targeting_refresh_static_members", args=[segment.pk])
    assert url in edit.content.decode()

    response = client.post(url)

    assert response.status_code == 302
    assert len(Segment.objects.get(pk=segment.pk).static_members) == 2


@pytest.mark.django_db
def test_refreshing_needs_the_change_permission(client, outsider, profiles):
    segment = publish(SegmentFactory(slug="card-fans", rule=FANS, is_static=True))
    client.force_login(outsider)

    response = client.post(reverse("targeting_refresh_static_members", args=[segment.pk]))

    assert response.status_code in (302, 403)
    assert Segment.objects.get(pk=segment.pk).static_members == []


@pytest.mark.django_db
def test_refreshing_by_get_is_refused(client, marketer, profiles):
    segment = publish(SegmentFactory(slug="card-fans", rule=FANS, is_static=True))
    client.force_login(marketer)

    response = client.get(reverse("targeting_refresh_static_members", args=[segment.pk]))

    assert response.status_code == 405
