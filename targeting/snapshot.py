"""The in-process snapshot of everything live in targeting, rebuilt only when a publish bumps a version.

The version key lives in the shared cache (Redis in production), so a publish on one app server
reaches every other within a second. A process checks the key at most once per second (a local
timestamp), so a request usually costs no cache round trip, and never a database query once warm.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from wagtail.models import Locale

from targeting.approval import approved_creative, approved_translations
from targeting.engine.decide import CampaignSpec, CreativeSpec, Snapshot, collector_paused
from targeting.engine.suitability import risk_number
from targeting.models import Campaign, CampaignCreative, Creative, Placement, Segment
from targeting.rule_validation import compiled_rule
from targeting.snapshot_reads import SnapshotReads, bulk_foreign_keys
from targeting.variants.snapshot import VariantMap, build_variant_map

if TYPE_CHECKING:
    from targeting.engine.decide import Snapshot

logger = logging.getLogger("targeting")

VERSION_KEY = "targeting:snapshot-version"
#: How long a process trusts its snapshot before it looks at the version key again.
CHECK_INTERVAL = 1.0

DESKTOP_RENDITION = "fill-1200x400"
MOBILE_RENDITION = "fill-750x750"


@dataclass(frozen=True)
class PlacementDefault:
    """A placement's default content, held in the snapshot so a fallback costs no query."""

    slug: str
    name: str
    kind: str
    headline: str
    body: str
    link_label: str
    link_url: str


@dataclass
class TargetingSnapshot:
    """The engine's snapshot plus what the Django side needs to render a slot."""

    version: str
    engine: Snapshot
    placements: dict[str, PlacementDefault] = field(default_factory=dict)
    capped_campaigns: dict[str, tuple[int, ...]] = field(default_factory=dict)
    #: Default content of the placements' translations: language code -> slug -> content.
    placement_translations: dict[str, dict[str, PlacementDefault]] = field(default_factory=dict)
    #: Segments that stay matched for the visit once matched (issue 14 item 3).
    visit_segments: frozenset[str] = frozenset()
    #: Page variants (issue 14 item 5b): which page is served instead of which, to whom.
    variants: VariantMap = field(default_factory=VariantMap)

    def placement(self, slug: str, language: str | None = None) -> PlacementDefault | None:
        """The placement's default content in ``language``, else in the default language."""
        if language:
            translated = self.placement_translations.get(language.lower(), {}).get(slug)
            if translated is not None:
                return translated
        return self.placements.get(slug)


#: Key of a creative payload holding its approved translations (language code -> payload).
TRANSLATIONS = "translations"


def localized_payload(payload: Any, language: str | None) -> dict[str, Any]:
    """A creative's payload in ``language`` when compliance approved a translation into it,
    else its own; never with the translations themselves (the API answers one language)."""
    translations = payload.get(TRANSLATIONS) or {}
    chosen = translations.get((language or "").lower()) or payload
    return {key: value for key, value in chosen.items() if key != TRANSLATIONS}


_lock = threading.Lock()
_state: dict[str, Any] = {
    "snapshot": None,
    "checked_at": 0.0,
    # This process published: its next request builds at once, so the editor who published sees
    # it on the next page (and tests see their own writes).
    "published_here": False,
    # The newest version this process has seen in the cache.
    "seen": None,
    # The version a thread is building aside, if any, and the thread.
    "building": None,
    "builder": None,
}


