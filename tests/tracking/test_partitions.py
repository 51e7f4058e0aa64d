"""The raw event log partitioned by month on PostgreSQL: rows in their month, duplicates and late
events handled, rollups rebuilt alike, the migration keeps every row (issue 10 item 2)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from targeting.measurement import rollups
from targeting.measurement.models import DailyRollup
from targeting.tracking import partitions
from targeting.tracking.buffer import append_to_database
from targeting.tracking.models import RawEvent, RawEventKey
from targeting.tracking.schema import Event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        reason = "needs PostgreSQL (DATABASE_URL): SQLite keeps one plain raw event table"
        print(reason)
        pytest.skip(reason)


def _where(event_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM targeting_rawevent WHERE id = %s", [event_id]
        )
        return cursor.fetchone()[0]


def _event(client_id: str, when: datetime, **properties) -> Event:
    return Event(
        id=client_id,
        type="impression",
        at=when,
        visitor="v1",
        customer="",
        channel="web",
        properties={"campaign": "card", "creative": "1", **properties},
    )


def _store(client_id: str, when: datetime, **properties) -> bool:
    [accepted] = append_to_database(
        "v:v1", [_event(client_id, when, **properties)], timezone.now() - timedelta(minutes=1)
    )
    return accepted


def test_the_log_is_partitioned_by_month_with_months_ahead_and_a_default():
    names = partitions.partitions()
    now = timezone.now().astimezone(UTC)
    month = partitions.month_start(now)
    assert partitions.DEFAULT in names
    for _ in range(partitions.MONTHS_AHEAD + 1):
        assert partitions.partition_name(month) in names
        month = partitions.next_month(month)


def test_rows_land_in_the_partition_of_their_month():
    now = timezone.now()
    last_month = partitions.month_start(now.astimezone(UTC)) - timedelta(days=1)
    partitions.ensure_partitions(since=last_month)
    _store("this", now)
    _store(
        "earlier",
        datetime.combine(last_month, datetime.min.time(), tzinfo=UTC) + timedelta(hours=5),
    )

    this, earlier = (RawEvent.objects.get(client_id=c) for c in ("this", "earlier"))
    assert _where(this.id) == partitions.partition_name(now.astimezone(UTC))
    assert _where(earlier.id) == partitions.partition_name(last_month)


def test_a_retried_event_is_stored_once_even_when_its_copy_falls_in_another_month():
    now = timezone.now()
    assert _store("once", now) is True
    # The same client id again, this time with a time a month earlier: another partition, so
    # only the key table can see it is the same event.
    assert _store("once", now - timedelta(days=32)) is False
    with transaction.atomic():
        RawEvent.objects.bulk_create(
            [RawEvent(source="v:v1", client_id="once", type="click", at=now - timedelta(days=40))],
            ignore_conflicts=True,
        )
    assert RawEvent.objects.filter(client_id="once").count() == 1
    assert RawEventKey.objects.count() == 1
    # Another source may use the same client id: a different event.
    RawEvent.objects.bulk_create(
        [RawEvent(source="u:1", client_id="once", type="click", at=now)], ignore_conflicts=True
    )
    assert RawEvent.objects.filter(client_id="once").count() == 2


def test_an_event_older_than_every_month_waits_in_the_default_then_moves_with_its_month():
    old = timezone.now() - timedelta(days=800)
    _store("ancient", old)
    event = RawEvent.objects.get(client_id="ancient")
    assert _where(event.id) == partitions.DEFAULT

    created = partitions.ensure_partitions(since=old.date())

    assert partitions.partition_name(old.astimezone(UTC)) in created
    assert _where(event.id) == partitions.partition_name(old.astimezone(UTC))
    # Idempotent, and the key stayed: the event is still a duplicate of itself.
    assert partitions.ensure_partitions(since=old.date()) == []
    assert _store("ancient", old) is False


def test_late_and_duplicate_events_roll_up_once_in_their_own_day_and_rebuild_alike(settings):
    settings.RAW_EVENT_RETENTION_DAYS = 100000
    now = timezone.now()
    a_month_ago = now - timedelta(days=31)
    _store("a", now)
    _store("b", now)
    rollups.roll_up(settle=timedelta(0))
    # A late event of a month ago arrives after the roll-up, then a copy of it.
    _store("late", a_month_ago)
    _store("late", a_month_ago)
    rollups.roll_up(settle=timedelta(0))

    counted = {(r.day, r.impressions) for r in DailyRollup.objects.filter(campaign="card")}
    zone = rollups.site_zone()
    expected = {(now.astimezone(zone).date(), 2), (a_month_ago.astimezone(zone).date(), 1)}
    assert counted == expected

    call_command(
        "rebuild_rollups",
        "--since",
        (a_month_ago - timedelta(days=1)).date().isoformat(),
        stdout=io.StringIO(),
    )
    assert {(r.day, r.impressions) for r in DailyRollup.objects.filter(campaign="card")} == expected


def test_the_command_creates_months_ahead():
    out = io.StringIO()
    call_command("event_partitions", "--ahead", "6", stdout=out)
    month = partitions.month_start(timezone.now().astimezone(UTC))
    for _ in range(6):
        month = partitions.next_month(month)
    assert partitions.partition_name(month) in partitions.partitions()
    assert partitions.partition_name(month) in out.getvalue()


def test_old_keys_are_forgotten_and_emptied_old_months_dropped(settings):
    settings.RAW_EVENT_RETENTION_DAYS = 30
    old = timezone.now() - timedelta(days=120)
    partitions.ensure_partitions(since=old.date())
    _store("old", old)
    RawEvent.objects.filter(client_id="old").delete()  # the retention purge

    done = partitions.maintain()

    assert done["pruned_keys"] == 1
    assert partitions.partition_name(old.astimezone(UTC)) in done["dropped"]
    assert partitions.partition_name(old.astimezone(UTC)) not in partitions.partitions()


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_row_and_id_both_ways():
    now = timezone.now()
    _store("one", now)
    _store("two", now - timedelta(days=45))
    before = sorted(RawEvent.objects.values_list("id", "client_id", "at"))

    partitions.unpartition_log(connection)
    assert not partitions.is_partitioned()
    assert sorted(RawEvent.objects.values_list("id", "client_id", "at")) == before
    partitions.partition_log(connection)

    assert partitions.is_partitioned()
    assert sorted(RawEvent.objects.values_list("id", "client_id", "at")) == before
    assert RawEventKey.objects.count() == 2
    assert _store("two", now - timedelta(days=45)) is False  # keys rebuilt from the rows
    _store("three", now)
    assert RawEvent.objects.get(client_id="three").id > max(row[0] for row in before)
