"""Facts recorded right: a seen impression costs the page nothing, and counts towards caps once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from targeting.rendering import decide_slot
from targeting.tracking import frequency
from targeting.tracking.ingestion import Caller, ingest_batch
from tests.targeting.factories import CreativeFactory, PlacementFactory, live_campaign, publish
from tests.targeting.test_placements import visitor_request

pytestmark = pytest.mark.django_db

VID = "a" * 32


def seen_batch(event_id: str) -> list[dict]:
    return [
        {
            "id": event_id,
            "type": "impression",
            "at": timezone.now().isoformat(),
            "properties": {"placement": "home-hero", "campaign": "capped", "creative": "1"},
        }
    ]


@pytest.fixture
def capped():
    hero = PlacementFactory(slug="home-hero", default_headline="Welcome")
    return live_campaign(
        hero, publish(CreativeFactory(headline="Capped offer")), slug="capped", frequency_cap=3
    )


def test_a_seen_impression_adds_no_database_query_to_the_page(capped, django_assert_num_queries):
    decide_slot(visitor_request(consent=True, vid=VID), "home-hero")  # the snapshot is built once
    with django_assert_num_queries(0):
        before = decide_slot(visitor_request(consent=True, vid=VID), "home-hero")

    ingest_batch(seen_batch("seen-1"), Caller.browser(VID))

    with django_assert_num_queries(0):
        after = decide_slot(visitor_request(consent=True, vid=VID), "home-hero")
    assert "Capped offer" in before.html and "Capped offer" in after.html


def test_a_retried_impression_counts_once_towards_the_cap(capped):
    ingest_batch(seen_batch("seen-1"), Caller.browser(VID))
    ingest_batch(seen_batch("seen-1"), Caller.browser(VID))
    assert frequency.seen_today(VID, ["capped"], timezone.now()) == {"capped": 1}


def test_a_channel_systems_impression_counts_towards_the_cap(capped, django_user_model):
    user = django_user_model.objects.create(username="app")
    batch = seen_batch("app-1")
    batch[0].update({"visitor": VID, "channel": "app"})
    ingest_batch(batch, Caller.system(user.pk))
    assert frequency.seen_today(VID, ["capped"], timezone.now()) == {"capped": 1}


def test_hostile_impression_properties_are_refused_naming_the_field():
    batch = seen_batch("bad-1")
    batch[0]["properties"].update({"device": "toaster", "segment": "a\x00b"})
    result = ingest_batch(batch, Caller.browser(VID))
    assert result.rejected and not result.accepted
    errors = result.rejected[0]["errors"]
    assert set(errors) & {"properties.device", "properties.segment"}
    assert frequency.seen_today(VID, ["capped"], timezone.now()) == {}
