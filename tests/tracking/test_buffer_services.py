"""Fault tolerance with real components: a private redis-server, and a real Celery worker.

The Redis tests run on any database (the test process itself drains and folds). The worker test
needs a database another process can see: PostgreSQL (CI); on SQLite the test database lives in
memory, so it skips with the reason printed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
import redis
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from targeting.tracking import buffer
from targeting.tracking.folding import fold_all_pending
from targeting.tracking.models import RawEvent, VisitorProfile
from targeting.tracking.tasks import process_events
from tests.tracking.conftest import VID, event, post_batch

pytestmark = pytest.mark.services
ROOT = Path(__file__).resolve().parents[2]


def no_folding():
    """Accept into the buffer only: what happens when a broker is configured but no worker runs."""
    return mock.patch("targeting.tracking.ingestion.schedule_folding")


@pytest.mark.django_db(transaction=True)
def test_events_wait_in_the_redis_stream_until_drained(redis_server, browser):
    with no_folding():
        first = post_batch(browser, [event(), event()])
        retry = post_batch(browser, [event(id=first.json()["accepted"][0])])
    assert len(first.json()["accepted"]) == 2
    assert retry.json()["duplicates"]  # Redis SET NX answered
    assert RawEvent.objects.count() == 0  # nothing in the database yet
    assert buffer.backlog() == 2

    process_events()

    assert RawEvent.objects.count() == 2
    assert buffer.backlog() == 0
    assert VisitorProfile.objects.get(visitor_id=VID).data["pageviews"] == 2


@pytest.mark.django_db(transaction=True)
def test_redis_stopped_during_ingestion_loses_nothing(redis_server, browser):
    # Given one batch buffered in Redis
    with no_folding():
        post_batch(browser, [event() for _ in range(5)])
        # When Redis dies mid-way, the next batches still get accepted (into the database)
        redis_server.kill()
        second = post_batch(browser, [event() for _ in range(5)])
        third = post_batch(browser, [event() for _ in range(5)])
    assert len(second.json()["accepted"]) == 5 and len(third.json()["accepted"]) == 5
    assert RawEvent.objects.count() == 10

    # And when Redis comes back (append-only file) and the backlog is processed
    redis_server.start()
    buffer.reset()
    process_events()

    # Then every accepted event was folded exactly once
    assert RawEvent.objects.count() == 15
    assert RawEvent.objects.filter(folded_at__isnull=True).count() == 0
    assert VisitorProfile.objects.get(visitor_id=VID).data["pageviews"] == 15


@pytest.mark.django_db(transaction=True)
def test_a_worker_dying_between_read_and_ack_is_redelivered_once(redis_server, browser, settings):
    settings.TRACKING_STALE_PENDING_MS = 0
    with no_folding():
        post_batch(browser, [event() for _ in range(3)])
    # A worker reads the entries and dies before storing or acknowledging them
    client = buffer.client()
    buffer._ensure_group(client)
    read = client.xreadgroup(buffer.GROUP, "dead-worker", {buffer.stream_key(): ">"}, count=10)
    assert len(read[0][1]) == 3
    # and another one had already stored one of them before the crash
    RawEvent.objects.bulk_create([buffer.decode(read[0][1][0][1][b"e"])])

    process_events()

    assert RawEvent.objects.count() == 3
    assert client.xpending(buffer.stream_key(), buffer.GROUP)["pending"] == 0
    assert VisitorProfile.objects.get(visitor_id=VID).data["pageviews"] == 3


def _poison(client, payload: str) -> None:
    """Write straight into the stream, bypassing validation, as an older client or a bug would."""
    client.xadd(buffer.stream_key(), {"e": payload})


def _payload(client_id: str, properties_json: str, type_: str = "search") -> str:
    now = timezone.now().isoformat()
    return (
        f'{{"s":"v:{VID}","i":"{client_id}","t":"{type_}","a":"{now}","v":"{VID}","c":"",'
        f'"ch":"web","p":{properties_json},"r":"{now}"}}'
    )


@pytest.mark.django_db(transaction=True)
def test_poisoned_stream_entries_go_to_the_dead_letters_and_later_events_flow(
    redis_server, browser
):
    """On PostgreSQL (jsonb refuses NaN and NUL) this is the reported outage; on SQLite the same
    entries were silently dropped. Either way they must now sit in the dead letters, with the
    reason, and never block what comes after."""
    # Given a stream poisoned with a NaN, a NUL and a lone surrogate, bypassing validation
    client = buffer.client()
    _poison(client, _payload("poison-nan", '{"query":"基金","results":NaN}'))
    _poison(client, _payload("poison-nul", '{"query":"\\u0000"}'))
    _poison(client, _payload("poison-surrogate", '{"query":"\\ud800"}'))
    # When later good events arrive through the API and the worker processes the stream
    with no_folding():
        response = post_batch(browser, [event(), event("search", properties={"query": "理财"})])
    assert len(response.json()["accepted"]) == 2
    process_events()

    # Then the good events are stored and folded into the visitor's profile
    assert set(RawEvent.objects.values_list("client_id", flat=True)) == set(
        response.json()["accepted"]
    )
    profile = VisitorProfile.objects.get(visitor_id=VID).data
    assert profile["pageviews"] == 1 and profile["searches"] == ["理财"]
    # and the stream moved on: nothing left, nothing pending
    assert buffer.backlog() == 0
    assert client.xpending(buffer.stream_key(), buffer.GROUP)["pending"] == 0
    # and the poisoned entries wait in the dead letters with their reason
    letters = {
        json.loads(letter["payload"])["i"]: letter["reason"] for letter in buffer.dead_letters()
    }
    assert letters == {
        "poison-nan": "properties.results: expected a finite number within ±(2^53-1), got NaN",
        "poison-nul": "properties.query: control character U+0000 is not allowed",
        "poison-surrogate": "properties.query: a lone surrogate U+D800 is not text",
    }
    # and the operator's command lists them
    out = io.StringIO()
    call_command("tracking_dead_letters", stdout=out)
    assert "3 dead letters shown." in out.getvalue()
    assert "poison-nul" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_chunk_the_database_refuses_is_stored_row_by_row(redis_server, browser):
    """Defence in depth: a row that passes the checks but that the database still refuses (here
    an id longer than the column, which PostgreSQL enforces) goes to the dead letters alone."""
    if connection.vendor != "postgresql":
        reason = "needs PostgreSQL (DATABASE_URL): SQLite does not enforce the column length"
        print(reason)
        pytest.skip(reason)
    client = buffer.client()
    _poison(client, _payload("x" * 200, '{"query":"太长"}'))
    with no_folding():
        response = post_batch(browser, [event() for _ in range(3)])
    process_events()

    assert RawEvent.objects.count() == 3
    assert VisitorProfile.objects.get(visitor_id=VID).data["pageviews"] == 3
    assert buffer.backlog() == 0
    [letter] = buffer.dead_letters()
    assert letter["reason"].startswith("the database refused it: ")
    assert "too long" in letter["reason"]
    assert len(response.json()["accepted"]) == 3


def _database_url() -> str | None:
    settings_dict = connection.settings_dict
    if connection.vendor != "postgresql":
        return None
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{auth}{settings_dict.get('HOST') or '127.0.0.1'}:{settings_dict.get('PORT') or 5432}/{settings_dict['NAME']}"


def _start_worker(redis_url: str, database_url: str, schedule: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        DATABASE_URL=database_url,
        DB_CONN_MAX_AGE="0",
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url.replace("/0", "/1"),
        TRACKING_REDIS_URL=redis_url,
        TRACKING_STREAM_KEY=os.environ.get("_TRACKING_TEST_STREAM", ""),
        TRACKING_STALE_PENDING_MS="500",
    )
    # test.py makes tasks eager for the test process; the worker must consume the broker.
    return subprocess.Popen(  # noqa: S603 - our own fixed command line
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "portal",
            "worker",
            "-B",
            "-s",
            str(schedule),
            "-P",
            "solo",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Its own process group: "-B" forks a beat process that must die with the worker.
        start_new_session=True,
    )


def _kill_worker(worker: subprocess.Popen) -> None:
    """Stop the worker hard (SIGKILL, as a crash would), beat process included."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def _wait_folded(count: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    folded = 0
    while time.monotonic() < deadline:
        folded = RawEvent.objects.filter(folded_at__isnull=False).count()
        if folded >= count and buffer.backlog() == 0:
            return folded
        time.sleep(0.3)
    return folded