def current_version() -> str:
    """The shared version token, created when the cache has none (first start, flushed cache)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY) or "uncached"
    return str(version)


def bump_version() -> None:
    """Tell every process to rebuild, once the current transaction has committed."""

    def _bump() -> None:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        # This process need not wait for its next check to see its own publish.
        _state["checked_at"] = 0.0
        _state["published_here"] = True

    transaction.on_commit(_bump)


def get_snapshot() -> TargetingSnapshot:
    """The live snapshot, rebuilt when the version key changed (checked at most once a second).

    A process without a snapshot, or the one whose own publish changed the version, builds at
    once. Any other process builds the new version aside, in a thread, and keeps answering with
    the snapshot it has until the new one is swapped in (one reference, replaced atomically): a
    publish elsewhere never makes a visitor's request wait for a rebuild (issue 13 item 6).
    """
    snapshot: TargetingSnapshot | None = _state["snapshot"]
    now = time.monotonic()
    if snapshot is not None and now - _state["checked_at"] < CHECK_INTERVAL:
        return snapshot
    if snapshot is not None and not _state["published_here"]:
        _state["checked_at"] = now
        version = _state["seen"] = current_version()
        if snapshot.version != version:
            _build_aside(version)
        return snapshot
    with _lock:
        snapshot = _state["snapshot"]
        version = current_version()
        if snapshot is None or snapshot.version != version:
            snapshot = build_snapshot(version)
            _state["snapshot"] = snapshot
        _state["checked_at"] = time.monotonic()
        _state["published_here"] = False
    return snapshot


def _build_aside(version: str) -> None:
    """Build ``version`` in a daemon thread (one at a time) and swap it in when it is ready."""
    with _lock:
        if _state["building"] is not None:
            return  # a build is under way; a newer version is picked up at the next check
        _state["building"] = version
        builder = threading.Thread(
            target=_build_and_swap, args=(version,), name="targeting-snapshot", daemon=True
        )
        _state["builder"] = builder
    builder.start()


def wait_for_build(timeout: float = 120.0) -> None:
    """Wait for a snapshot being built aside to be swapped in (tests, benchmarks)."""
    builder = _state.get("builder")
    if builder is not None:
        builder.join(timeout)


def _build_and_swap(version: str) -> None:
    try:
        fresh = build_snapshot(version)
        with _lock:
            current = _state["snapshot"]
            # reset() or a publish in this process may have replaced it meanwhile, or the
            # version moved on while this one was built: then keep what serves.
            if current is not None and current.version != version and _state["seen"] == version:
                _state["snapshot"] = fresh
    except Exception:
        # The old snapshot keeps serving; the next check tries again.
        logger.exception("targeting: the snapshot for version %s could not be built", version)
    finally:
        _state["building"] = None
        # The thread's own database connection, opened by the build.
        connections.close_all()


def reset() -> None:
    """Forget the process's snapshot (tests, and after a management command changed data)."""
    with _lock:
        _state["snapshot"] = None
        _state["checked_at"] = 0.0
        _state["published_here"] = False
        _state["builder"] = None


def build_snapshot(version: str) -> TargetingSnapshot:
    """Read live segments, campaigns, creatives and placements and compile them once."""
    # Reading 1,000 campaigns creates tens of thousands of short-lived objects besides the
    # long-lived snapshot; the cyclic collector would walk the growing heap again and again.
    with collector_paused():
        return _read_and_compile(version)


def _read_and_compile(version: str) -> TargetingSnapshot:
    rows = Segment.objects.filter(live=True, enabled=True).values(
        "slug", "rule", "sample_percent", "is_static", "static_members", "stays_for_visit"
    )
    # Samples and static audiences compile to conditions on the visitor id (issue 14 item 4).
    segments = {row["slug"]: compiled_rule(row) for row in rows}
    visit_segments = frozenset(row["slug"] for row in rows if row["stays_for_visit"])
    placements: dict[str, PlacementDefault] = {}
    placement_translations: dict[str, dict[str, PlacementDefault]] = {}
    default_language = Locale.get_default().language_code
    for p in Placement.objects.select_related("default_link_page", "locale"):
        code = p.locale.language_code.lower()
        if code == default_language.lower():
            placements[p.slug] = placement_default(p)
        else:
            placement_translations.setdefault(code, {})[p.slug] = placement_default(p)
    now = timezone.now()
    campaigns_qs = (
        Campaign.objects.filter(live=True, paused=False)
        .filter(Q(end_at__isnull=True) | Q(end_at__gt=now))
        .select_related("published_allocation")
        .prefetch_related(
            "placements",
            # Only their slugs are needed (not 10,000 rules decoded again).
            Prefetch("include_segments", queryset=Segment.objects.only("slug")),
            Prefetch("exclude_segments", queryset=Segment.objects.only("slug")),
            Prefetch(
                "campaign_creatives",
                # A creative unpublished since approval is withdrawn; one published since shows
                # its approved copy (``approved_content``) until the campaign is approved again.
                queryset=CampaignCreative.objects.filter(
                    creative__live=True, approved_content__isnull=False
                )
                # Restoring the approved copy keeps the creative's locale and latest revision:
                # read them here, not with a query per creative (its content is not needed).
                .select_related("creative", "creative__locale", "creative__latest_revision")
                .defer("creative__latest_revision__content")
                .order_by("sort_order"),
            ),
        )
    )
    campaigns = list(campaigns_qs)
    # What every approved copy refers to (images, pages, ...), read once for the whole build.
    reads = SnapshotReads.load(
        Creative, (content for campaign in campaigns for content in approved_contents(campaign))
    )
    with bulk_foreign_keys(reads.related):
        specs, capped = campaign_specs(campaigns, reads)
    engine_snapshot = Snapshot.build(segments, specs, version)
    variants = build_variant_map(segments)
    return TargetingSnapshot(
        version=version,
        engine=engine_snapshot,
        placements=placements,
        capped_campaigns={k: tuple(v) for k, v in capped.items()},
        placement_translations=placement_translations,
        visit_segments=visit_segments,
        variants=variants,
    )


