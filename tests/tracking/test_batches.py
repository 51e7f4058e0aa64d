"""Folding in sets: the drain inserts and folds a chunk together, one statement per step."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from targeting.tracking import buffer, folding
from targeting.tracking.batches import insert_returning, update_documents
from targeting.tracking.models import RawEvent, VisitorProfile
from targeting.tracking.schema import validate_event
from targeting.tracking.tasks import process_events
from tests.tracking.conftest import VID, event, post_batch


def raw(client_id: str, visitor: str = VID) -> RawEvent:
    now = timezone.now()
    return RawEvent(
        source=f"v:{visitor}",
        client_id=client_id,
        type="page_view",
        at=now,
        received_at=now,
        visitor_id=visitor,
        properties={"path": "/products/"},
    )


@pytest.mark.django_db
def test_insert_returning_names_only_the_rows_it_inserted():
    # Given one event already stored
    RawEvent.objects.bulk_create([raw("e1")])
    # When a batch holding it again and a new one is inserted
    back = insert_returning(RawEvent, [raw("e1"), raw("e2")], buffer.RAW_COLUMNS, ("client_id",))
    # Then only the new one is reported, and each is stored once
    assert back == [("e2",)]
    assert sorted(RawEvent.objects.values_list("client_id", flat=True)) == ["e1", "e2"]


@pytest.mark.django_db
def test_update_documents_writes_every_row_in_one_statement():
    profiles = VisitorProfile.objects.bulk_create(
        [VisitorProfile(visitor_id=f"{i:032x}", data={}) for i in range(3)]
    )
    moment = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        update_documents(
            VisitorProfile, [(p.pk, {"pageviews": i}) for i, p in enumerate(profiles)], moment
        )
    stored = dict(VisitorProfile.objects.values_list("visitor_id", "data"))
    assert stored == {f"{i:032x}": {"pageviews": i} for i in range(3)}
    if connection.vendor == "postgresql":  # SQLite: one prepared statement, run per row
        assert len(queries) == 1


@pytest.mark.django_db(transaction=True)
def test_a_redelivered_entry_already_folded_is_not_counted_again(redis_server, browser, settings):
    # Given a worker that stored and folded two events, then died before acknowledging them
    settings.TRACKING_STALE_PENDING_MS = 0
    with mock.patch("targeting.tracking.ingestion.schedule_folding"):
        post_batch(browser, [event(), event()])
    client = buffer.client()
    buffer._ensure_group(client)
    entries = client.xreadgroup(buffer.GROUP, "dead-worker", {buffer.stream_key(): ">"}, count=10)
    rows = [buffer.decode(fields[b"e"]) for _id, fields in entries[0][1]]
    buffer._store_and_fold(rows)
    assert VisitorProfile.objects.get(visitor_id=VID).data["pageviews"] == 2
    # When another worker claims the entries again
    process_events()
    # Then they are acknowledged and counted once
    assert client.xpending(buffer.stream_key(), buffer.GROUP)["pending"] == 0
    assert RawEvent.objects.count() == 2
    assert RawEvent.objects.filter(folded_at__isnull=True).count() == 0
    assert VisitorProfile.objects.get(visitor_id=VID).data["pageviews"] == 2


@pytest.mark.django_db(transaction=True)
def test_a_chunk_is_stored_and_folded_in_a_fixed_number_of_queries(redis_server, browser):
    # Given 300 events of 150 visitors waiting in the stream, 50 of whom have a profile
    VisitorProfile.objects.bulk_create(
        [VisitorProfile(visitor_id=f"{i:032x}", data={"pageviews": 1}) for i in range(50)]
    )
    events = [event(visitor=f"{i % 150:032x}") for i in range(300)]
    now = timezone.now()
    checked = [
        validate_event(
            e,
            now=now,
            from_browser=False,
            site_timezone="Asia/Shanghai",
            max_past=timedelta(days=1),
        )
        for e in events
    ]
    buffer.append("u:1", checked, now)
    # When the drain runs
    with CaptureQueriesContext(connection) as queries:
        assert buffer.drain() == 300
    # Then every event is stored, folded, and counted once
    assert RawEvent.objects.filter(folded_at__isnull=False).count() == 300
    pageviews = sum(d["pageviews"] for d in VisitorProfile.objects.values_list("data", flat=True))
    assert pageviews == 50 + 300
    # with a handful of statements for the whole chunk, not one per visitor or per event
    # (begin, raw insert, savepoint, customers' browsers, profiles read, new profiles insert,
    # existing profiles update, release, commit)
    assert len(queries) <= 9, [q["sql"][:80] for q in queries]


@pytest.mark.django_db
def test_a_profile_created_by_another_worker_meanwhile_is_folded_into():
    # Given a visitor whose profile another worker creates between our read and our insert
    real = folding._locked_documents
    calls = []

    def racing(keys):
        calls.append(set(keys))
        if len(calls) == 1:
            found = real(keys)
            VisitorProfile.objects.create(visitor_id=VID, data={"pageviews": 5})
            return found
        return real(keys)

    row = raw("e1")
    row.save()
    # When the event is folded
    with mock.patch.object(folding, "_locked_documents", racing):
        folding.fold_events([row])
    # Then the other worker's document is kept and the event added to it
    assert VisitorProfile.objects.get(visitor_id=VID).data["pageviews"] == 6
    assert calls == [{VID}, {VID}]
