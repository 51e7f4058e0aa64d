"""The event schema: what ``POST /api/v1/events`` accepts, validated field by field.

Plain Python (no Django imports) so it is fast and testable alone. ``validate_event`` returns
either a clean ``Event`` or a dict of ``{"field": "why"}`` errors naming the field, e.g.
``{"properties.query": "required"}``.
"""

from __future__ import annotations

import json
import math
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

#: Deepest nesting of objects and lists inside one event (the event object is level 1; its
#: properties level 2; a list property level 3). Deeper input is refused, never recursed into.
MAX_EVENT_DEPTH = 4
#: Integers beyond what every JSON reader keeps exact (JavaScript's doubles) are refused.
MAX_SAFE_INTEGER = 2**53 - 1
#: Characters refused in every string of an event, keys included: NUL and the other C0 control
#: characters except tab and line feed, DEL, and lone UTF-16 surrogates ("\ud800" is valid JSON
#: but no valid text: PostgreSQL's jsonb and UTF-8 encoders reject it). Tab and line feed are
#: allowed where free text is; identifiers have their own patterns anyway.
FORBIDDEN_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
#: Event times outside these years are refused before any date arithmetic (no overflow).
MIN_YEAR, MAX_YEAR = 2000, 2999
MAX_TIME_LENGTH = 40

Validator = Callable[[Any], str | None]


@dataclass(frozen=True)
class RefusedNumber:
    """A number token the JSON reader refused: ``NaN``, ``Infinity``, ``1e999``, a huge integer.

    ``parse_json`` keeps it as this marker instead of a float, so no NaN ever exists in an event,
    and the event carrying it is rejected naming its field while the rest of the batch goes on.
    """

    literal: str


def _refuse_constant(name: str) -> RefusedNumber:
    return RefusedNumber(name)


def _read_float(text_: str) -> float | RefusedNumber:
    value = float(text_)
    return value if math.isfinite(value) else RefusedNumber(text_[:24])


def _read_int(text_: str) -> int | RefusedNumber:
    # Length first: Python refuses to convert more than 4,300 digits (a ValueError, not a 400).
    if len(text_.lstrip("-")) > 16:
        return RefusedNumber(text_[:24] + ("…" if len(text_) > 24 else ""))
    value = int(text_)
    return value if abs(value) <= MAX_SAFE_INTEGER else RefusedNumber(text_)


def parse_json(document: str) -> Any:
    """``json.loads`` without NaN, Infinity or out-of-range numbers (they become
    ``RefusedNumber``). Raises ``ValueError`` for invalid JSON and ``RecursionError`` for JSON
    nested deeper than the interpreter's limit."""
    return json.loads(
        document, parse_constant=_refuse_constant, parse_float=_read_float, parse_int=_read_int
    )


def _describe_character(character: str) -> str:
    code = ord(character)
    if 0xD800 <= code <= 0xDFFF:
        return f"a lone surrogate U+{code:04X} is not text"
    return f"control character U+{code:04X} is not allowed"


def _key_label(key: str) -> str:
    """A key as it may appear in an error path: escaped and short."""
    return key[:40].encode("unicode_escape", "backslashreplace").decode("ascii")


def hostile_values(value: Any, path: str = "", depth: int = 1) -> dict[str, str]:
    """Values no event may carry anywhere (known fields or not), by path within the event:
    refused numbers, non-finite floats, out-of-range integers, control characters, lone
    surrogates, nesting deeper than ``MAX_EVENT_DEPTH``.

    On the event API's hot path: plain strings and small numbers are passed over without
    building their path, which is formatted only for an error."""
    errors: dict[str, str] = {}
    search = FORBIDDEN_CHARACTER.search

    def leaf_error(item: Any) -> str | None:
        kind = type(item)
        if kind is str:
            bad = search(item)
            return _describe_character(bad.group()) if bad else None
        if kind is int:
            return None if -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER else OUT_OF_RANGE
        if kind is float:
            return None if math.isfinite(item) else f"expected a finite number, got {item}"
        if kind is RefusedNumber:
            return f"expected a finite number within ±(2^53-1), got {item.literal}"
        return None  # None, True, False

    def walk(item: Any, where: str, level: int) -> None:
        if level > MAX_EVENT_DEPTH:
            errors[where or "event"] = f"nested too deeply (at most {MAX_EVENT_DEPTH} levels)"
            return
        pairs = item.items() if type(item) is dict else enumerate(item)
        for key, child in pairs:
            if type(key) is str and search(key):
                label = _key_label(key)
                errors[f"{where}.{label}" if where else label] = "name: " + _describe_character(
                    search(key).group()  # type: ignore[union-attr]
                )
                continue
            kind = type(child)
            if kind is dict or kind is list:
                walk(child, _child_path(where, key), level + 1)
                continue
            message = leaf_error(child)
            if message is not None:
                errors[_child_path(where, key)] = message

    if type(value) is dict or type(value) is list:
        walk(value, path, depth)
    else:
        message = leaf_error(value)
        if message is not None:
            errors[path or "event"] = message
    return errors


OUT_OF_RANGE = "expected a number within ±(2^53-1)"


def _child_path(where: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    label = _key_label(key)
    return f"{where}.{label}" if where else label


#: Free text in an event (JSON Schema): no control character but tab and line feed, no DEL.
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f]*$"


def described(check: Validator, json_schema: dict[str, Any]) -> Validator:
    """``check``, carrying the JSON Schema of what it accepts (``json_schema``): the OpenAPI
    document of the event API (``targeting.tracking.openapi``) is built from the same rules."""
    check.json_schema = json_schema  # type: ignore[attr-defined]
    return check


