"""Folding: sessions, page views, categories, searches, clicks; exactly once; rebuild."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from targeting.profiles import load_behaviour
from targeting.tracking.folding import fold_all_pending, fold_pending
from targeting.tracking.models import RawEvent, VisitorProfile
from tests.tracking.conftest import VID, event, post_batch

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def journey(start: datetime) -> list[dict]:
    return [
        event("page_view", at=start, properties={"path": "/", "page_type": "homepage"}),
        event(
            "page_view",
            at=start + timedelta(minutes=5),
            properties={"path": "/cards/", "category": "credit_card"},
        ),
        event(
            "click",
            at=start + timedelta(minutes=6),
            properties={"campaign": "spring-card", "placement": "home-hero", "creative": "7"},
        ),
        event("search", at=start + timedelta(minutes=7), properties={"query": "  Travel   Card "}),
        # 40 minutes of silence: a new session
        event(
            "page_view",
            at=start + timedelta(minutes=47),
            properties={"path": "/wealth/", "category": "wealth"},
        ),
        event(
            "impression",
            at=start + timedelta(minutes=47),
            properties={"placement": "home-hero", "campaign": "spring-card"},
        ),
    ]


def test_a_journey_folds_into_sessions_split_by_thirty_minutes(browser):
    start = timezone.now() - timedelta(hours=2)
    post_batch(browser, journey(start))

    data = VisitorProfile.objects.get(visitor_id=VID).data
    assert data["pageviews"] == 3
    assert data["sessions"] == 2
    assert data["session_pageviews"] == 1
    assert data["clicked_campaigns"] == ["spring-card"]
    assert data["searches"] == ["travel card"]
    assert data["impressions"] == {"spring-card": 1}
    behaviour = load_behaviour(VID)
    assert behaviour["categories"] == ["wealth", "credit_card"]  # most recent first


def test_a_click_within_the_session_keeps_it_alive(browser):
    start = timezone.now() - timedelta(hours=2)
    post_batch(
        browser,
        [
            event("page_view", at=start),
            event("click", at=start + timedelta(minutes=25), properties={"kind": "cta"}),
            event("page_view", at=start + timedelta(minutes=50)),
        ],
    )
    assert VisitorProfile.objects.get(visitor_id=VID).data["sessions"] == 1


def test_events_are_folded_exactly_once(browser, settings):
    # Given events stored but not yet folded (a broker configured, no worker yet)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "memory://"
    from unittest import mock

    with mock.patch("targeting.tracking.ingestion.schedule_folding"):
        post_batch(browser, [event(), event()])
    assert RawEvent.objects.filter(folded_at__isnull=True).count() == 2

    # When folding runs twice
    assert fold_pending() == 2
    assert fold_pending() == 0

    # Then each counted once
    assert VisitorProfile.objects.get(visitor_id=VID).data["pageviews"] == 2


def test_rebuild_profiles_equals_incremental_folding(browser):
    start = timezone.now() - timedelta(days=2)
    for offset in (0, 1):
        post_batch(browser, journey(start + timedelta(days=offset)))
    incremental = VisitorProfile.objects.get(visitor_id=VID).data

    # When the profile is damaged and rebuilt from the raw log, twice
    VisitorProfile.objects.filter(visitor_id=VID).update(data={"pageviews": 999})
    call_command("rebuild_profiles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = VisitorProfile.objects.get(visitor_id=VID).data
    call_command("rebuild_profiles", stdout=open("/dev/null", "w"))  # noqa: SIM115

    # Then it equals what incremental folding produced, and rebuilding is idempotent
    assert first == incremental
    assert VisitorProfile.objects.get(visitor_id=VID).data == incremental
    # and the engine's cached read sees the rebuilt document
    assert load_behaviour(VID)["pageviews"] == 6


def test_a_late_event_counts_without_rewinding_the_session(browser):
    now = timezone.now()
    post_batch(browser, [event(at=now - timedelta(minutes=1))])
    post_batch(browser, [event(at=now - timedelta(hours=3))])
    data = VisitorProfile.objects.get(visitor_id=VID).data
    assert data["pageviews"] == 2
    assert data["sessions"] == 1
    assert datetime.fromisoformat(data["last_seen"]) == now - timedelta(minutes=1)


def test_server_page_views_go_through_the_raw_log(db):
    from targeting.pageviews import record_pageview

    record_pageview("a" * 32, None)
    assert RawEvent.objects.get().source == "s:portal"
    assert VisitorProfile.objects.get(visitor_id="a" * 32).data["pageviews"] == 1
    assert fold_all_pending() == 0


def test_purge_deletes_only_old_folded_events(browser, settings):
    post_batch(browser, [event(), event()])
    old = timezone.now() - timedelta(days=settings.RAW_EVENT_RETENTION_DAYS + 1)
    first = RawEvent.objects.order_by("id").first()
    RawEvent.objects.filter(pk=first.pk).update(received_at=old)
    call_command("purge_raw_events", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert RawEvent.objects.count() == 1
    assert not RawEvent.objects.filter(pk=first.pk).exists()


def test_one_event_that_cannot_be_folded_never_blocks_the_others(browser, caplog):
    # Given a stored row of a shape folding cannot read (written before validation, or by a bug)
    bad = RawEvent.objects.create(
        source=f"v:{VID}",
        client_id="bad-shape",
        type="page_view",
        at=timezone.now(),
        visitor_id=VID,
        properties={"tags": 5},
    )
    # When good events arrive after it and are folded
    post_batch(browser, [event(), event()])

    # Then the good events are in the profile and the bad one is skipped, logged, not retried
    assert VisitorProfile.objects.get(visitor_id=VID).data["pageviews"] == 2
    bad.refresh_from_db()
    assert bad.folded_at is not None
    assert "bad-shape" in caplog.text
    assert fold_pending() == 0
