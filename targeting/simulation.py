"""What the engine would do for a described visitor: the admin preview and ``POST /api/v1/simulate``.

The described request goes through the same providers as a real one; ``attributes`` override or
add values by their rule-language names. A real customer's profile is never read: there is no
customer loader, so profile, CRM and history come only from ``attributes``. A ``visitor`` id feeds
the behaviour attributes from that visitor's stored profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from targeting.engine.attributes import ATTRIBUTES, coerce
from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.decide import decide as engine_decide_one
from targeting.engine.decide import simulate as engine_simulate
from targeting.engine.providers import DEFAULT_PROVIDERS

REQUEST_KEYS = ("user_agent", "referrer", "url", "ip", "at", "visitor")
MAX_TEXT = 4000


class SimulationError(ValueError):
    """A bad part of the description; ``field`` names it (``request.at``, ``attributes.x``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _text(spec: Mapping[str, Any], key: str) -> str:
    value = spec.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SimulationError(f"request.{key}", "expected a string")
    if len(value) > MAX_TEXT:
        raise SimulationError(f"request.{key}", f"longer than {MAX_TEXT} characters")
    return value


def parse_at(value: Any) -> datetime:
    """An ISO 8601 time; a time without an offset is in the site's time zone."""
    if value in (None, ""):
        return timezone.now()
    if not isinstance(value, str):
        raise SimulationError("request.at", "expected an ISO 8601 date-time")
    try:
        moment = parse_datetime(value.strip())
    except ValueError:
        moment = None
    if moment is None:
        raise SimulationError("request.at", "expected an ISO 8601 date-time, e.g. 2026-03-07T20:30")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def build_context(
    request_spec: Mapping[str, Any] | None, attributes: Mapping[str, Any] | None
) -> tuple[VisitorContext, datetime]:
    """The engine context of a described visitor (validates every part, naming the field)."""
    from targeting.profiles import behaviour_view, stored_behaviour
    from targeting.visitors import engine_config

    spec = dict(request_spec or {})
    if not isinstance(request_spec or {}, Mapping):
        raise SimulationError("request", "expected an object")
    unknown = sorted(set(spec) - set(REQUEST_KEYS))
    if unknown:
        raise SimulationError(f"request.{unknown[0]}", "unknown key")
    now = parse_at(spec.get("at"))
    url = _text(spec, "url") or "/"
    parts = urlsplit(url)
    site_host = parts.hostname or ""
    if not site_host:
        site_host = next((h for h in settings.ALLOWED_HOSTS if h and h != "*"), "localhost")
        url = f"https://{site_host}{url if url.startswith('/') else '/' + url}"
        parts = urlsplit(url)
    ip = _text(spec, "ip").strip()
    if ip:
        import ipaddress

        try:
            ipaddress.ip_address(ip)
        except ValueError:
            raise SimulationError("request.ip", "expected an IPv4 or IPv6 address") from None
    visitor = _text(spec, "visitor").strip() or None
    behaviour = behaviour_view(stored_behaviour(visitor)) if visitor else None
    overrides: dict[str, Any] = {}
    if not isinstance(attributes or {}, Mapping):
        raise SimulationError("attributes", "expected an object")
    for name, value in (attributes or {}).items():
        if name not in ATTRIBUTES:
            raise SimulationError(f"attributes.{name}", "unknown attribute")
        try:
            overrides[name] = coerce(name, value)
        except ValueError as exc:
            raise SimulationError(f"attributes.{name}", str(exc).split(": ", 1)[-1]) from None
    info = RequestInfo(
        url=url,
        path=parts.path or "/",
        referrer=_text(spec, "referrer"),
        user_agent=_text(spec, "user_agent"),
        remote_addr=ip,
        forwarded_for="",
        now=now,
        visitor_id=visitor,
        customer_id=None,
        site_host=site_host,
        timezone=settings.TIME_ZONE,
        behaviour_loader=(lambda: behaviour) if visitor else None,
        # Deliberately none: a simulation must never read a real customer's record.
        customer_loader=None,
    )
    context = VisitorContext(
        info, providers=DEFAULT_PROVIDERS, overrides=overrides, config=engine_config()
    )
    return context, now


def json_value(value: Any) -> Any:
    """Make an attribute value JSON-able (dates as ISO strings, sets as sorted lists)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    return value


def simulate(
    request_spec: Mapping[str, Any] | None,
    attributes: Mapping[str, Any] | None,
    placements: list[str] | None = None,
) -> dict[str, Any]:
    """The answer of ``POST /api/v1/simulate`` (see DESIGN.md); raises ``SimulationError``.

    ``{"attributes", "segments", "decisions", "explain"}``: every resolved attribute, the matched
    segment slugs, each placement's decision as the decide API gives it (creative with its
    ``html``), and why each segment and campaign matched or not. Frequency caps are not applied
    (a described visitor has no impressions).
    """
    from targeting.rendering import decision_as_dict
    from targeting.snapshot import get_snapshot

    ctx, now = build_context(request_spec, attributes)
    snapshot = get_snapshot()
    if placements is None:
        slugs = sorted(snapshot.placements)
    else:
        if not isinstance(placements, list) or not all(isinstance(p, str) for p in placements):
            raise SimulationError("placements", "expected a list of placement slugs")
        missing = [p for p in placements if p not in snapshot.placements]
        if missing:
            raise SimulationError("placements", f"unknown placement {missing[0]!r}")
        slugs = list(placements)

    answer = engine_simulate(snapshot.engine, ctx, slugs, now, None)
    decisions = {}
    for slug in slugs:
        decision = engine_decide_one(snapshot.engine, slug, ctx, now, None)
        decisions[slug] = decision_as_dict(snapshot, slug, decision)
    return {
        "attributes": {name: json_value(v) for name, v in answer["attributes"].items()},
        "segments": list(answer["segments"]),
        "decisions": decisions,
        "explain": answer["explain"],
    }


def reasons(answer: Mapping[str, Any], placement: str) -> list[str]:
    """Readable lines saying why a placement shows what it shows (for the preview page)."""
    explanation = answer["explain"]["campaigns"].get(placement) or {}
    lines = []
    for row in explanation.get("campaigns", []):
        if row["chosen"]:
            lines.append(
                _("%(campaign)s: chosen (priority %(priority)s)")
                % {"campaign": row["campaign"], "priority": row["priority"]}
            )
        else:
            lines.append(f"{row['campaign']}: {row['reason']}")
    if not lines:
        lines.append(_("No live campaign uses this placement."))
    return lines
