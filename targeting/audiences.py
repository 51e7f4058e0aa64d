"""Audience-size estimates: how many known profiles a rule matches.

The compiled rule is evaluated over stored profiles. Visitor profiles know behaviour only;
customer profiles know profile, CRM and history only. Attributes of a request (source, geo, time,
device) are unknown in both, so conditions on them count as not met (and their ``not`` as met),
exactly as for a real visitor whose value is missing. The sample is capped at the most recently
updated profiles so an estimate stays interactive.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from targeting.engine import rules
from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.providers import DEFAULT_PROVIDERS
from targeting.engine.providers import behaviour as behaviour_provider
from targeting.engine.providers import customer as customer_provider
from targeting.engine.providers import visitor as visitor_provider
from targeting.models import STATIC_MAX_MEMBERS, CrmMembership, Segment
from targeting.snapshot import bump_version, current_version, get_snapshot
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


#: Visitors who matched each live audience (issue 14 item 7): one HyperLogLog per segment and
#: day (site time zone) of the visitor ids, so a distinct count over any run of days is one
#: ``PFCOUNT`` of the day keys (about 12 KB per segment and day at most, error about 0.8%).
MATCHED_KEY = "portal:targeting:matched:{slug}:{day}"
#: A day's key outlives the longest window shown.
MATCHED_TTL = 31 * 24 * 3600
MATCHED_WINDOWS = (7, 30)
#: Counts read for the listing and the edit page are kept this long (seconds).
MATCHED_CACHE_TTL = 300
#: After Redis failed, pages stop trying it for this long (seconds): a page must never wait for
#: a connection timeout on every view while Redis is down.
REDIS_RETRY_AFTER = 5.0
_redis_down_until = 0.0

#: What this process last counted per visitor and day: (visitor id, day) -> the matched set's
#: digest. A visitor's next page view that matches the same audiences adds nothing to any
#: HyperLogLog, so its Redis call (most of the cost at 1,000 live audiences) is skipped.
#: Bounded: the oldest entries go first; a forgotten visitor is simply counted again.
COUNTED_MAX = 20_000
_counted: OrderedDict[tuple[str, str], str] = OrderedDict()
_counted_lock = threading.Lock()


def _already_counted(key: tuple[str, str], digest: str) -> bool:
    with _counted_lock:
        if _counted.get(key) == digest:
            _counted.move_to_end(key)
            return True
        return False


def _remember_counted(key: tuple[str, str], digest: str) -> None:
    with _counted_lock:
        _counted[key] = digest
        _counted.move_to_end(key)
        while len(_counted) > COUNTED_MAX:
            _counted.popitem(last=False)


#: One call for all of a page view's audiences: a pipeline of ``PFADD`` + ``EXPIRE`` per
#: segment costs about 6 ms of client time for 170 matched segments, the script 0.2 ms. Its keys
#: need one Redis (as the event buffer's script does), not a cluster.
_COUNT_SCRIPT = """
local ttl = tonumber(ARGV[2])
for i = 1, #KEYS do
  -- 1 when the key is new or the visitor changed it; else nothing to renew
  if redis.call('PFADD', KEYS[i], ARGV[1]) == 1 then
    redis.call('EXPIRE', KEYS[i], ttl)
  end
