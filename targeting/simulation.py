"""What the engine would do for a described visitor: the admin preview and ``POST /api/v1/simulate``.

The described request goes through the same providers as a real one; ``attributes`` override or
add values by their rule-language names. A real customer's profile is never read: there is no
customer loader, so profile, CRM and history come only from ``attributes``. A ``visitor`` id feeds
the behaviour attributes from that browser visitor's stored profile; that is personal data, so it
needs the visitors API's permission (``VISITOR_PROFILE_PERMISSION``), and only browser visitor ids
(32 letters and digits, as in the signed cookie) are accepted: a customer's folded profile
(``customer-<id>``) is never read here.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from targeting.engine.attributes import ATTRIBUTES, MAX_KEYS, coerce, vocabulary_problem
from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.decide import Snapshot
from targeting.engine.decide import decide as engine_decide_one
from targeting.engine.decide import simulate as engine_simulate
from targeting.engine.providers import DEFAULT_PROVIDERS
from targeting.models import Campaign, Creative
from targeting.rendering import decision_as_dict
from targeting.rule_messages import rule_error_text
from targeting.snapshot import TargetingSnapshot, campaign_specs, get_snapshot
from targeting.snapshot_reads import SnapshotReads, bulk_foreign_keys
from targeting.tracking.documents import behaviour_view
from targeting.tracking.folding import stored_behaviour
from targeting.visitors import engine_config

logger = logging.getLogger("targeting")

REQUEST_KEYS = ("user_agent", "referrer", "url", "ip", "at", "visitor", "headers")
#: Most headers a described request may carry (only the CDN geo headers are allowed at all).
MAX_HEADERS = 20
MAX_TEXT = 4000
#: Reading a stored visitor profile needs what the visitors API needs.
VISITOR_PROFILE_PERMISSION = "tracking.view_visitorprofile"
#: Browser visitor ids: as ``targeting.tracking.visitors.new_visitor_id`` makes and the cookie carries.
BROWSER_VISITOR_ID = re.compile(r"^[A-Za-z0-9]{32}$")
#: C0 controls (tab, line feed and carriage return included: no request field holds them), DEL, C1.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Numbers every JSON reader keeps exactly (I-JSON, RFC 7493); no attribute needs more.
MAX_NUMBER = 2**53 - 1
MAX_LIST = 200
#: Years a simulated moment may fall in (the engine's time providers work in between).
EARLIEST_AT, LATEST_AT = 1900, 2200


class SimulationForbidden(PermissionError):
    """The description asks for data the caller may not read (a stored visitor profile)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class SimulationError(ValueError):
    """A bad part of the description; ``field`` names it (``request.at``, ``attributes.x``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class UnknownPlacement(SimulationError):
    """A placement asked for does not exist (the decide API's 404, here too)."""


def _text(spec: Mapping[str, Any], key: str) -> str:
    value = spec.get(key)
    if value is None:
        return ""
    return request_text(key, value)


def request_text(key: str, value: Any) -> str:
    """A string of the described request: at most ``MAX_TEXT`` characters, no control ones."""
    if not isinstance(value, str):
        raise SimulationError(f"request.{key}", "expected a string")
    if len(value) > MAX_TEXT:
        raise SimulationError(f"request.{key}", f"longer than {MAX_TEXT} characters")
    if CONTROL_CHARACTERS.search(value):
        raise SimulationError(f"request.{key}", "control characters are not allowed")
    return value


def _check_value(field: str, value: Any, depth: int = 0) -> None:
    """Refuse what no attribute can hold: NaN, Infinity, huge numbers, control characters."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value) or abs(value) > MAX_NUMBER:
            raise SimulationError(field, f"number out of range (at most ±{MAX_NUMBER})")
    elif isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise SimulationError(field, f"longer than {MAX_TEXT} characters")
        if CONTROL_CHARACTERS.search(value):
            raise SimulationError(field, "control characters are not allowed")
    elif isinstance(value, list | tuple) and depth == 0:
        if len(value) > MAX_LIST:
            raise SimulationError(field, f"more than {MAX_LIST} values")
        for item in value:
            _check_value(field, item, depth + 1)
    else:
        raise SimulationError(field, "expected a string, number, true/false or a list of them")


def _is_whole(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _parse_url(url: str) -> tuple[str, str, Any]:
    """(url, site host, parts) of a landing URL; relative URLs land on the site's own host."""
    try:
        parts = urlsplit(url)
        site_host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
        if not site_host:
            site_host = next((h for h in settings.ALLOWED_HOSTS if h and h != "*"), "localhost")
            url = f"https://{site_host}{url if url.startswith('/') else '/' + url}"
            parts = urlsplit(url)
            parts.port  # noqa: B018
    except ValueError:
        raise SimulationError("request.url", "not a URL") from None
    return url, site_host, parts


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
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        in_range = EARLIEST_AT <= moment.astimezone(UTC).year <= LATEST_AT
    except (OverflowError, ValueError):
        in_range = False
    if not in_range:
        raise SimulationError("request.at", f"expected a year from {EARLIEST_AT} to {LATEST_AT}")
    return moment


def request_keys(spec: Mapping[str, Any]) -> None:
    """Only the documented request keys, each with a real value (absent means "as a real request
    would have it"; present must be a value)."""
    unknown = sorted(set(spec) - set(REQUEST_KEYS))
    if unknown:
        raise SimulationError(f"request.{unknown[0]}", "unknown key")
    for key, value in spec.items():
        if value is None:
            raise SimulationError(f"request.{key}", "expected a string")


def request_at(value: Any) -> datetime:
    """``request.at`` as given: an ISO 8601 date-time (an empty string is not "now")."""
    if value == "":
        raise SimulationError("request.at", "expected an ISO 8601 date-time")
    return parse_at(value)


def request_url(value: Any) -> tuple[str, str, Any]:
    """``request.url``: (absolute url, site host, its parts); see ``_parse_url``."""
    return _parse_url(request_text("url", value) or "/")


def request_ip(value: Any) -> str:
    """``request.ip``: an IPv4 or IPv6 address (surrounding spaces ignored)."""
    ip = request_text("ip", value).strip()
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        raise SimulationError("request.ip", "expected an IPv4 or IPv6 address") from None
    return ip


def request_headers(value: Any) -> dict[str, str]:
    """``request.headers``: the CDN geo headers of a described request (an allow-list: the
    configured names, case-insensitive). A described request is taken as having come through
    the trusted CDN, so the marketer previews what such a visitor gets."""
    if not isinstance(value, Mapping):
        raise SimulationError("request.headers", "expected an object of header names to values")
    if len(value) > MAX_HEADERS:
        raise SimulationError("request.headers", f"more than {MAX_HEADERS} headers")
    allowed = engine_config().cdn_header_names
    headers: dict[str, str] = {}
    for name, text in value.items():
        lowered = str(name).lower()
        if lowered not in allowed:
            raise SimulationError(
                f"request.headers.{str(name)[:60]}",
                _("not an allowed header; allowed: %s") % ", ".join(allowed),
            )
        if not isinstance(text, str):
            raise SimulationError(f"request.headers.{name}", "expected a string")
        if len(text) > 200:
            raise SimulationError(f"request.headers.{name}", "longer than 200 characters")
        if CONTROL_CHARACTERS.search(text):
            raise SimulationError(f"request.headers.{name}", "control characters are not allowed")
        headers[lowered] = text
    return headers


def request_visitor(value: Any, *, may_read_profiles: bool) -> str:
    """``request.visitor``: a browser visitor id, and the permission to read its profile."""
    visitor = request_text("visitor", value).strip()
    if not BROWSER_VISITOR_ID.match(visitor):
        raise SimulationError(
            "request.visitor",
            _(
                "expected a browser visitor id (32 letters and digits); customers' profiles "
                "cannot be simulated"
            ),
        )
    if not may_read_profiles:
        raise SimulationForbidden(
            "request.visitor",
            _("reading a stored visitor profile needs %s") % VISITOR_PROFILE_PERMISSION,
        )
    return visitor


def _check_keyed(name: str, value: Any) -> None:
    """A keyed attribute's override is an object ``{key: scalar}`` (``source.query``...)."""
    field = f"attributes.{name}"
    if not isinstance(value, Mapping):
        raise SimulationError(field, "expected an object of keys to values")
    if len(value) > MAX_KEYS:
        raise SimulationError(field, f"more than {MAX_KEYS} keys")
    for key, item in value.items():
        _check_value(field, key)
        if isinstance(item, list | tuple | Mapping):
            raise SimulationError(f"{field}.{key}", "expected a string, number or true/false")
        _check_value(f"{field}.{key}", item)
        if ATTRIBUTES[name].type == "int" and item is not None and not _is_whole(item):
            raise SimulationError(f"{field}.{key}", "expected a whole number")


def attribute_value(name: str, value: Any) -> Any:
    """An override of one attribute, as the engine reads it (``attributes.<name>``)."""
    if name not in ATTRIBUTES:
        raise SimulationError(f"attributes.{name}", "unknown attribute")
    if ATTRIBUTES[name].keyed and value is not None:
        _check_keyed(name, value)
        try:
            return coerce(name, value)
        except ValueError as exc:
            raise SimulationError(f"attributes.{name}", str(exc).split(": ", 1)[-1]) from None
    _check_value(f"attributes.{name}", value)
    if ATTRIBUTES[name].type == "int" and value is not None and not _is_whole(value):
        # The engine would read "30" as 30; the API's contract is a JSON number.
        raise SimulationError(f"attributes.{name}", "expected a whole number")
    if isinstance(value, str):
        # The preview never reports a match real traffic cannot produce (issue 14 item 6):
        # a value no provider writes (广东 as a region, iOS as an OS) is refused, naming it.
        problem = vocabulary_problem(name, value)
        if problem is not None:
            raise SimulationError(f"attributes.{name}", problem)
    try:
        return coerce(name, value)
    except ValueError as exc:
        raise SimulationError(f"attributes.{name}", str(exc).split(": ", 1)[-1]) from None


def placement_slugs(value: Any) -> list[str]:
    """``placements``: a list of strings (an unknown one is ``UnknownPlacement`` later)."""
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise SimulationError("placements", "expected a list of placement slugs")
    return list(value)


def build_context(
    request_spec: Mapping[str, Any] | None,
    attributes: Mapping[str, Any] | None,
    *,
    may_read_profiles: bool = False,
) -> tuple[VisitorContext, datetime]:
    """The engine context of a described visitor (validates every part, naming the field).

    ``may_read_profiles``: whether the caller holds ``VISITOR_PROFILE_PERMISSION``; without it a
    ``visitor`` raises ``SimulationForbidden`` before anything is read. The checks are the
    ``request_*`` and ``attribute_value`` functions above, which the API's serializer runs too.
    """
    if not isinstance(request_spec or {}, Mapping):
        raise SimulationError("request", "expected an object")
    spec = dict(request_spec or {})
    request_keys(spec)
    now = request_at(spec["at"]) if "at" in spec else parse_at(None)
    url, site_host, parts = request_url(spec.get("url", ""))
    ip = request_ip(spec["ip"]) if "ip" in spec else ""
    headers = request_headers(spec["headers"]) if "headers" in spec else {}
    visitor = (
        request_visitor(spec["visitor"], may_read_profiles=may_read_profiles)
        if "visitor" in spec
        else None
    )
    behaviour = behaviour_view(stored_behaviour(visitor)) if visitor else None
    if not isinstance(attributes or {}, Mapping):
        raise SimulationError("attributes", "expected an object")
    overrides = {name: attribute_value(name, value) for name, value in (attributes or {}).items()}
    info = RequestInfo(
        url=url,
        path=parts.path or "/",
        referrer=_text(spec, "referrer"),
        user_agent=_text(spec, "user_agent"),
        remote_addr=ip,
        now=now,
        visitor_id=visitor,
        customer_id=None,
        site_host=site_host,
        timezone=settings.TIME_ZONE,
        cdn_headers=headers,
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
    resolved = getattr(value, "resolved", None)
    if callable(resolved):  # a lazily built keyed attribute (behaviour.page_visits)
        return resolved()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    return value


#: Apps above targeting add their part of a simulation here (push: which triggers fire and
#: which offer would be pushed), from their AppConfig.ready(); targeting never imports them.
#: Each is called as ``extension(ctx, now)`` and its JSON-able answer goes under its name (None:
#: nothing to add).
SIMULATION_EXTENSIONS: dict[str, Callable[[VisitorContext, datetime], Any]] = {}


def register_extension(name: str, extension: Callable[[VisitorContext, datetime], Any]) -> None:
    """Add ``name`` to every simulation's answer (see ``SIMULATION_EXTENSIONS``)."""
    SIMULATION_EXTENSIONS[name] = extension


def _extensions(ctx: VisitorContext, now: datetime) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    for name, extension in SIMULATION_EXTENSIONS.items():
        try:
            answer = extension(ctx, now)
            if answer is not None:  # nothing to add to this simulation
                parts[name] = answer
        except Exception as error:  # a failing extension never breaks the simulation
            logger.exception("simulation extension %s failed", name)
            parts[name] = {"error": type(error).__name__}
    return parts


def simulate(
    request_spec: Mapping[str, Any] | None,
    attributes: Mapping[str, Any] | None,
    placements: list[str] | None = None,
    *,
    may_read_profiles: bool = False,
    snapshot: TargetingSnapshot | None = None,
) -> dict[str, Any]:
    """The answer of ``POST /api/v1/simulate`` (see DESIGN.md); raises ``SimulationError``.

    ``{"attributes", "segments", "decisions", "explain"}``: every resolved attribute, the matched
    segment slugs, each placement's decision as the decide API gives it (creative with its
    ``html``), and why each segment and campaign matched or not. Frequency caps are not applied
    (a described visitor has no impressions). Raises ``SimulationForbidden`` for a ``visitor``
    unless ``may_read_profiles`` (the caller holds ``VISITOR_PROFILE_PERMISSION``).
    """
    ctx, now = build_context(request_spec, attributes, may_read_profiles=may_read_profiles)
    # ``snapshot``: the preview's throwaway copy with a campaign not live yet (preview_snapshot).
    snapshot = snapshot or get_snapshot()
    if placements is None:
        slugs = sorted(snapshot.placements)
    else:
        slugs = placement_slugs(placements)
        missing = [p for p in slugs if p not in snapshot.placements]
        if missing:
            raise UnknownPlacement("placements", f"unknown placement {missing[0]!r}")

    answer = engine_simulate(snapshot.engine, ctx, slugs, now, None)
    # An invalid stored audience's reason, in the reader's language (the engine's is English).
    for slug, tree in answer["explain"].get("segments", {}).items():
        error = snapshot.engine.errors.get(slug)
        if error is not None and tree.get("node") == "invalid":
            tree["error"] = rule_error_text(error)
    decisions = {}
    for slug in slugs:
        decision = engine_decide_one(snapshot.engine, slug, ctx, now, None)
        decisions[slug] = decision_as_dict(snapshot, slug, decision)
    return {
        "attributes": {name: json_value(v) for name, v in answer["attributes"].items()},
        "segments": list(answer["segments"]),
        "decisions": decisions,
        "explain": answer["explain"],
        **_extensions(ctx, now),
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
    arm = explanation.get("arm")
    if arm and arm.get("why"):
        lines.append(_("Experiment arm: %(why)s") % {"why": arm["why"]})
    if not lines:
        lines.append(_("No live campaign uses this placement."))
    return lines


def named_reasons(
    answer: Mapping[str, Any], placement: str, names: Mapping[str, str]
) -> list[dict[str, str]]:
    """The preview's reasons with each campaign called by its name (``names``: slug to name), as
    ``{"name", "slug", "text"}`` rows; ``text`` is the engine's phrase (the template translates
    it) with a winner's slug replaced by its name. ``slug`` is empty for a line about no campaign.
    """
    explanation = answer["explain"]["campaigns"].get(placement) or {}
    rows = []
    for row in explanation.get("campaigns", []):
        slug = str(row["campaign"])
        if row["chosen"]:
            text = _("chosen (priority %(priority)s)") % {"priority": row["priority"]}
        else:
            text = str(row["reason"])
            for prefix in ("lower priority than ", "lost the weighted split to "):
                if text.startswith(prefix):
                    winner = text[len(prefix) :]
                    text = prefix + names.get(winner, winner)
        rows.append({"name": names.get(slug, slug), "slug": slug, "text": text})
    arm = explanation.get("arm")
    if arm and arm.get("why"):
        rows.append(
            {"name": "", "slug": "", "text": _("Experiment arm: %(why)s") % {"why": arm["why"]}}
        )
    if not rows:
        rows.append({"name": "", "slug": "", "text": _("No live campaign uses this placement.")})
    return rows


# A throwaway snapshot for the preview as a visitor with one campaign that is not live yet: a
# marketer who submitted a campaign, or the compliance reviewer reviewing it, sees how it would be
# decided before it is approved. The campaign is read from its latest revision with its creatives
# as they are now (their latest revisions) and added to a copy of the live snapshot's campaigns.
# The copy lives for the one request: the live snapshot, its version, the page cache and
# measurement are never touched (nothing is stored or bumped here).


def latest_campaign(campaign: Campaign) -> Any:
    """The campaign as its latest revision holds it (the row itself when it has none)."""
    revision = campaign.latest_revision
    return revision.as_object() if revision is not None else campaign


def _creative_now(creative: Creative) -> dict[str, Any]:
    revision = creative.latest_revision
    if revision is not None:
        return dict(revision.content)
    return creative.serializable_data()


def preview_snapshot(campaign: Campaign) -> TargetingSnapshot:
    """A copy of the live snapshot with ``campaign`` as it would be once approved."""
    base = get_snapshot()
    draft = latest_campaign(campaign)
    links = list(draft.campaign_creatives.all())
    for link in links:
        # The creative as it is now stands in for the copy compliance would approve.
        link.approved_content = _creative_now(link.creative)
        link.approved_translations = None
    draft.paused = False
    reads = SnapshotReads.load(Creative, (link.approved_content for link in links))
    with bulk_foreign_keys(reads.related):
        specs, capped = campaign_specs([draft], reads)
    others = [spec for slug, spec in base.engine.campaigns.items() if slug != campaign.slug]
    version = f"{base.version}+preview-{campaign.pk}"
    engine = Snapshot.build(base.engine.segment_rules, [*others, *specs], version)
    capped_campaigns = {k: tuple(v) for k, v in base.capped_campaigns.items()}
    for slug, ids in capped.items():
        capped_campaigns[slug] = tuple({*capped_campaigns.get(slug, ()), *ids})
    return dataclasses.replace(
        base, version=version, engine=engine, capped_campaigns=capped_campaigns
    )
