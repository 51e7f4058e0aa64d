"""The event schema: what ``POST /api/v1/events`` accepts, validated field by field.

Plain Python (no Django imports) so it is fast and testable alone. ``validate_event`` returns
either a clean ``Event`` or a dict of ``{"field": "why"}`` errors naming the field, e.g.
``{"properties.query": "required"}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

#: Limits of one batch, checked before anything is parsed or stored.
MAX_BATCH_EVENTS = 100
MAX_BODY_BYTES = 64 * 1024
#: How far an event's time may lie from the server's clock.
MAX_FUTURE = timedelta(minutes=5)
MAX_PAST = timedelta(days=7)

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
VISITOR_PATTERN = re.compile(r"^[A-Za-z0-9]{32}$")
CUSTOMER_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
SLUG_PATTERN = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")
MCC_PATTERN = re.compile(r"^\d{4}$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")

CHANNELS = ("web", "app", "atm", "pos", "branch", "call_centre")

Validator = Callable[[Any], str | None]


def text(
    max_length: int, *, min_length: int = 0, pattern: re.Pattern[str] | None = None
) -> Validator:
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return "expected a string"
        if len(value) < min_length:
            return "must not be empty" if min_length == 1 else f"at least {min_length} characters"
        if len(value) > max_length:
            return f"at most {max_length} characters"
        if pattern is not None and not pattern.match(value):
            return "not in the expected format"
        return None

    return check


def path_text(value: Any) -> str | None:
    error = text(500, min_length=1)(value)
    if error:
        return error
    return None if value.startswith("/") else "expected a path on this site starting with /"


def number(minimum: float | None = None, maximum: float | None = None) -> Validator:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "expected a number"
        if minimum is not None and value < minimum:
            return f"must be at least {minimum}"
        if maximum is not None and value > maximum:
            return f"must be at most {maximum}"
        return None

    return check


def choice(*options: str) -> Validator:
    def check(value: Any) -> str | None:
        return None if value in options else "expected one of " + ", ".join(options)

    return check


def text_list(max_items: int, max_length: int) -> Validator:
    def check(value: Any) -> str | None:
        if not isinstance(value, list):
            return "expected a list of strings"
        if len(value) > max_items:
            return f"at most {max_items} items"
        for item in value:
            if not isinstance(item, str) or not item or len(item) > max_length:
                return f"expected strings of 1 to {max_length} characters"
        return None

    return check


def slug_or_number(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return None
    return text(80, min_length=1, pattern=SLUG_PATTERN)(value)


@dataclass(frozen=True)
class EventType:
    """One event type: who may send it, and its properties (name -> (required, validator))."""

    name: str
    properties: Mapping[str, tuple[bool, Validator]]
    from_browser: bool = True


SLUG = text(80, min_length=1, pattern=SLUG_PATTERN)
CREATIVE_REF = text(40, min_length=1)

EVENT_TYPES: dict[str, EventType] = {
    t.name: t
    for t in [
        EventType(
            "page_view",
            {
                "path": (False, path_text),
                "title": (False, text(200)),
                "page_type": (False, text(60)),
                "category": (False, text(40)),
                "tags": (False, text_list(20, 40)),
                "referrer": (False, text(500)),
            },
        ),
        EventType(
            "click",
            {
                "placement": (False, SLUG),
                "campaign": (False, SLUG),
                "creative": (False, CREATIVE_REF),
                "target": (False, text(500)),
                "label": (False, text(200)),
                "kind": (False, choice("creative", "cta", "link")),
            },
        ),
        EventType(
            "search",
            {"query": (True, text(100, min_length=1)), "results": (False, number(0))},
        ),
        EventType(
            "impression",
            {
                "placement": (True, SLUG),
                "campaign": (False, SLUG),
                "creative": (False, CREATIVE_REF),
            },
        ),
        EventType(
            "form_start",
            {"form": (True, text(60, min_length=1)), "product": (False, slug_or_number)},
        ),
        EventType(
            "form_submit",
            {"form": (True, text(60, min_length=1)), "product": (False, slug_or_number)},
        ),
        EventType(
            "application",
            {
                "product": (True, slug_or_number),
                "product_type": (False, text(40)),
                "reference": (False, text(20)),
            },
            from_browser=False,
        ),
        EventType(
            "community_post",
            {"board": (True, SLUG), "category": (False, text(40))},
            from_browser=False,
        ),
        EventType(
            "card_transaction",
            {
                "merchant_category_code": (True, text(4, pattern=MCC_PATTERN)),
                "amount": (False, number(0, 1e12)),
                "currency": (False, text(3, pattern=CURRENCY_PATTERN)),
                "terminal": (False, choice("atm", "pos", "online")),
                "merchant": (False, text(100)),
            },
            from_browser=False,
        ),
        EventType(
            "branch_queue_swipe",
            {"branch": (True, text(40, min_length=1)), "service": (False, text(60))},
            from_browser=False,
        ),
        EventType(
            "call_centre_contact",
            {"reason": (False, text(200)), "outcome": (False, text(60))},
            from_browser=False,
        ),
        EventType(
            "app_open",
            {
                "app_version": (False, text(20)),
                "platform": (False, choice("ios", "android", "harmonyos", "other")),
            },
            from_browser=False,
        ),
    ]
}
BROWSER_TYPES = frozenset(name for name, t in EVENT_TYPES.items() if t.from_browser)


@dataclass
class Event:
    """An accepted event, ready for the buffer."""

    id: str
    type: str
    at: datetime
    visitor: str = ""
    customer: str = ""
    channel: str = "web"
    properties: dict[str, Any] = field(default_factory=dict)


def parse_time(value: Any, site_timezone: str) -> datetime | str:
    """An ISO 8601 time (a time without an offset is in the site's zone), or an error."""
    if not isinstance(value, str) or not value:
        return "expected an ISO 8601 date-time"
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return "expected an ISO 8601 date-time, e.g. 2026-03-07T20:30:00+08:00"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(site_timezone))
    return moment


