"""Taking in a batch of events: identity rules, validation, idempotency, then the buffer.

Views call ``ingest_batch`` with the caller already identified; the portal's own code calls
``record_server_event`` (a page view it served, an application it saved).
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from targeting.tracking import buffer, frequency, tasks
from targeting.tracking.schema import (
    ID_PATTERN,
    MAX_BATCH_EVENTS,
    Event,
    parse_json,
    validate_event,
)
from targeting.tracking.signals import events_accepted

logger = logging.getLogger("targeting.tracking")

SERVER_SOURCE = "s:portal"

#: When this process last queued a fold (``schedule_folding``).
_last_kick = float("-inf")


class BatchError(Exception):
    """The body is not a batch at all (HTTP 400), with the reason a client developer needs."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Caller:
    """Who sends a batch: a browser (its cookie's visitor) or a channel system (a token's user)."""

    source: str
    from_browser: bool
    visitor_id: str = ""
    #: ``user-<id>`` while the browser's session is signed in: its events are that customer's.
    customer_ref: str = ""

    @classmethod
    def browser(cls, visitor_id: str, user_id: int | None = None) -> Caller:
        """A browser's batch; ``user_id`` only while it is signed in (never after sign-out)."""
        return cls(
            source=f"v:{visitor_id}",
            from_browser=True,
            visitor_id=visitor_id,
            customer_ref=f"user-{user_id}" if user_id is not None else "",
        )

    @classmethod
    def system(cls, user_id: int) -> Caller:
        return cls(source=f"u:{user_id}", from_browser=False)


@dataclass
class BatchResult:
    """The answer of ``POST /api/v1/events``."""

    accepted: list[str] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "rejected": self.rejected, "duplicates": self.duplicates}

    @property
    def all_rejected(self) -> bool:
        """Nothing of the batch was taken (every event refused): the API answers 400."""
        return bool(self.rejected) and not self.accepted and not self.duplicates

    def detail(self) -> str:
        """Every rejection as ``events[<index>].<field>: why``, for a client developer's log."""
        return "; ".join(entry["detail"] for entry in self.rejected)


def parse_batch(body: bytes) -> list[Any]:
    """The list of events in a request body, or ``BatchError`` naming what is wrong."""
    try:
        document = parse_json(body.decode("utf-8"))
    except RecursionError:
        raise BatchError("body: JSON nested too deeply") from None
    except ValueError as error:  # invalid UTF-8 or JSON (both are ValueErrors)
        raise BatchError(f"body: not valid JSON ({error})") from None
    if not isinstance(document, dict) or not isinstance(document.get("events"), list):
        raise BatchError('body: expected an object {"events": [...]}')
    events = document["events"]
    if not events:
        raise BatchError("events: the batch is empty")
    if len(events) > MAX_BATCH_EVENTS:
        raise BatchError(f"events: at most {MAX_BATCH_EVENTS} events per batch, got {len(events)}")
    return events


def max_event_age() -> timedelta:
    return timedelta(days=int(getattr(settings, "TRACKING_MAX_EVENT_AGE_DAYS", 7)))


def ingest_batch(raw_events: list[Any], caller: Caller, now: datetime | None = None) -> BatchResult:
    """Validate and store a parsed batch; each event is accepted, rejected or a duplicate."""
    now = now or timezone.now()
    result = BatchResult()
    valid: list[Event] = []
    seen_in_batch: set[str] = set()
    # Settings read once per batch, not once per event.
    from_browser = caller.from_browser
    site_timezone = settings.TIME_ZONE
    max_past = max_event_age()
    for index, raw in enumerate(raw_events):
        checked = validate_event(
            raw,
            now=now,
            from_browser=from_browser,
            site_timezone=site_timezone,
            max_past=max_past,
        )
        if isinstance(checked, dict):
            client_id = raw.get("id") if isinstance(raw, dict) else None
            result.rejected.append(
                {
                    "index": index,
                    # Echoed only when it is a well-formed id (never a hostile string back).
                    "id": client_id
                    if isinstance(client_id, str) and ID_PATTERN.match(client_id)
                    else None,
                    "errors": checked,
                    "detail": "; ".join(
                        f"events[{index}]{'' if name == 'event' else '.' + name}: {why}"
                        for name, why in checked.items()
                    ),
                }
            )
            continue
        if checked.id in seen_in_batch:
            result.duplicates.append(checked.id)
            continue
        seen_in_batch.add(checked.id)
        if caller.from_browser:
            checked.visitor = caller.visitor_id
            checked.customer = caller.customer_ref
        valid.append(checked)
    flags = buffer.append(caller.source, valid, now)
    for event, is_new in zip(valid, flags, strict=True):
        (result.accepted if is_new else result.duplicates).append(event.id)
    # Frequency caps follow seen impressions: counted once, when first accepted.
    frequency.count_seen(event for event, is_new in zip(valid, flags, strict=True) if is_new)
    if result.accepted:
        announce_accepted(
            caller.source,
            [e for e, is_new in zip(valid, flags, strict=True) if is_new and e.customer],
            now,
        )
        schedule_folding()
    return result


def announce_accepted(source: str, events: list[Event], received_at: datetime) -> None:
    """Send ``events_accepted`` for the new customer events (never failing the batch)."""
    if not events or not events_accepted.has_listeners():
        return
    received = received_at.isoformat()
    try:
        events_accepted.send(
            sender=Event,
            events=[
                {
                    "source": source,
                    "id": e.id,
                    "type": e.type,
                    "channel": e.channel,
                    "at": e.at.isoformat(),
                    "customer": e.customer,
                    "properties": e.properties,
                    "received_at": received,
                }
                for e in events
            ],
        )
    except Exception:  # a receiver's bug never refuses events that are already stored
        logger.exception("tracking: a receiver of events_accepted failed")


def record_server_event(
    type_: str,
    *,
    visitor_id: str = "",
    customer_ref: str = "",
    at: datetime | None = None,
    properties: dict[str, Any] | None = None,
) -> bool:
    """Record an event the portal itself observed (no client id: a fresh one each call)."""
    now = timezone.now()
    raw = {
        "id": uuid.uuid4().hex,
        "type": type_,
        "at": (at or now).isoformat(),
        "visitor": visitor_id,
        "customer": customer_ref,
        "channel": "web",
        "properties": {k: v for k, v in (properties or {}).items() if v not in (None, "")},
    }
    checked = validate_event(
        raw,
        now=max(now, at or now),
        from_browser=False,
        site_timezone=settings.TIME_ZONE,
        max_past=timedelta(days=36500),
    )
    if isinstance(checked, dict):
        logger.error("tracking: server event %s rejected: %s", type_, checked)
        return False
    buffer.append(SERVER_SOURCE, [checked], now)
    schedule_folding()
    return True


def schedule_folding() -> None:
    """Have the new events folded soon.

    Without a broker (``make run``) the fold runs right here, so behaviour targeting works with
    nothing else started. With a broker, at most one "process events" task per second is queued
    (Celery beat runs it every few seconds anyway), so folding follows within about a second.
    """
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        tasks.process_events()
        return
    global _last_kick
    # Within the second after this process itself set the "trk:kick" key the ADD would fail
    # anyway (the key is still there): skip that cache round trip on a busy worker.
    moment = time.monotonic()
    if moment - _last_kick < 1.0:
        return
    if cache.add("trk:kick", 1, timeout=1):
        _last_kick = moment
        try:
            tasks.process_events.delay()
        except Exception:  # the broker is down: beat (or the next batch) catches up later
            logger.warning("tracking: could not queue folding", exc_info=True)
