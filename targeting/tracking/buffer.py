"""Where accepted events wait to be folded: a Redis stream, or the ``RawEvent`` table.

``append`` is the fast path of the event API: one Lua call per batch does the idempotency check
(``SET NX EX`` per event) and the ``XADD`` of the new ones, in one round trip. When no Redis is
configured, or Redis does not answer (connection error, timeout), the batch goes to the database
with ``bulk_create`` so that no accepted event is lost; the unique constraint on (source,
client_id) stays the final word on duplicates either way.

``drain`` is the worker side: ``XREADGROUP`` in a consumer group, insert into ``RawEvent`` and
fold the new rows into their profiles in the same transaction (one multi-row insert, one read and
one write of the profiles per chunk: ``targeting.tracking.batches``), commit, then ``XACK`` +
``XDEL``. A worker that dies between the read and the ack leaves the
entries pending; the next drain re-claims them with ``XAUTOCLAIM`` and the unique constraint
ignores whatever was already inserted.

One entry the database can never store (an older client's NaN, a NUL, a bug) must not block the
stream: entries are checked again when read, a chunk whose insert fails is retried row by row,
and each entry that cannot be stored goes with its reason to the dead-letter stream
(``<stream>:dead``, see ``manage.py tracking_dead_letters``) and is acknowledged. Only an
unreachable database (``OperationalError``) leaves a chunk pending for the next drain.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from targeting.tracking import folding
from targeting.tracking.batches import insert_returning
from targeting.tracking.models import RawEvent
from targeting.tracking.schema import Event, hostile_values, parse_json

logger = logging.getLogger("targeting.tracking")

GROUP = "folders"
#: A pending entry idle this long belongs to a worker that died; another one takes it over.
STALE_PENDING_MS = 60_000  # default; settings.TRACKING_STALE_PENDING_MS overrides
#: After a connection error the process stops trying Redis for this long (a page must not wait
#: for a timeout on every batch while Redis is down).
REDIS_RETRY_AFTER = 5.0

_APPEND_SCRIPT = """
local ttl = tonumber(ARGV[1])
local out = {}
for i = 2, #KEYS do
  if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ttl) then
    redis.call('XADD', KEYS[1], '*', 'e', ARGV[i])
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
"""

_client: Any = None
_client_url: str | None = None
_script: Any = None
_down_until = 0.0


def redis_url() -> str:
    return getattr(settings, "TRACKING_REDIS_URL", "") or ""


def stream_key() -> str:
    return getattr(settings, "TRACKING_STREAM_KEY", "portal:tracking:events")


def dead_letter_key() -> str:
    """The stream where entries that cannot be stored wait for an operator."""
    return stream_key() + ":dead"


def dead_letter_maxlen() -> int:
    return int(getattr(settings, "TRACKING_DEAD_LETTER_MAXLEN", 100_000))


def dedup_ttl() -> int:
    return int(getattr(settings, "TRACKING_DEDUP_TTL", 24 * 3600))


def client() -> Any:
    """The process's Redis client for the stream, or None when no Redis is configured."""
    global _client, _client_url, _script
    url = redis_url()
    if not url:
        return None
    if _client is None or _client_url != url:
        import redis

        _client = redis.Redis.from_url(
            url, socket_connect_timeout=0.5, socket_timeout=2.0, health_check_interval=30
        )
        _client_url = url
        _script = _client.register_script(_APPEND_SCRIPT)
    return _client


def reset() -> None:
    """Forget the client and the "Redis is down" marker (tests, after a fork)."""
    global _client, _client_url, _script, _down_until
    _client = _client_url = _script = None
    _down_until = 0.0


def _redis_available() -> Any:
    if time.monotonic() < _down_until:
        return None
    return client()


def _mark_down(error: Exception) -> None:
    global _down_until
    _down_until = time.monotonic() + REDIS_RETRY_AFTER
    logger.warning("tracking: Redis unavailable (%s); events go to the database", error)