def validate_event(
    raw: Any,
    *,
    now: datetime,
    from_browser: bool,
    site_timezone: str = "Asia/Shanghai",
    max_past: timedelta = MAX_PAST,
) -> Event | dict[str, str]:
    """Check one event of a batch. ``from_browser`` applies the browser's identity rules:
    a browser cannot name a visitor or a customer, nor send channel-only types."""
    if not isinstance(raw, dict):
        return {"event": "expected an object"}
    errors: dict[str, str] = {}
    event_id = raw.get("id")
    if not isinstance(event_id, str) or not ID_PATTERN.match(event_id):
        errors["id"] = "required: 1 to 64 letters, digits or _.:- (a random UUID is best)"
    type_name = raw.get("type")
    event_type = EVENT_TYPES.get(type_name) if isinstance(type_name, str) else None
    if event_type is None:
        errors["type"] = "expected one of " + ", ".join(EVENT_TYPES)
    elif from_browser and not event_type.from_browser:
        errors["type"] = "only channel systems may send this type"
    at = parse_time(raw.get("at"), site_timezone)
    if isinstance(at, str):
        errors["at"] = at
    elif at > now + MAX_FUTURE:
        errors["at"] = "in the future (more than 5 minutes ahead of the server clock)"
    elif at < now - max_past:
        errors["at"] = f"older than {max_past.days} days"
    visitor = raw.get("visitor") or ""
    customer = raw.get("customer") or ""
    channel = raw.get("channel") or "web"
    if from_browser:
        # A browser's events belong to the visitor of its own signed cookie, never to another.
        if visitor:
            errors["visitor"] = "set by the visitor cookie; a browser cannot name a visitor"
        if customer:
            errors["customer"] = "a browser cannot name a customer"
        if channel != "web":
            errors["channel"] = "a browser's events are always on the web channel"
    else:
        if visitor and (not isinstance(visitor, str) or not VISITOR_PATTERN.match(visitor)):
            errors["visitor"] = "expected a visitor id of 32 letters or digits"
        if customer and (not isinstance(customer, str) or not CUSTOMER_PATTERN.match(customer)):
            errors["customer"] = "expected a customer number (1 to 40 letters, digits, _.-)"
        if not visitor and not customer and "visitor" not in errors:
            errors["visitor"] = "a channel system must name a visitor or a customer"
        if channel not in CHANNELS:
            errors["channel"] = "expected one of " + ", ".join(CHANNELS)
    properties = raw.get("properties")
    if properties is None:
        properties = {}
    if not isinstance(properties, dict):
        errors["properties"] = "expected an object"
    elif event_type is not None:
        for name, value in properties.items():
            spec = event_type.properties.get(name)
            if spec is None:
                errors[f"properties.{name}"] = f"unknown property of {event_type.name}"
                continue
            message = spec[1](value)
            if message:
                errors[f"properties.{name}"] = message
        for name, (required, _check) in event_type.properties.items():
            if required and name not in properties:
                errors[f"properties.{name}"] = "required"
    if errors:
        return errors
    assert isinstance(at, datetime) and event_type is not None
    return Event(
        id=event_id,
        type=event_type.name,
        at=at.astimezone(UTC),
        visitor=visitor,
        customer=customer,
        channel=channel,
        properties=dict(properties),
    )