end
return #KEYS
"""
_count_script: Any = None
_count_script_client: Any = None


def _counter(client: Any) -> Any:
    """The counting script, registered once per Redis client (loaded by the first call)."""
    global _count_script, _count_script_client
    if _count_script is None or _count_script_client is not client:
        _count_script = client.register_script(_COUNT_SCRIPT)
        _count_script_client = client
    return _count_script


def _redis() -> Any:
    """The tracking Redis, or None without one or while it is marked down."""
    if time.monotonic() < _redis_down_until:
        return None
    return buffer.client()


def _redis_failed(what: str) -> None:
    global _redis_down_until
    _redis_down_until = time.monotonic() + REDIS_RETRY_AFTER
    logger.warning("targeting: %s (Redis unavailable; retried in %.0f s)", what, REDIS_RETRY_AFTER)


def reset_redis_state() -> None:
    """Forget that Redis was down (tests)."""
    global _redis_down_until
    _redis_down_until = 0.0
    with _counted_lock:
        _counted.clear()


def _day(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y%m%d")


def _context_record(visitor: Any, now: datetime) -> dict[str, Any]:
    """What the recent sample keeps of a page view: the request-side attributes, resolved."""
    ctx = visitor.context
    request = visitor.request
    return {
        "t": now.isoformat(),
        "h": ctx.info.site_host[:200],
        "u": request.get_full_path()[:500],
        "r": request.headers.get("Referer", "")[:500],
        "d": [ctx.get(name) for name in SAMPLED_DEVICE],
        "g": [ctx.get(name) for name in SAMPLED_GEO],
        "a": ctx.info.arrival,
    }


def matched_live_segments(visitor: Any) -> list[str]:
    """Every live segment this visitor is in on this page view, with no query: segments the
    page answered are reused and profiles come from the cache alone (unknown when not there)."""
    segments = get_snapshot().engine.segments
    ctx = visitor.context_without_queries()
    return [slug for slug, predicate in segments.items() if predicate(ctx)]


def record_page_view(visitor: Any, now: datetime | None = None) -> None:
    """After a consenting HTML page view: count the visitor in each live audience matched today
    and, for about one view in 20, add the view's context to the recent sample.

    One Redis call (a script adding the visitor to each matched audience's day), plus a
    pipeline for a sampled view; no query; nothing without consent or Redis. Never raises: a
    failure is logged and Redis is left alone for a few seconds.
    """
    if not visitor.consented or not visitor.id:
        return
    client = _redis()
    if client is None:
        return
    now = now or timezone.now()
    rate = float(getattr(settings, "TARGETING_CONTEXT_SAMPLE_RATE", CONTEXTS_RATE))
    sampled = random.random() < rate  # a traffic sample, not a secret  # nosec B311
    counting = bool(getattr(settings, "TARGETING_MATCH_COUNTS", True))
    try:
        record = _context_record(visitor, now) if sampled else None
        matched = matched_live_segments(visitor) if counting else []
    except Exception:  # a provider, a rule: the page never notices
        logger.warning("targeting: could not describe the page view", exc_info=True)
        return
    if record is None and not matched:
        return
    counted: tuple[tuple[str, str], str] | None = None
    day = _day(now)
    if matched:
        digest = hashlib.blake2b("\n".join(matched).encode(), digest_size=8).hexdigest()
        counted = ((str(visitor.id), day), digest)
        if _already_counted(*counted):
            matched = []
    if record is None and not matched:
        return
    try:
        if matched:
            keys = [MATCHED_KEY.format(slug=slug, day=day) for slug in matched]
            _counter(client)(keys=keys, args=[visitor.id, MATCHED_TTL])
            if counted is not None:
                _remember_counted(*counted)
        if record is not None:
            limit = int(getattr(settings, "TARGETING_CONTEXT_SAMPLE_MAX", CONTEXTS_MAX))
            pipe = client.pipeline(transaction=False)
            pipe.lpush(CONTEXTS_KEY, json.dumps(record, ensure_ascii=False))
            pipe.ltrim(CONTEXTS_KEY, 0, limit - 1)
            pipe.execute()
    except Exception:
        _redis_failed("could not record the page view for audience sizes")


def matched_counts(
    slugs: Iterable[str], now: datetime | None = None
) -> dict[str, dict[int, int]] | None:
    """Distinct visitors who matched each segment over the last 7 and 30 days (today included),
    by slug: ``{slug: {7: n, 30: m}}``. ``PFCOUNT`` of the day keys in one pipeline, kept in the
    cache for a few minutes. None when the counts cannot be read (no Redis, Redis down)."""
    slugs = list(dict.fromkeys(slugs))
    if not slugs:
        return {}
    today = timezone.localtime(now or timezone.now()).date()
    cache_keys = {slug: f"targeting:matched-counts:{slug}:{today:%Y%m%d}" for slug in slugs}
    found = cache.get_many(list(cache_keys.values()))
    result: dict[str, dict[int, int]] = {}
    missing = []
    for slug, key in cache_keys.items():
        if isinstance(found.get(key), dict):
            result[slug] = found[key]
        else:
            missing.append(slug)
    if not missing:
        return result
    client = _redis()
    if client is None:
        return None
    days = [(today - timedelta(days=n)).strftime("%Y%m%d") for n in range(max(MATCHED_WINDOWS))]
    try:
        pipe = client.pipeline(transaction=False)
        for slug in missing:
            for window in MATCHED_WINDOWS:
                pipe.pfcount(*[MATCHED_KEY.format(slug=slug, day=d) for d in days[:window]])
        answers = iter(pipe.execute())
    except Exception:
        _redis_failed("could not read the matched-visitor counts")
        return None
    fresh: dict[str, dict[int, int]] = {}
    for slug in missing:
        counts = {window: int(next(answers)) for window in MATCHED_WINDOWS}
        result[slug] = fresh[cache_keys[slug]] = counts
    cache.set_many(fresh, MATCHED_CACHE_TTL)
    return result


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


def _recent_contexts() -> list[VisitorContext] | None:
    """The recent sample as contexts (damaged entries skipped); None when it cannot be read."""
    client = _redis()
    if client is None:
        return None
    try:
        raw = client.lrange(CONTEXTS_KEY, 0, CONTEXTS_MAX - 1)
    except Exception:
        _redis_failed("the recent sample cannot be read")
        return None
    config = engine_config()
    contexts = []
    for item in raw:
        try:
            record = json.loads(item)
            ctx = _sampled_context(record, config)
        except (ValueError, TypeError, KeyError, AttributeError):  # stale or damaged: skipped
            continue
        if ctx is not None:
            contexts.append(ctx)
    return contexts


def _shares(
    predicates: Mapping[str, Any], contexts: list[VisitorContext]
) -> dict[str, dict[str, Any] | None]:
    """Each predicate's share of the sampled contexts (one pass; a context's memo of segment
    answers serves every predicate)."""
    if not contexts:
        return dict.fromkeys(predicates)
    moments = [ctx.info.now for ctx in contexts]
    span = max((max(moments) - min(moments)).total_seconds(), 0)
    days, hours = round(span / 86400, 1), round(span / 3600)
    matched = dict.fromkeys(predicates, 0)
    for ctx in contexts:
        for key, predicate in predicates.items():
            if predicate(ctx):
                matched[key] += 1
    sampled = len(contexts)
    return {
        key: {
            "matched": hits,
            "sampled": sampled,
            "days": days,
            "hours": hours,
            "percent": round(100 * hits / sampled, 1),
        }
        for key, hits in matched.items()
    }


def recent_estimate(predicate: Any) -> dict[str, Any] | None:
    """The rule over the recent sample: ``{"matched", "sampled", "days", "hours", "percent"}``
    (the sample's span in days and in whole hours), or None
    without a sample (no Redis, nothing recorded yet)."""
    contexts = _recent_contexts()
    if not contexts:
        return None
    return _shares({"rule": predicate}, contexts)["rule"]


#: The listing's shares are kept this long (seconds), per rule and snapshot version.
SHARES_CACHE_TTL = 600


def recent_shares(rules_by_slug: Mapping[str, Any]) -> dict[str, dict[str, Any] | None]:
    """The recent sample's share of each segment's rule (``slug -> rule``), for the audience
    listing: cached per rule and snapshot version, the missing ones computed in one pass over
    the sample. A slug maps to None when its rule cannot be evaluated or there is no sample."""
    version = current_version()
    keys = {
        slug: "targeting:recent-share:"
        + hashlib.sha256(
            (version + json.dumps(rule, sort_keys=True, default=str)).encode()
        ).hexdigest()
        for slug, rule in rules_by_slug.items()
    }
    found = cache.get_many(list(keys.values()))
    result: dict[str, dict[str, Any] | None] = {}
    missing: dict[str, Any] = {}
    for slug, key in keys.items():
        if isinstance(found.get(key), dict):
            result[slug] = found[key]["share"]
        else:
            missing[slug] = rules_by_slug[slug]
    if not missing:
        return result
    live = get_snapshot().engine.segments
    predicates = {}
    for slug, rule in missing.items():
        try:
            predicates[slug] = rules.compile_rule(rule, live)
        except Exception:  # a rule the engine refuses: shown as unknown, never a broken page
            result[slug] = None
    contexts = _recent_contexts()
    if contexts is None:
        return {**result, **dict.fromkeys(predicates)}
    shares = _shares(predicates, contexts)
    result.update(shares)
    if contexts:
        cache.set_many(
            {keys[slug]: {"share": share} for slug, share in shares.items()}, SHARES_CACHE_TTL
        )
    return result
