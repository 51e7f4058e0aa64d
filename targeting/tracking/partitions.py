"""The raw event log partitioned by month on PostgreSQL (SQLite keeps one plain table).

``targeting_rawevent`` is ``PARTITION BY RANGE (at)``: one partition per calendar month (UTC),
``targeting_rawevent_pYYYY_MM``, and a default partition that catches whatever month has none
yet. Reading a range of days (a rebuild, attribution's touches) touches only its months, and a
month past retention is dropped whole instead of deleted row by row.

PostgreSQL requires every unique constraint of a partitioned table to include the partition key,
so the primary key is ``(id, at)`` (``id`` still comes from one sequence, so it stays unique) and
the client's key ``(source, client_id)`` can no longer be a constraint of the table: an event
retried a day later than its first copy would land in another partition. Idempotency lives in
``targeting_raweventkey`` instead: a ``BEFORE INSERT`` trigger on the log inserts the 128-bit hash
of the client's key there (``ON CONFLICT DO NOTHING``) and drops the event when the key was
already there. Concurrent copies of one event serialise on that table's primary key, exactly as
they did on the old unique constraint, and ``bulk_create(ignore_conflicts=True)`` keeps meaning
"store it once". Keys are pruned a little after the retention of the log itself
(``prune_keys``).

``ensure_partitions`` creates the coming months ahead (the ``measurement.event_partitions``
Celery beat task and ``manage.py event_partitions``); a month whose rows are already in the
default partition takes them along when it is created.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection as default_connection
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger("targeting.tracking")

TABLE = "targeting_rawevent"
KEYS = "targeting_raweventkey"
DEFAULT = "targeting_rawevent_default"
#: Months created ahead of the current one.
MONTHS_AHEAD = 3
COLUMNS = (
    "id, source, client_id, type, at, received_at, visitor_id, customer_ref, channel, "
    "properties, folded_at"
)
#: The indexes the model declares, under the names Django gave them (a later migration that
#: alters one finds it). ``(source, client_id)`` is a plain index here: lookups, not uniqueness.
INDEXES = (
    ("targeting_rawevent_customer", "(customer_ref)"),
    ("targeting_rawevent_folded_at_3780ff32", "(folded_at)"),
    ("targeting_rawevent_received_at_c7527a56", "(received_at)"),
    ("targeting_rawevent_visitor_id_9ee70528", "(visitor_id)"),
    ("targeting_rawevent_visitor_id_9ee70528_like", "(visitor_id varchar_pattern_ops)"),
    ("targeting_rawevent_source_client", "(source, client_id)"),
)
#: The client's key, hashed: the length of ``source`` first, so no two keys share a text.
KEY_SQL = "md5(length({row}.source)::text || ':' || {row}.source || {row}.client_id)::uuid"


def month_start(moment: date | datetime) -> date:
    return date(moment.year, moment.month, 1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_p{month.year:04d}_{month.month:02d}"


def _bound(month: date) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=UTC)


def is_partitioned(connection: Any = None) -> bool:
    """Whether the log is a partitioned table (PostgreSQL after migration tracking 0006)."""
    connection = connection or default_connection
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [TABLE]
        )
        return cursor.fetchone() is not None


def partitions(connection: Any = None) -> list[str]:
    """The names of the log's partitions, the default one included, in name order."""
    connection = connection or default_connection
    if not is_partitioned(connection):
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname",
            [TABLE],
        )
        return [name for (name,) in cursor.fetchall()]


def _create_month(cursor: Any, month: date) -> None:
    """Create one month's partition; rows of that month waiting in the default partition move
    into it first (attaching checks the default holds none of the month any more)."""
    name, low, high = partition_name(month), _bound(month), _bound(next_month(month))
    cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS)")  # fixed names  # nosec B608
    cursor.execute(
        f"WITH moved AS (DELETE FROM {DEFAULT} WHERE at >= %s AND at < %s "  # noqa: S608  # fixed names  # nosec B608
        f"RETURNING {COLUMNS}) INSERT INTO {name} ({COLUMNS}) SELECT {COLUMNS} FROM moved",
        [low, high],
    )
    cursor.execute(
        f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)",
        [low, high],
    )