def approved_contents(campaign: Any) -> list[dict[str, Any]]:
    """The approved copies (and their approved translations) of a campaign's creatives."""
    found = []
    for link in campaign.campaign_creatives.all():
        if isinstance(link.approved_content, dict):
            found.append(link.approved_content)
        if isinstance(link.approved_translations, dict):
            found.extend(c for c in link.approved_translations.values() if isinstance(c, dict))
    return found


def campaign_specs(
    campaigns: list[Any], reads: SnapshotReads
) -> tuple[list[CampaignSpec], dict[str, list[int]]]:
    """The engine's specs of live campaigns, with their approved creatives' payloads."""
    specs = []
    capped: dict[str, list[int]] = {}
    rated = rated_page_paths()
    for campaign in campaigns:
        creatives = []
        for link in campaign.campaign_creatives.all():
            try:
                approved = approved_creative(link)
                if approved is None:
                    continue
                payload = creative_payload(reads.attach(approved), reads)
                translated = {
                    code.lower(): creative_payload(reads.attach(translation), reads)
                    for code, translation in approved_translations(link).items()
                }
                if translated:
                    payload[TRANSLATIONS] = translated
            except Exception:
                logger.exception(
                    "targeting: creative %s left out of the snapshot", link.creative_id
                )
                continue
            creatives.append(
                CreativeSpec(
                    id=link.creative.pk,
                    key=str(link.creative.pk),
                    weight=link.weight,
                    payload=payload,
                    risk_level=creative_risk_level(approved, rated, reads),
                )
            )
        if campaign.winner_id and any(c.id == campaign.winner_id for c in creatives):
            # A declared (and approved) winner ends the creative split.
            creatives = [c for c in creatives if c.id == campaign.winner_id]
        if not creatives:
            continue
        placement_slugs = tuple(sorted(p.slug for p in campaign.placements.all()))
        specs.append(
            CampaignSpec(
                id=campaign.pk,
                slug=campaign.slug,
                name=campaign.name,
                placements=frozenset(placement_slugs),
                creatives=tuple(creatives),
                include_segments=frozenset(s.slug for s in campaign.include_segments.all()),
                exclude_segments=frozenset(s.slug for s in campaign.exclude_segments.all()),
                start=campaign.start_at,
                end=campaign.end_at,
                hours=frozenset(campaign.hours or ()),
                weekdays=frozenset(campaign.weekdays or ()),
                priority=campaign.priority,
                weight=campaign.weight,
                frequency_cap=campaign.frequency_cap,
                holdout=min(max(campaign.holdout_percent or 0, 0), 50) / 100,
                allocation=published_allocation(campaign),
                allocation_by_segment=campaign.allocation_mode == "automatic_segment",
            )
        )
        if campaign.frequency_cap:
            for slug in placement_slugs:
                capped.setdefault(slug, []).append(campaign.pk)
    return specs, capped


def published_allocation(campaign: Any) -> dict[str, dict[str, float]]:
    """The campaign's learnt creative shares by audience segment, when it is on automatic
    allocation and has no declared winner; malformed rows are ignored (fixed weights apply)."""
    if campaign.allocation_mode == "fixed" or campaign.winner_id:
        return {}
    from django.core.exceptions import ObjectDoesNotExist

    try:
        row = campaign.published_allocation
    except ObjectDoesNotExist:  # not learnt yet
        return {}
    weights = row.weights if isinstance(row.weights, dict) else {}
    clean: dict[str, dict[str, float]] = {}
    for segment, shares in weights.items():
        if not isinstance(shares, dict):
            continue
        table = {}
        for key, value in shares.items():
            if isinstance(value, int | float) and value == value and 0 <= value <= 1:
                table[str(key)] = float(value)
        if table:
            clean[str(segment)] = table
    return clean


