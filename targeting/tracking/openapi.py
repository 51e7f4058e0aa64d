"""The event API in the published OpenAPI document, built from the rules that enforce it.

``POST /api/v1/events`` is a plain Django view (the beacon's ``sendBeacon`` posts without a CSRF
token and DRF's request handling would change its answers), so drf-spectacular cannot see it.
This postprocessing hook adds the operation with its real request and answer shapes, generated
from ``targeting.tracking.schema``: the event types, each type's properties and each property's
validator (``schema.described``). A change to an event type changes the document with it.

What JSON Schema cannot state stays in the descriptions: an event's time must lie within the
last ``MAX_PAST`` days and at most ``MAX_FUTURE`` ahead, a browser names neither visitor nor
customer, and a batch is answered per event (200 with ``rejected`` unless every event is refused).
"""

from __future__ import annotations

from typing import Any

from targeting.tracking.schema import (
    CHANNELS,
    CUSTOMER_PATTERN,
    EVENT_TYPES,
    ID_PATTERN,
    MAX_BATCH_EVENTS,
    MAX_BODY_BYTES,
    MAX_TIME_LENGTH,
    VISITOR_PATTERN,
    json_schema_of,
)

EVENTS_PATH = "/api/v1/events"
#: The answers' ``error`` codes (``targeting.tracking.views``), by HTTP status.
ERROR_CODES = {
    "400": ["bad_batch", "rejected"],
    "401": ["not_authenticated"],
    "403": ["permission_denied", "cross_origin", "consent_required"],
    "405": ["method_not_allowed"],
    "413": ["too_large"],
    "415": ["unsupported_media_type"],
    "429": ["rate_limited"],
}
DESCRIPTIONS = {
    "400": "The body is not a batch (`bad_batch`), or every event was refused (`rejected`, "
    "with the same per-event answer as a 200).",
    "401": "`Authorization` names an unknown, expired or revoked token.",
    "403": "A token without `tracking.add_event`; a browser batch from another site "
    "(`cross_origin`) or without analytics consent (`consent_required`, also under Global "
    "Privacy Control or Do Not Track).",
    "405": "Only POST (`Allow: POST`).",
    "413": f"The body is larger than {MAX_BODY_BYTES} bytes.",
    "415": "The body is neither `application/json` nor `text/plain` (the beacon's type).",
    "429": "Too many batches from this system, address or visitor; see `Retry-After`.",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def event_schema(type_name: str) -> dict[str, Any]:
    """One event of ``type_name`` as a channel system sends it."""
    event_type = EVENT_TYPES[type_name]
    properties = {
        name: json_schema_of(check) for name, (_r, check) in event_type.properties.items()
    }
    required = [name for name, (is_required, _c) in event_type.properties.items() if is_required]
    properties_schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "nullable": not required,
    }
    if required:
        properties_schema["required"] = required
    return {
        "type": "object",
        "title": type_name,
        "properties": {
            "id": {
                "type": "string",
                "pattern": ID_PATTERN.pattern,
                "description": "The client's id: a retried batch counts each event once.",
            },
            "type": {"type": "string", "enum": [type_name]},
            "at": {
                "type": "string",
                "format": "date-time",
                "maxLength": MAX_TIME_LENGTH,
                "description": "ISO 8601; without an offset it is in the site's time zone. "
                "At most 5 minutes ahead of the server clock and at most "
                "TRACKING_MAX_EVENT_AGE_DAYS (7) old.",
            },
            "visitor": {"type": "string", "pattern": VISITOR_PATTERN.pattern},
            "customer": {"type": "string", "pattern": CUSTOMER_PATTERN.pattern},
            "channel": {"type": "string", "enum": list(CHANNELS), "default": "web"},
            "properties": properties_schema,
        },
        "required": ["id", "type", "at"] + (["properties"] if required else []),
        # A channel system's event belongs to a browser visitor or a customer (or both).
        "anyOf": [{"required": ["visitor"]}, {"required": ["customer"]}],
    }