def _earliest_late_event() -> datetime:
    """The oldest time an event arriving now may carry (the schema refuses older ones)."""
    late = int(getattr(settings, "TRACKING_MAX_EVENT_AGE_DAYS", 7))
    return timezone.now().astimezone(UTC) - timedelta(days=late)


def ensure_partitions(
    ahead: int = MONTHS_AHEAD, since: date | None = None, connection: Any = None
) -> list[str]:
    """Create the partitions from ``since`` (default: the month of the oldest event the
    schema still accepts) to ``ahead`` months after this
    one that do not exist yet; returns their names. Does nothing on SQLite."""
    connection = connection or default_connection
    if not is_partitioned(connection):
        return []
    existing = set(partitions(connection))
    month = month_start(since or _earliest_late_event())
    last = month_start(timezone.now().astimezone(UTC))
    for _ in range(ahead):
        last = next_month(last)
    created = []
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        while month <= last:
            if partition_name(month) not in existing:
                _create_month(cursor, month)
                created.append(partition_name(month))
            month = next_month(month)
    if created:
        logger.info("tracking: created raw event partitions %s", ", ".join(created))
    return created


def key_retention() -> timedelta:
    """How long a client's key is remembered: the log's retention and one day more (an event
    older than ``TRACKING_MAX_EVENT_AGE_DAYS`` is refused anyway)."""
    days = int(getattr(settings, "RAW_EVENT_RETENTION_DAYS", 90))
    late = int(getattr(settings, "TRACKING_MAX_EVENT_AGE_DAYS", 7))
    return timedelta(days=max(days, late) + 1)


def prune_keys(connection: Any = None) -> int:
    """Forget the keys of events older than ``key_retention``; returns how many."""
    connection = connection or default_connection
    cutoff = timezone.now() - key_retention()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {KEYS} WHERE at < %s", [cutoff])  # noqa: S608  # fixed names  # nosec B608
        return int(cursor.rowcount or 0)


def drop_empty_months(connection: Any = None) -> list[str]:
    """Drop the monthly partitions wholly older than the retention that the purge emptied."""
    connection = connection or default_connection
    cutoff = month_start(timezone.now().astimezone(UTC) - key_retention())
    dropped = []
    with connection.cursor() as cursor:
        for name in partitions(connection):
            if name == DEFAULT:
                continue
            year, month = (int(part) for part in name.rsplit("_p", 1)[1].split("_"))
            if date(year, month, 1) >= cutoff:
                continue
            cursor.execute(f"SELECT 1 FROM {name} LIMIT 1")  # noqa: S608  # fixed names  # nosec B608
            if cursor.fetchone() is None:
                cursor.execute(f"DROP TABLE {name}")
                dropped.append(name)
    return dropped


def maintain(ahead: int = MONTHS_AHEAD) -> dict[str, Any]:
    """The daily chores: months ahead created, old keys pruned, emptied old months dropped."""
    created = ensure_partitions(ahead)
    pruned = prune_keys()
    dropped = drop_empty_months()
    return {"created": created, "pruned_keys": pruned, "dropped": dropped}


# The migration's two directions (tracking 0006). Both keep every row and every id.

# Fixed names only.
_KEY_TRIGGER = f"""
CREATE OR REPLACE FUNCTION targeting_rawevent_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {KEYS} (key, at) VALUES ({KEY_SQL.format(row="NEW")}, NEW.at)
        ON CONFLICT (key) DO NOTHING;
    IF FOUND THEN
        RETURN NEW;
    END IF;
    RETURN NULL;  -- a copy of an event already stored: counted once
END $$;
CREATE TRIGGER targeting_rawevent_once BEFORE INSERT ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION targeting_rawevent_once();
"""  # noqa: S608  # fixed names  # nosec B608