def json_schema_of(check: Validator) -> dict[str, Any]:
    """The JSON Schema a validator was ``described`` with (an empty schema when none)."""
    return dict(getattr(check, "json_schema", {}))


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

    schema: dict[str, Any] = {"type": "string", "maxLength": max_length}
    if min_length:
        schema["minLength"] = min_length
    schema["pattern"] = pattern.pattern if pattern is not None else TEXT_PATTERN
    return described(check, schema)


def path_text(value: Any) -> str | None:
    error = text(500, min_length=1)(value)
    if error:
        return error
    return None if value.startswith("/") else "expected a path on this site starting with /"


described(
    path_text,
    {"type": "string", "minLength": 1, "maxLength": 500, "pattern": "^/" + TEXT_PATTERN[1:]},
)


def number(minimum: float | None = None, maximum: float | None = None) -> Validator:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "expected a number"
        if not math.isfinite(value):
            return "expected a finite number"
        if minimum is not None and value < minimum:
            return f"must be at least {minimum}"
        if maximum is not None and value > maximum:
            return f"must be at most {maximum}"
        return None

    schema: dict[str, Any] = {"type": "number"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return described(check, schema)


def choice(*options: str) -> Validator:
    def check(value: Any) -> str | None:
        return None if value in options else "expected one of " + ", ".join(options)

    return described(check, {"type": "string", "enum": list(options)})


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

    item = {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": TEXT_PATTERN}
    return described(check, {"type": "array", "maxItems": max_items, "items": item})


def slug_or_number(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return None if 0 <= value <= 2**31 - 1 else "expected a product id from 0 to 2147483647"
    return text(80, min_length=1, pattern=SLUG_PATTERN)(value)


described(
    slug_or_number,
    {
        "oneOf": [
            {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
            {"type": "string", "minLength": 1, "maxLength": 80, "pattern": SLUG_PATTERN.pattern},
        ]
    },
)


@dataclass(frozen=True)
class EventType:
    """One event type: who may send it, and its properties (name -> (required, validator))."""

    name: str
    properties: Mapping[str, tuple[bool, Validator]]
    from_browser: bool = True


SLUG = text(80, min_length=1, pattern=SLUG_PATTERN)
CREATIVE_REF = text(40, min_length=1)
DEVICE_CLASS = choice("mobile", "tablet", "desktop", "bot")
#: A conversion's attribution (campaign measurement), optional on conversion events.
ATTRIBUTION_PROPERTIES: dict[str, tuple[bool, Validator]] = {
    "campaign": (False, SLUG),
    "creative": (False, CREATIVE_REF),
    "placement": (False, SLUG),
    "segment": (False, SLUG),
    "device": (False, DEVICE_CLASS),
    "touch": (False, choice("click", "view")),
}

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
                # measurement: the segment the campaign was chosen for and the device class.
                "segment": (False, SLUG),
                "device": (False, DEVICE_CLASS),
            },
        ),
        EventType(
            "search",
            {"query": (True, text(100, min_length=1)), "results": (False, number(0, 10**9))},
        ),
        EventType(
            "impression",
            {
                "placement": (True, SLUG),
                "campaign": (False, SLUG),
                "creative": (False, CREATIVE_REF),
                "segment": (False, SLUG),
                "device": (False, DEVICE_CLASS),
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
                # measurement: the touch the application is attributed to (tracking.attribution).
                **ATTRIBUTION_PROPERTIES,
            },
            from_browser=False,
        ),
        # measurement: a custom conversion a site script or a channel system reports by name.
        EventType(
            "goal",
            {
                "goal": (True, SLUG),
                "value": (False, number(0, 10**12)),
                **ATTRIBUTION_PROPERTIES,
            },
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
        # Suitability (products.suitability): a completed risk questionnaire, and an assessment
        # about to expire (the reminder push triggers turn into a message).
        EventType(
            "risk_assessment",
            {"tolerance": (True, number(1, 5))},
            from_browser=False,
        ),
        EventType(
            "risk_assessment_due",
            {"expires": (True, text(10, min_length=10)), "tolerance": (False, number(1, 5))},
            from_browser=False,
        ),
        # What a customer did with a pushed offer (targeting.push records it; channel systems
        # such as a relationship manager's pad may send it too). Measurement reads it.
        EventType(
            "offer_response",
            {
                "offer": (True, SLUG),
                "outcome": (
                    True,
                    choice("sent", "delivered", "open", "click", "conversion", "decline"),
                ),
                "channel": (False, text(20)),
                "message": (False, text(40)),
                "trigger": (False, SLUG),
                # The audience the message was decided in (its propensity's rollup cell).
                "audience": (False, text(80)),
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
    if len(value) > MAX_TIME_LENGTH:
        return f"at most {MAX_TIME_LENGTH} characters"
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return "expected an ISO 8601 date-time, e.g. 2026-03-07T20:30:00+08:00"
    # Checked before any arithmetic: year 1 or 9999 with an offset overflows when converted.
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        return f"out of range (years {MIN_YEAR} to {MAX_YEAR})"
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
    # First what no field may hold, wherever it is (unknown keys included): such an event is
    # refused whole, before it could reach the buffer and a database that rejects it.
    errors = hostile_values(raw)
    if errors:
        return errors
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
    # For the type checker only: every path that leaves these unset returned errors above.
    assert isinstance(at, datetime) and event_type is not None  # nosec B101
    return Event(
        id=event_id,
        type=event_type.name,
        at=at.astimezone(UTC),
        visitor=visitor,
        customer=customer,
        channel=channel,
        properties=dict(properties),
    )