#: What a slot's short rich text may hold once expanded (the editor's bold, italic and links).
SLOT_TAGS = {"p", "br", "b", "i", "strong", "em", "a"}
SLOT_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def slot_html(stored: str | None) -> str:
    """Expand a slot's stored rich text and keep only what its editor can produce.

    The admin's editor and the API already whitelist what they store; this guards the page
    against anything that reached the row another way (a script, a data fix, an old import).
    """
    import nh3
    from wagtail.rich_text import expand_db_html

    return nh3.clean(
        expand_db_html(stored or ""),
        tags=SLOT_TAGS,
        attributes={"a": {"href"}},
        url_schemes=SLOT_URL_SCHEMES,
    )


def placement_default(placement: Any) -> PlacementDefault:
    return PlacementDefault(
        slug=placement.slug,
        name=placement.name,
        kind=placement.kind,
        headline=placement.default_headline,
        body=slot_html(placement.default_body),
        link_label=placement.default_link_label,
        link_url=placement.default_link or "",
    )


def rated_page_paths() -> dict[str, int]:
    """Risk level (1-5) by URL path of every live page that carries one (investment products).

    Any page model with a ``risk_level`` field ("R1"-"R5") counts, so targeting needs no import
    of the catalogue. Read once per snapshot build; a creative whose call to action leads to one
    of these pages (or below it, e.g. its application form) carries the level.
    """
    from django.apps import apps
    from wagtail.models import Page

    levels: dict[str, int] = {}
    for model in apps.get_models():
        if not issubclass(model, Page) or model._meta.abstract:
            continue
        if "risk_level" not in {f.name for f in model._meta.concrete_fields}:
            continue
        for page in model._default_manager.live().exclude(risk_level=""):  # type: ignore[attr-defined]
            level = risk_number(getattr(page, "risk_level", None))
            url = page.url or ""
            if level is not None and url.startswith("/"):
                levels[url] = level
    return levels


def creative_risk_level(
    creative: Any, rated: dict[str, int], reads: SnapshotReads | None = None
) -> int | None:
    """The risk level of the product a creative promotes: its call-to-action page's, or that of
    the rated page its call-to-action URL leads to on this site; None for anything else."""
    from urllib.parse import urlsplit

    from django.conf import settings

    page = creative.cta_page if creative.cta_page_id else None
    if page is not None:
        level = risk_number(getattr(page.specific, "risk_level", None))
        if level is not None:
            return level
        link = reads.page_url(page) if reads else (page.url or "")
    else:
        link = creative.cta_url or ""
    path = urlsplit(link).path if link else ""
    if not path.startswith("/"):
        return None
    # /en/personal/fund/ is the English page of /personal/fund/.
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if path.lower().startswith(prefix):
            path = "/" + path[len(prefix) :]
            break
    best: int | None = None
    for url, level in rated.items():
        if path.startswith(url) or (url.startswith("/") and path.startswith(_unprefixed(url))):
            best = max(best or 0, level)
    return best


def _unprefixed(url: str) -> str:
    from django.conf import settings

    for code, _name in settings.LANGUAGES:
        if url.lower().startswith(f"/{code}/"):
            return "/" + url[len(code) + 2 :]
    return url


def creative_payload(creative: Any, reads: SnapshotReads | None = None) -> dict[str, Any]:
    """Everything the slot template (and the decide API) needs, resolved once per snapshot."""
    reads = reads or SnapshotReads()
    desktop = mobile = None
    if creative.image is not None:
        desktop = reads.rendition(creative.image, DESKTOP_RENDITION)
    mobile_source = creative.mobile_image or creative.image
    if mobile_source is not None:
        mobile = reads.rendition(mobile_source, MOBILE_RENDITION)
    return {
        "id": creative.pk,
        "name": creative.name,
        "headline": creative.headline,
        "body": slot_html(creative.body),
        "image_desktop": desktop.url if desktop else None,
        "image_desktop_width": desktop.width if desktop else None,
        "image_desktop_height": desktop.height if desktop else None,
        "image_mobile": mobile.url if mobile else None,
        "image_mobile_width": mobile.width if mobile else None,
        "image_mobile_height": mobile.height if mobile else None,
        "alt": creative.alt_text,
        "cta_label": creative.cta_label,
        "cta_url": reads.cta_link(creative),
    }