def partition_log(connection: Any) -> None:
    """Turn the plain log into the partitioned one, rows, ids and keys kept."""
    if connection.vendor != "postgresql" or is_partitioned(connection):
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"SELECT min(at), max(id) FROM {TABLE}")  # noqa: S608  # fixed names  # nosec B608
        first, last_id = cursor.fetchone()
        cursor.execute(
            f"""
            CREATE TABLE {TABLE}_new (
                id bigint NOT NULL,
                source varchar(80) NOT NULL,
                client_id varchar(64) NOT NULL,
                type varchar(32) NOT NULL,
                at timestamptz NOT NULL,
                received_at timestamptz NOT NULL,
                visitor_id varchar(64) NOT NULL,
                customer_ref varchar(40) NOT NULL,
                channel varchar(20) NOT NULL,
                properties jsonb NOT NULL,
                folded_at timestamptz NULL
            ) PARTITION BY RANGE (at)
            """
        )
        cursor.execute(f"CREATE TABLE {DEFAULT} PARTITION OF {TABLE}_new DEFAULT")
        # A month for every month the log holds (up to a year back: older rows stay in the
        # default partition) and the coming ones.
        now = timezone.now().astimezone(UTC)
        oldest = _earliest_late_event()
        month = month_start(max(min(first, oldest), now - timedelta(days=366)) if first else oldest)
        last = month_start(now)
        for _ in range(MONTHS_AHEAD):
            last = next_month(last)
        while month <= last:
            cursor.execute(
                f"CREATE TABLE {partition_name(month)} PARTITION OF {TABLE}_new "
                "FOR VALUES FROM (%s) TO (%s)",
                [_bound(month), _bound(next_month(month))],
            )
            month = next_month(month)
        cursor.execute(
            f"INSERT INTO {TABLE}_new ({COLUMNS}) SELECT {COLUMNS} FROM {TABLE}"  # noqa: S608  # fixed names  # nosec B608
        )
        cursor.execute(
            f"INSERT INTO {KEYS} (key, at) SELECT {KEY_SQL.format(row=TABLE)}, at "  # noqa: S608  # fixed names  # nosec B608
            f"FROM {TABLE} ON CONFLICT (key) DO NOTHING"
        )
        cursor.execute(f"DROP TABLE {TABLE}")
        cursor.execute(f"ALTER TABLE {TABLE}_new RENAME TO {TABLE}")
        cursor.execute(f"CREATE SEQUENCE {TABLE}_id_seq OWNED BY {TABLE}.id")
        cursor.execute(f"SELECT setval('{TABLE}_id_seq', %s, %s)", [last_id or 1, bool(last_id)])
        cursor.execute(f"ALTER TABLE {TABLE} ALTER id SET DEFAULT nextval('{TABLE}_id_seq')")
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, at)")
        for name, columns in INDEXES:
            cursor.execute(f"CREATE INDEX {name} ON {TABLE} {columns}")
        cursor.execute(_KEY_TRIGGER)


def unpartition_log(connection: Any) -> None:
    """The reverse: one plain table again, unique on the client's key, rows and ids kept."""
    if connection.vendor != "postgresql" or not is_partitioned(connection):
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_old")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {TABLE}_old INCLUDING DEFAULTS)"  # nosec B608
        )
        cursor.execute(f"ALTER TABLE {TABLE} ALTER id DROP DEFAULT")
        cursor.execute(
            f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {COLUMNS} FROM {TABLE}_old"  # noqa: S608  # fixed names  # nosec B608
        )
        cursor.execute(f"SELECT max(id) FROM {TABLE}")  # noqa: S608  # fixed names  # nosec B608
        (last_id,) = cursor.fetchone()
        cursor.execute(f"DROP TABLE {TABLE}_old CASCADE")
        cursor.execute("DROP FUNCTION IF EXISTS targeting_rawevent_once()")
        cursor.execute(
            f"ALTER TABLE {TABLE} ALTER id ADD GENERATED BY DEFAULT AS IDENTITY "
            f"(START WITH {int(last_id or 0) + 1})"
        )
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id)")
        cursor.execute(
            f"ALTER TABLE {TABLE} ADD CONSTRAINT targeting_rawevent_source_client_id "
            "UNIQUE (source, client_id)"
        )
        for name, columns in INDEXES[:-1]:
            cursor.execute(f"CREATE INDEX {name} ON {TABLE} {columns}")
        cursor.execute(f"DELETE FROM {KEYS}")  # noqa: S608  # fixed names  # nosec B608
