"""Audience-size estimates: how many known profiles a rule matches.

The compiled rule is evaluated over stored profiles. Visitor profiles know behaviour only;
customer profiles know profile, CRM and history only. Attributes of a request (source, geo, time,
device) are unknown in both, so conditions on them count as not met (and their ``not`` as met),
exactly as for a real visitor whose value is missing. The sample is capped at the most recently
updated profiles so an estimate stays interactive.
"""

from __future__ import annotations

import json
import logging
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from targeting.engine import rules
from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.providers import DEFAULT_PROVIDERS
from targeting.engine.providers import behaviour as behaviour_provider
from targeting.engine.providers import customer as customer_provider
from targeting.engine.providers import visitor as visitor_provider
from targeting.models import STATIC_MAX_MEMBERS, CrmMembership, Segment
from targeting.snapshot import bump_version
from targeting.tracking import buffer
from targeting.tracking.documents import behaviour_view
from targeting.tracking.models import CustomerProfile, VisitorProfile
from targeting.visitors import engine_config

SAMPLE_SIZE = 50_000
logger = logging.getLogger("targeting")

#: The sample of recent request contexts (issue 14 item 7): a Redis list, newest first.
CONTEXTS_KEY = "portal:targeting:contexts"
#: Most contexts kept, and the share of consenting page views recorded (settings override).
CONTEXTS_MAX = 20_000
CONTEXTS_RATE = 0.05
#: What a sampled context keeps: the request-side attributes the rule language reads, resolved
#: (device and geo values, never the User-Agent or the address), and nothing about the person.
SAMPLED_DEVICE = ("device.type", "device.os", "device.browser", "device.in_app")
SAMPLED_GEO = ("geo.country", "geo.region", "geo.city")
#: Families a sampled context can answer; behaviour, profile and the rest are unknown in it.
SAMPLE_PROVIDERS = {
    family: DEFAULT_PROVIDERS[family] for family in ("source", "time", "session.source", "event")
}


VISITOR_PROVIDERS = {
    "behaviour": behaviour_provider.provide_behaviour,
    "session": behaviour_provider.provide_behaviour,
    "visitor": visitor_provider.provide_visitor,
}
CUSTOMER_PROVIDERS = {
    "profile": customer_provider.provide_customer,
    "history": customer_provider.provide_customer,
    "crm": customer_provider.provide_customer,
    "listening": customer_provider.provide_customer,
}


def estimate(rule: Any, sample_size: int = SAMPLE_SIZE) -> dict[str, Any]:
    """Count matching visitor and customer profiles; raises ``RuleError`` for a bad rule."""
    live = dict(Segment.objects.filter(live=True, enabled=True).values_list("slug", "rule"))
    every = dict(Segment.objects.values_list("slug", "rule"))
    rules.validate(rule, known_segments=every)
    predicate = rules.compile_rule(rule, rules.compile_segments(live))
    config = engine_config()
    now = timezone.now()
    visitors = _estimate_visitors(predicate, config, now, sample_size)
    customers = _estimate_customers(predicate, config, now, sample_size)
    return {
        "matched": visitors["matched"] + customers["matched"],
        "total": visitors["total"] + customers["total"],
        "sampled": visitors["sampled"] + customers["sampled"],
        "visitors": visitors,
        "customers": customers,
        # Rules on source, location, time or device: the recent request contexts (item 7).
        "recent": recent_estimate(predicate),
    }


def _estimate_visitors(predicate: Any, config: Any, now: Any, sample_size: int) -> dict[str, int]:
    total = VisitorProfile.objects.count()
    rows = VisitorProfile.objects.order_by("-updated_at").values_list("data", flat=True)
    matched = sampled = 0
    for data in rows[:sample_size].iterator(chunk_size=2000):
        view = behaviour_view(data or {})
        info = RequestInfo(now=now, behaviour_loader=lambda view=view: view)
        ctx = VisitorContext(info, providers=VISITOR_PROVIDERS, config=config)
        sampled += 1
        if predicate(ctx):
            matched += 1
    return {"matched": matched, "total": total, "sampled": sampled}


def _estimate_customers(predicate: Any, config: Any, now: Any, sample_size: int) -> dict[str, int]:
    total = CustomerProfile.objects.count()
    profiles = list(CustomerProfile.objects.order_by("-updated_at")[:sample_size])
    numbers = [p.customer_number for p in profiles if p.customer_number]
    crm: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ref, code, expires in CrmMembership.objects.filter(customer_ref__in=numbers).values_list(
        "customer_ref", "code", "expires_at"
    ):
        crm[ref].append(
            {"code": code, "expires": timezone.localtime(expires).date() if expires else None}
        )
    matched = 0
    for profile in profiles:
        record = {
            "is_customer": profile.is_customer,
            "age": profile.age,
            "gender": profile.gender or None,
            "income_band": profile.income_band or None,
            "occupation": profile.occupation or None,
            "region": profile.region or None,
            "products": list(profile.products or []),
            "interests": list(profile.interests or []),
            "risk_tolerance": profile.risk_tolerance,
            "purchases": list(profile.purchases or []),
            "crm_segments": crm.get(profile.customer_number or "", []),
        }
        info = RequestInfo(now=now, customer_loader=lambda record=record: record)
        ctx = VisitorContext(info, providers=CUSTOMER_PROVIDERS, config=config)
        if predicate(ctx):
            matched += 1
    return {"matched": matched, "total": total, "sampled": len(profiles)}


