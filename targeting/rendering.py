"""Render a placement for a request: decide, render the creative or the default, cache the HTML.

One code path for the ``{% placement %}`` tag, the ``PlacementBlock`` and the decide API. The slot
HTML is cached under (snapshot version, placement, audience key, language), never under the
visitor, so visitors of the same audience share it; only a decision involving a frequency-capped
campaign is per visitor and rendered each time. Anything that fails is logged on the "targeting"
logger and the slot shows its default content: marketing never breaks a page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from targeting.engine.decide import decide
from targeting.models import Placement
from targeting.snapshot import (
    TRANSLATIONS,
    PlacementDefault,
    TargetingSnapshot,
    get_snapshot,
    localized_payload,
    placement_default,
)
from targeting.tracking import frequency
from targeting.visitors import Visitor

logger = logging.getLogger("targeting")

SLOT_CACHE_TTL = 60 * 10
CREATIVE_TEMPLATE = "targeting/creative.html"
DEFAULT_TEMPLATE = "targeting/default.html"


@dataclass
class SlotResult:
    """What a slot shows and why (for the API and tests)."""

    placement: str
    html: SafeString
    decision: Any = None
    from_cache: bool = False
    #: Deciding failed and the default shows: right for now, not worth keeping in a page cache.
    failed: bool = False


def targeting_enabled() -> bool:
    return bool(getattr(settings, "TARGETING_ENABLED", True))


def impressions_today(
    snapshot: TargetingSnapshot, placement: str, visitor_id: str | None, now: datetime
) -> dict[Any, int] | None:
    """Today's SEEN impressions of the capped campaigns of this placement for this visitor.

    One cache read (get_many), and only when the placement has a capped campaign. The counts
    come from the event API (``targeting.tracking.frequency``): rendering a creative counts
    nothing, the beacon's report that it was seen does. None for a visitor without an id (no
    consent): they cannot be counted, so the engine does not enforce caps for them and their
    slot stays shareable by audience.
    """
    capped = snapshot.capped_campaigns.get(placement, ())
    if not capped:
        return {}
    if not visitor_id:
        return None
    slugs = {spec.id: slug for slug, spec in snapshot.engine.campaigns.items() if spec.id in capped}
    seen = frequency.seen_today(visitor_id, slugs.values(), now)
    return {cid: seen[slug] for cid, slug in slugs.items() if slug in seen}


def visitor_context(request: HttpRequest | None) -> tuple[Any, str | None]:
    """The request's engine context and visitor id (builds one when the middleware did not)."""
    visitor = getattr(request, "visitor", None) if request is not None else None
    if visitor is None and request is not None:
        visitor = Visitor(request)
        request.visitor = visitor  # type: ignore[attr-defined]
    if visitor is None:
        return None, None
    return visitor.context, visitor.id


def render_default(placement: PlacementDefault | None, decision: Any = None) -> SafeString:
    """The placement's default content; for a visitor in a campaign's holdout it carries the
    campaign and ``data-creative="holdout"``, so the beacon reports the holdout's seen views."""
    if placement is None:
        return SafeString("")
    holdout = getattr(decision, "holdout_of", None)
    context = {
        "placement": placement,
        "holdout": holdout.slug if holdout is not None else "",
        "segment": getattr(decision, "segment", "") if holdout is not None else "",
    }
    # Django's autoescaping template engine already returns a SafeString.
    return render_to_string(DEFAULT_TEMPLATE, context)


def render_creative(placement: PlacementDefault, decision: Any) -> SafeString:
    """The chosen creative in the active language (its approved translation; else as it is)."""
    context = {
        "placement": placement,
        "campaign": decision.campaign,
        "creative": decision.creative,
        "c": localized_payload(decision.creative.payload, translation.get_language()),
        # measurement: the beacon reports the segment the campaign was chosen for.
        "segment": getattr(decision, "segment", ""),
    }
    # Django's autoescaping template engine already returns a SafeString.
    return render_to_string(CREATIVE_TEMPLATE, context)