def components() -> dict[str, Any]:
    """The schemas of the event API's request and answers."""
    rejection = {
        "type": "object",
        "properties": {
            "index": {"type": "integer", "description": "Position of the event in `events`."},
            "id": {
                "type": "string",
                "nullable": True,
                "description": "The event's id when it was a well-formed one.",
            },
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": 'Each refused field and why, e.g. {"properties.query": "required"}.',
            },
            "detail": {"type": "string"},
        },
        "required": ["index", "id", "errors", "detail"],
    }
    ids = {"type": "array", "items": {"type": "string"}}
    answer = {
        "type": "object",
        "properties": {
            "accepted": {**ids, "description": "Ids of the events stored."},
            "rejected": {"type": "array", "items": _ref("EventRejection")},
            "duplicates": {**ids, "description": "Ids already received (counted once)."},
        },
        "required": ["accepted", "rejected", "duplicates"],
    }
    problem = {
        "type": "object",
        "properties": {
            "error": {
                "type": "string",
                "enum": sorted({c for v in ERROR_CODES.values() for c in v}),
            },
            "detail": {"type": "string"},
            "accepted": ids,
            "rejected": {"type": "array", "items": _ref("EventRejection")},
            "duplicates": ids,
        },
        "required": ["error", "detail"],
    }
    batch = {
        "type": "object",
        "description": "A batch of events. A browser's batch (the beacon, identified by its "
        "visitor cookie, only with analytics consent and only from this site) names no "
        "visitor or customer and only web types; a channel system's (`Authorization: Token`, "
        "permission `tracking.add_event`) names the visitor or customer of each event.",
        "properties": {
            "events": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_BATCH_EVENTS,
                "items": {"oneOf": [_ref(_event_component(name)) for name in EVENT_TYPES]},
            }
        },
        "required": ["events"],
    }
    schemas = {_event_component(name): event_schema(name) for name in EVENT_TYPES}
    schemas.update(
        {
            "EventBatchRequest": batch,
            "EventBatchAnswer": answer,
            "EventRejection": rejection,
            "EventProblem": problem,
        }
    )
    return schemas


def _event_component(type_name: str) -> str:
    return "Event" + "".join(part.capitalize() for part in type_name.split("_"))


def operation() -> dict[str, Any]:
    """``POST /api/v1/events`` as an OpenAPI operation."""
    json_of = {"application/json": {"schema": _ref("EventProblem")}}
    responses: dict[str, Any] = {
        "200": {
            "description": "Each event accepted, rejected (with why) or a duplicate.",
            "content": {"application/json": {"schema": _ref("EventBatchAnswer")}},
        }
    }
    for code, description in DESCRIPTIONS.items():
        responses[code] = {"description": description, "content": json_of}
    responses["405"]["headers"] = {"Allow": {"schema": {"type": "string"}}}
    responses["429"]["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
    return {
        "operationId": "events_ingest",
        "summary": "Send a batch of events",
        "description": "Impressions, clicks and page views from the site's beacon, and the "
        "events of channel systems (app, ATM, POS, branch, call centre). The beacon may send "
        "the same JSON as `text/plain` (`navigator.sendBeacon`). See docs/tracking.md.",
        "tags": ["events"],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _ref("EventBatchRequest")}},
        },
        "security": [{"tokenAuth": []}, {"visitorCookie": []}],
        "responses": responses,
    }


def add_event_api(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: document ``POST /api/v1/events``."""
    result.setdefault("paths", {})[EVENTS_PATH] = {"post": operation()}
    result.setdefault("components", {}).setdefault("schemas", {}).update(components())
    result["components"].setdefault("securitySchemes", {})["visitorCookie"] = {
        "type": "apiKey",
        "in": "cookie",
        "name": "vid",
        "description": "The signed visitor cookie the site sets once analytics consent is given.",
    }
    result["paths"] = dict(sorted(result["paths"].items()))
    return result