def _loader(view: dict[str, Any] | None) -> Callable[[], dict[str, Any] | None]:
    return lambda: view


def freeze_members(segment: Segment, now: Any = None) -> int:
    """Refresh a static segment's members: the stored visitor profiles its rule matches now.

    The most recently updated profiles first, up to the segment's size limit (else
    ``STATIC_MAX_MEMBERS``), as ``visitor.ids`` will test them: a browser visitor id or a
    customer's profile id. Saved on the row (with the moment) and, for a live segment, put live
    at once by a new snapshot version: membership is a fact of that moment, not a draft edit.
    Returns the number of members. Raises ``RuleError`` for a rule that cannot be evaluated.
    """
    live = dict(Segment.objects.filter(live=True, enabled=True).values_list("slug", "rule"))
    live.pop(segment.slug, None)  # the static segment itself is its members, not its rule
    predicate = rules.compile_rule(segment.rule, rules.compile_segments(live))
    config = engine_config()
    now = now or timezone.now()
    limit = min(segment.static_limit or STATIC_MAX_MEMBERS, STATIC_MAX_MEMBERS)
    members: list[str] = []
    rows = VisitorProfile.objects.order_by("-updated_at").values_list("visitor_id", "data")
    for visitor_id, data in rows.iterator(chunk_size=2000):
        info = RequestInfo(
            now=now, visitor_id=visitor_id, behaviour_loader=_loader(behaviour_view(data or {}))
        )
        if predicate(VisitorContext(info, providers=VISITOR_PROVIDERS, config=config)):
            members.append(visitor_id)
            if len(members) >= limit:
                break
    Segment.objects.filter(pk=segment.pk).update(static_members=members, static_frozen_at=now)
    segment.static_members, segment.static_frozen_at = members, now
    bump_version()
    return len(members)


def record_context(visitor: Any, now: datetime | None = None) -> bool:
    """Maybe add this consenting page view's context to the recent sample (no query: one Redis
    pipeline, for about one page view in 20; nothing without Redis). Never raises."""
    rate = float(getattr(settings, "TARGETING_CONTEXT_SAMPLE_RATE", CONTEXTS_RATE))
    draw = random.random()  # a traffic sample, not a secret  # nosec B311
    if not visitor.consented or draw >= rate:
        return False
    client = buffer.client()
    if client is None:
        return False
    try:
        ctx = visitor.context
        request = visitor.request
        record = {
            "t": (now or timezone.now()).isoformat(),
            "h": ctx.info.site_host[:200],
            "u": request.get_full_path()[:500],
            "r": request.headers.get("Referer", "")[:500],
            "d": [ctx.get(name) for name in SAMPLED_DEVICE],
            "g": [ctx.get(name) for name in SAMPLED_GEO],
            "a": ctx.info.arrival,
        }
        limit = int(getattr(settings, "TARGETING_CONTEXT_SAMPLE_MAX", CONTEXTS_MAX))
        pipe = client.pipeline(transaction=False)
        pipe.lpush(CONTEXTS_KEY, json.dumps(record, ensure_ascii=False))
        pipe.ltrim(CONTEXTS_KEY, 0, limit - 1)
        pipe.execute()
    except Exception:  # Redis down, a provider failing: the page never notices
        logger.warning("targeting: could not sample the request context", exc_info=True)
        return False
    return True


def _sampled_context(record: dict[str, Any], config: Any) -> VisitorContext | None:
    at = datetime.fromisoformat(record["t"])
    host = str(record.get("h") or "localhost")
    path = str(record.get("u") or "/")
    overrides = {
        **dict(zip(SAMPLED_DEVICE, record.get("d") or [], strict=False)),
        **dict(zip(SAMPLED_GEO, record.get("g") or [], strict=False)),
    }
    info = RequestInfo(
        url=f"https://{host}{path}",
        path=path.split("?", 1)[0],
        referrer=str(record.get("r") or ""),
        now=at,
        site_host=host,
        timezone=settings.TIME_ZONE,
        arrival=record.get("a") if isinstance(record.get("a"), dict) else None,
    )
    return VisitorContext(info, providers=SAMPLE_PROVIDERS, overrides=overrides, config=config)


def recent_estimate(predicate: Any) -> dict[str, Any] | None:
    """The rule over the recent sample: ``{"matched", "sampled", "days", "percent"}``, or None
    without a sample (no Redis, nothing recorded yet)."""
    client = buffer.client()
    if client is None:
        return None
    try:
        raw = client.lrange(CONTEXTS_KEY, 0, CONTEXTS_MAX - 1)
    except Exception:
        logger.warning("targeting: the recent sample cannot be read", exc_info=True)
        return None
    config = engine_config()
    matched = sampled = 0
    first = last = None
    for item in raw:
        try:
            record = json.loads(item)
            ctx = _sampled_context(record, config)
        except (ValueError, TypeError, KeyError):  # a stale or damaged entry: skipped
            continue
        if ctx is None:
            continue
        sampled += 1
        moment = ctx.info.now
        first = moment if first is None or moment < first else first
        last = moment if last is None or moment > last else last
        if predicate(ctx):
            matched += 1
    if not sampled or first is None or last is None:
        return None
    days = max((last - first).total_seconds() / 86400, 0)
    return {
        "matched": matched,
        "sampled": sampled,
        "days": round(days, 1),
        "percent": round(100 * matched / sampled, 1),
    }