def encode(source: str, event: Event, received_at: datetime) -> str:
    # allow_nan=False: a NaN that slipped past validation fails here, never enters the stream.
    return json.dumps(
        {
            "s": source,
            "i": event.id,
            "t": event.type,
            "a": event.at.isoformat(),
            "v": event.visitor,
            "c": event.customer,
            "ch": event.channel,
            "p": event.properties,
            "r": received_at.isoformat(),
        },
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


class PoisonedEntry(ValueError):
    """A stream entry that can never be stored, with the reason (goes to the dead letters)."""


#: The stream payload's short keys and the event fields they carry (for the reasons given).
_PAYLOAD_FIELDS = {
    "s": "source",
    "i": "id",
    "t": "type",
    "a": "at",
    "v": "visitor",
    "c": "customer",
    "ch": "channel",
    "p": "properties",
    "r": "received_at",
}


def decode(payload: bytes | str) -> RawEvent:
    """A stream entry as a ``RawEvent``; ``PoisonedEntry`` when it is unreadable or carries a
    value no event may hold (checked again here: the stream may hold entries written by an older
    client or past a bug)."""
    try:
        data = parse_json(payload.decode("utf-8") if isinstance(payload, bytes) else payload)
    except (ValueError, RecursionError) as error:
        raise PoisonedEntry(f"not readable JSON: {error}") from None
    if not isinstance(data, dict):
        raise PoisonedEntry("not an event object")
    problems: dict[str, str] = {}
    for short, name in _PAYLOAD_FIELDS.items():
        problems.update(hostile_values(data.get(short), name, depth=2 if short == "p" else 1))
    if problems:
        raise PoisonedEntry("; ".join(f"{field}: {why}" for field, why in problems.items()))
    try:
        return _row(data)
    except (KeyError, TypeError, ValueError, OverflowError) as error:
        raise PoisonedEntry(f"not an event: {error!r}") from None


def _row(data: dict[str, Any]) -> RawEvent:
    return RawEvent(
        source=data["s"],
        client_id=data["i"],
        type=data["t"],
        at=datetime.fromisoformat(data["a"]),
        visitor_id=data.get("v") or "",
        customer_ref=data.get("c") or "",
        channel=data.get("ch") or "web",
        properties=data.get("p") or {},
        received_at=datetime.fromisoformat(data["r"]),
    )


def append(source: str, events: Sequence[Event], received_at: datetime) -> list[bool]:
    """Store a batch of valid events of one source; for each, True if new, False if a duplicate.

    Returns whether the events went to Redis through ``append.last_backend`` (for tests/metrics).
    """
    if not events:
        return []
    redis_client = _redis_available()
    if redis_client is not None:
        try:
            keys = [stream_key()] + [f"trk:seen:{source}:{e.id}" for e in events]
            args = [dedup_ttl()] + [encode(source, e, received_at) for e in events]
            result = _script(keys=keys, args=args, client=redis_client)
            return [bool(flag) for flag in result]
        except Exception as error:  # redis.ConnectionError, TimeoutError, a lost connection
            if not _is_connection_problem(error):
                raise
            _mark_down(error)
    return append_to_database(source, events, received_at)


def _is_connection_problem(error: Exception) -> bool:
    import redis

    return isinstance(error, redis.ConnectionError | redis.TimeoutError | OSError)


def append_to_database(source: str, events: Sequence[Event], received_at: datetime) -> list[bool]:
    """The fallback: insert the batch into ``RawEvent`` (one query to find duplicates, one insert)."""
    ids = [e.id for e in events]
    existing = set(
        RawEvent.objects.filter(source=source, client_id__in=ids).values_list(
            "client_id", flat=True
        )
    )
    rows = [
        RawEvent(
            source=source,
            client_id=e.id,
            type=e.type,
            at=e.at,
            visitor_id=e.visitor,
            customer_ref=e.customer,
            channel=e.channel,
            properties=e.properties,
            received_at=received_at,
        )
        for e in events
        if e.id not in existing
    ]
    # A concurrent retry of the same batch may slip between the check and the insert: the
    # unique constraint then keeps one row, which is all "counted once" needs.
    RawEvent.objects.bulk_create(rows, ignore_conflicts=True)
    return [e.id not in existing for e in events]


def _stale_ms() -> int:
    return int(getattr(settings, "TRACKING_STALE_PENDING_MS", STALE_PENDING_MS))


def _consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def _ensure_group(redis_client: Any) -> None:
    import redis

    try:
        # Id 0: a group created after events were added must still read them.
        redis_client.xgroup_create(stream_key(), GROUP, id="0", mkstream=True)
    except redis.ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise


#: What the database answers for a row it will never take (a value its types refuse, a field
#: too long, a surrogate the driver cannot encode). Anything else, such as ``OperationalError``
#: (database unreachable), propagates and leaves the chunk pending for the next drain.
ROW_REFUSED = (DataError, IntegrityError, ValueError, TypeError)

DeadLetter = tuple[bytes, bytes, str]  # (entry id, payload, reason)


#: The raw log's columns as the drain inserts them (``id`` comes from the database).
RAW_COLUMNS = (
    "source",
    "client_id",
    "type",
    "at",
    "received_at",
    "visitor_id",
    "customer_ref",
    "channel",
    "properties",
    "folded_at",
)


def _store_and_fold(rows: list[RawEvent]) -> None:
    """Insert the rows, marked folded, and fold those that were new, in the caller's
    transaction: an event is in the log if and only if it is in its profile.

    A row already stored (a redelivered entry, or a copy that reached the database while Redis
    was down) is not returned by the insert, so it is never folded twice."""
    moment = timezone.now()
    for row in rows:
        row.folded_at = moment
    new_keys = {
        (source, client_id): pk
        for pk, source, client_id in insert_returning(
            RawEvent, rows, RAW_COLUMNS, ("id", "source", "client_id")
        )
    }
    inserted = []
    for row in rows:
        pk = new_keys.pop((row.source, row.client_id), None)
        if pk is not None:  # (the same key twice in one chunk is stored, and folded, once)
            row.pk = pk
            inserted.append(row)
    folding.fold_inserted(inserted)


def _insert(rows: list[tuple[bytes, bytes, RawEvent]], dead: list[DeadLetter]) -> int:
    """Insert and fold the rows: the whole chunk at once, or, when that fails, one by one, each
    row the database refuses going to ``dead`` with the database's reason."""
    if not rows:
        return 0
    try:
        with transaction.atomic():
            _store_and_fold([row for _id, _payload, row in rows])
        return len(rows)
    except ROW_REFUSED as error:
        logger.warning("tracking: a chunk of %d events failed (%s); row by row", len(rows), error)
    stored = 0
    for entry_id, payload, row in rows:
        try:
            with transaction.atomic():
                _store_and_fold([row])
            stored += 1
        except ROW_REFUSED as error:
            dead.append((entry_id, payload, f"the database refused it: {error}".strip()))
    return stored


def store_entries(redis_client: Any, entries: Iterable[tuple[bytes, dict]]) -> int:
    """Insert stream entries into ``RawEvent`` and commit; move the ones that can never be
    stored to the dead letters; then acknowledge and delete them all."""
    entry_ids: list[bytes] = []
    rows: list[tuple[bytes, bytes, RawEvent]] = []
    dead: list[DeadLetter] = []
    for entry_id, fields in entries:
        entry_ids.append(entry_id)
        payload = fields.get(b"e") if fields else None
        if payload is None:
            continue  # an entry already deleted (XAUTOCLAIM reports those as empty)
        try:
            rows.append((entry_id, payload, decode(payload)))
        except PoisonedEntry as error:
            dead.append((entry_id, payload, str(error)))
    if not entry_ids:
        return 0
    stored = _insert(rows, dead)
    # Only after the commit: a crash before this line re-delivers, and the insert is idempotent.
    # MULTI/EXEC: an entry is never acknowledged without its dead letter, nor the reverse.
    pipe = redis_client.pipeline(transaction=True)
    moment = timezone.now().isoformat()
    for entry_id, payload, reason in dead:
        logger.error("tracking: stream entry %r moved to the dead letters: %s", entry_id, reason)
        pipe.xadd(
            dead_letter_key(),
            {"e": payload, "reason": reason[:2000], "entry": entry_id, "at": moment},
            maxlen=dead_letter_maxlen(),
            approximate=True,
        )
    pipe.xack(stream_key(), GROUP, *entry_ids)
    pipe.xdel(stream_key(), *entry_ids)
    pipe.execute()
    return stored


def dead_letters(count: int = 100) -> list[dict[str, str]]:
    """The newest dead letters first: ``{"id", "at", "entry", "reason", "payload"}``."""
    redis_client = client()
    if redis_client is None:
        return []
    letters = []
    for letter_id, fields in redis_client.xrevrange(dead_letter_key(), count=count):
        text = {k.decode(): v.decode("utf-8", "backslashreplace") for k, v in fields.items()}
        letters.append(
            {
                "id": letter_id.decode(),
                "at": text.get("at", ""),
                "entry": text.get("entry", ""),
                "reason": text.get("reason", ""),
                "payload": text.get("e", ""),
            }
        )
    return letters


def delete_dead_letters(ids: Sequence[str] | None = None) -> int:
    """Delete the given dead letters, or all of them; returns how many were deleted."""
    redis_client = client()
    if redis_client is None:
        return 0
    if ids is None:
        count = int(redis_client.xlen(dead_letter_key()))
        redis_client.delete(dead_letter_key())
        return count
    return int(redis_client.xdel(dead_letter_key(), *ids)) if ids else 0


def drain(max_entries: int = 20_000, chunk: int = 2000) -> int:
    """Move events from the stream into ``RawEvent``; returns how many were stored."""
    redis_client = client()
    if redis_client is None:
        return 0
    _ensure_group(redis_client)
    consumer = _consumer_name()
    stored = 0
    # First whatever a dead worker left pending, then new entries.
    start = "0-0"
    while True:
        start, claimed, *_rest = redis_client.xautoclaim(
            stream_key(), GROUP, consumer, min_idle_time=_stale_ms(), start_id=start, count=chunk
        )
        stored += store_entries(redis_client, claimed)
        if start in (b"0-0", "0-0") or not claimed:
            break
    while stored < max_entries:
        response = redis_client.xreadgroup(GROUP, consumer, {stream_key(): ">"}, count=chunk)
        if not response:
            break
        _name, entries = response[0]
        if not entries:
            break
        stored += store_entries(redis_client, entries)
    return stored


def backlog() -> int:
    """Entries in the stream not yet stored (for monitoring and the benchmark)."""
    redis_client = client()
    if redis_client is None:
        return 0
    try:
        return int(redis_client.xlen(stream_key()))
    except Exception:
        return 0