def depends_on_visitor(decision: Any, visitor_id: str | None) -> bool:
    """Whether the decision is this visitor's own: a frequency cap took part (their impressions
    count), or a split (campaigns, creatives, an experiment's holdout) was bucketed by their id.

    Such an answer is still cached as a slot under its audience key, which names the arm
    (``|pick=``), but a whole page is never cached for it (``portal.pagecache``).
    """
    if decision.per_visitor:
        return True
    return bool(visitor_id) and "|pick=" in decision.audience_key


def slot_audience_key(
    request: HttpRequest | None, placement_slug: str, now: datetime | None = None
) -> str | None:
    """What the slot shows for this request, as a key, without rendering it (never raises).

    Equal keys render equal HTML: the decision's audience key, or the placement's default when
    targeting is off or the placement is unknown. None when the answer is the visitor's own
    (``depends_on_visitor``) or deciding failed, so a page holding the slot is not shared.
    """
    try:
        if placement_slug.startswith(SEGMENT_SLOT):
            hit = segment_in(request, placement_slug[len(SEGMENT_SLOT) :])
            if hit is None:
                return None
            return f"{get_snapshot().version}|{placement_slug}|{int(hit)}"
        snapshot = get_snapshot()
        if snapshot.placements.get(placement_slug) is None:
            return f"{snapshot.version}|{placement_slug}|unknown"
        if not targeting_enabled():
            return f"{snapshot.version}|{placement_slug}|off"
        now = now or timezone.now()
        ctx, visitor_id = visitor_context(request)
        impressions = impressions_today(snapshot, placement_slug, visitor_id, now)
        decision = decide(snapshot.engine, placement_slug, ctx, now, impressions)
        if depends_on_visitor(decision, visitor_id):
            return None
        return str(decision.audience_key)
    except Exception:
        logger.exception("targeting: audience key of slot %r failed", placement_slug)
        return None


#: The page cache's name for an audience block's segment (``segment:<slug>``), noted beside the
#: placements a render showed; a placement slug has no colon, so the two never meet.
SEGMENT_SLOT = "segment:"


def segment_in(request: HttpRequest | None, slug: str) -> bool | None:
    """Whether this request's visitor is in the live segment ``slug``, from the snapshot (no
    query for an anonymous visitor; the result is memoised in the context like the engine's).

    False when targeting is off, the segment is unknown, disabled or invalid, or there is no
    request; None when evaluating failed (logged), so the caller can fail closed.
    """
    try:
        if not targeting_enabled():
            return False
        snapshot = get_snapshot()
        ctx, _visitor_id = visitor_context(request)
        if ctx is None:
            return False
        memo = ctx.segment_memo.get(slug)
        if memo is not None:
            return bool(memo)
        predicate = snapshot.engine.segments.get(slug)
        if predicate is None:
            return False
        return bool(predicate(ctx))
    except Exception:
        logger.exception("targeting: segment %r failed for an audience block", slug)
        return None


def audience_shows(
    request: HttpRequest | None, segments: list[str] | tuple[str, ...], hide: bool
) -> bool:
    """Whether an audience block shows its content: to a visitor in any of ``segments`` (or,
    with ``hide``, to a visitor in none of them). Each segment is noted for the page cache,
    which keys the page by it (``slot_audience_key``); a failed evaluation hides the content
    and keeps the page out of the shared cache."""
    matched = False
    failed = False
    for slug in segments:
        hit = segment_in(request, slug)
        _note_slot(request, SEGMENT_SLOT + slug, hit is not None)
        if hit is None:
            failed = True
        elif hit:
            matched = True
    if failed:
        return False
    return not matched if hide else matched


def note_segment(request: HttpRequest | None, slug: str) -> bool | None:
    """``segment_in``, noted for the page cache like an audience block's segment (page variants
    ask this: the page is keyed by each audience that decides which version is served)."""
    hit = segment_in(request, slug)
    _note_slot(request, SEGMENT_SLOT + slug, hit is not None)
    return hit


def _note_slot(request: HttpRequest | None, placement_slug: str, shareable: bool) -> None:
    """Tell the page cache which slots a render showed and whether each may be shared: it sets
    ``request.slots_rendered`` to a dict for pages it may store (no import either way)."""
    noted = getattr(request, "slots_rendered", None)
    if isinstance(noted, dict):
        noted[placement_slug] = noted.get(placement_slug, True) and shareable


