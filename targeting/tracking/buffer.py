"""Where accepted events wait to be folded: a Redis stream, or the ``RawEvent`` table.

``append`` is the fast path of the event API: one Lua call per batch does the idempotency check
(``SET NX EX`` per event) and the ``XADD`` of the new ones, in one round trip. When no Redis is
configured, or Redis does not answer (connection error, timeout), the batch goes to the database
with ``bulk_create`` so that no accepted event is lost; the unique constraint on (source,
client_id) stays the final word on duplicates either way.

``drain`` is the worker side: ``XREADGROUP`` in a consumer group, insert into ``RawEvent``,
commit, then ``XACK`` + ``XDEL``. A worker that dies between the read and the ack leaves the
entries pending; the next drain re-claims them with ``XAUTOCLAIM`` and the unique constraint
ignores whatever was already inserted.
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
from django.db import transaction

from targeting.tracking.models import RawEvent
from targeting.tracking.schema import Event

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
    )


def decode(payload: bytes | str) -> RawEvent:
    data = json.loads(payload)
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


def store_entries(redis_client: Any, entries: Iterable[tuple[bytes, dict]]) -> int:
    """Insert stream entries into ``RawEvent``, commit, then acknowledge and delete them."""
    entry_ids: list[bytes] = []
    rows: list[RawEvent] = []
    for entry_id, fields in entries:
        entry_ids.append(entry_id)
        payload = fields.get(b"e") if fields else None
        if payload is None:
            continue  # an entry already deleted (XAUTOCLAIM reports those as empty)
        try:
            rows.append(decode(payload))
        except (ValueError, KeyError, TypeError):
            logger.error("tracking: dropping an undecodable stream entry %r", entry_id)
    if not entry_ids:
        return 0
    with transaction.atomic():
        RawEvent.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    # Only after the commit: a crash before this line re-delivers, and the insert is idempotent.
    pipe = redis_client.pipeline(transaction=False)
    pipe.xack(stream_key(), GROUP, *entry_ids)
    pipe.xdel(stream_key(), *entry_ids)
    pipe.execute()
    return len(rows)


def drain(max_entries: int = 20_000, chunk: int = 1000) -> int:
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