@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_stopped_and_restarted_folds_the_backlog_exactly_once(
    redis_server, browser, settings, tmp_path
):
    database_url = _database_url()
    if database_url is None:
        reason = "needs PostgreSQL (DATABASE_URL): a worker process cannot see SQLite's in-memory test DB"
        print(reason)
        pytest.skip(reason)
    os.environ["_TRACKING_TEST_STREAM"] = settings.TRACKING_STREAM_KEY
    worker = _start_worker(redis_server.url, database_url, tmp_path / "beat-schedule")
    try:
        with no_folding():
            batch = [event() for _ in range(20)]
            post_batch(browser, batch)
            assert _wait_folded(20) == 20
            # The worker stops hard; events keep arriving, one batch is retried
            _kill_worker(worker)
            for _ in range(3):
                post_batch(browser, [event() for _ in range(20)])
            post_batch(browser, batch)
            assert buffer.backlog() == 60
            assert RawEvent.objects.count() == 20
            # and it comes back
            worker = _start_worker(redis_server.url, database_url, tmp_path / "beat-schedule-2")
            assert _wait_folded(80) == 80
    finally:
        _kill_worker(worker)
    assert RawEvent.objects.count() == 80
    assert VisitorProfile.objects.get(visitor_id=VID).data["pageviews"] == 80
    assert fold_all_pending() == 0
    assert redis.Redis.from_url(redis_server.url).xlen(settings.TRACKING_STREAM_KEY) == 0