def decide_slot(
    request: HttpRequest | None, placement_slug: str, now: datetime | None = None
) -> SlotResult:
    """Decide and render one slot for the request's visitor; never raises."""
    result = _decide_slot(request, placement_slug, now)
    decision = result.decision
    visitor_id = getattr(getattr(request, "visitor", None), "id", None)
    shareable = not result.failed and (
        decision is None or not depends_on_visitor(decision, visitor_id)
    )
    _note_slot(request, placement_slug, shareable)
    return result


def _decide_slot(
    request: HttpRequest | None, placement_slug: str, now: datetime | None = None
) -> SlotResult:
    snapshot: TargetingSnapshot | None = None
    placement: PlacementDefault | None = None
    try:
        snapshot = get_snapshot()
        # i18n: the default content in the visitor's language, from the snapshot (no query).
        placement = snapshot.placement(placement_slug, translation.get_language())
        if placement is None:
            logger.warning("targeting: unknown placement %r", placement_slug)
            return SlotResult(placement_slug, SafeString(""))
        if not targeting_enabled():
            return SlotResult(placement_slug, render_default(placement))

        now = now or timezone.now()
        ctx, visitor_id = visitor_context(request)
        impressions = impressions_today(snapshot, placement_slug, visitor_id, now)
        decision = decide(snapshot.engine, placement_slug, ctx, now, impressions)
        if decision.campaign is None or decision.creative is None:
            return SlotResult(placement_slug, render_default(placement, decision), decision)
        if decision.per_visitor:
            return SlotResult(placement_slug, render_creative(placement, decision), decision)
        key = (
            f"targeting:slot:{snapshot.version}:{placement_slug}:{decision.audience_key}:"
            f"{translation.get_language() or ''}"
        )
        html = cache.get(key)
        if html is not None:
            # Our own autoescaped render (below), kept under our key in our cache: the cache
            # stores plain str, so the mark is put back.
            safe = mark_safe(html)  # noqa: S308  # nosec B308, B703
            return SlotResult(placement_slug, safe, decision, True)
        html = render_creative(placement, decision)
        cache.set(key, str(html), SLOT_CACHE_TTL)
        return SlotResult(placement_slug, html, decision)
    except Exception:
        logger.exception("targeting: slot %r fell back to its default content", placement_slug)
        if placement is None:
            placement = _placement_from_database(placement_slug)
        try:
            return SlotResult(placement_slug, render_default(placement), failed=True)
        except Exception:
            logger.exception("targeting: default content of %r failed", placement_slug)
            return SlotResult(placement_slug, SafeString(""), failed=True)


def _placement_from_database(slug: str) -> PlacementDefault | None:
    """Last resort when the snapshot itself failed: read the placement's default directly."""
    try:
        placement = Placement.objects.in_default_locale().filter(slug=slug).first()
        return placement_default(placement) if placement else None
    except Exception:
        logger.exception("targeting: placement %r could not be read", slug)
        return None


def decision_as_dict(snapshot: TargetingSnapshot, placement: str, decision: Any) -> dict[str, Any]:
    """The decide API's shape: the engine's dict plus the creative's rendered ``html``."""
    answer = decision.as_dict()
    if decision.creative is not None and answer.get("creative") is not None:
        default = snapshot.placement(placement, translation.get_language()) or PlacementDefault(
            placement, placement, "banner", "", "", "", ""
        )
        # i18n: the creative's fields in the request's language, as its html shows them.
        answer["creative"] = {
            **answer["creative"],
            **localized_payload(decision.creative.payload, translation.get_language()),
        }
        answer["creative"].pop(TRANSLATIONS, None)
        answer["creative"]["html"] = str(render_creative(default, decision))
        answer["campaign_name"] = decision.campaign.name
    return answer


def render_placement(request: HttpRequest | None, placement_slug: str) -> SafeString:
    """The HTML of a slot for this request (the template tag and the block call this)."""
    return decide_slot(request, placement_slug).html
