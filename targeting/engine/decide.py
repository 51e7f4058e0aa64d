"""Decisions: which campaign and creative a placement shows to a visitor.

``Snapshot.build`` compiles every segment and indexes the live campaigns by placement once per
publish; ``decide`` then works on that immutable snapshot and a ``VisitorContext``.

Eligibility of a campaign, checked in this order (``explain_decision`` reports the first failure):

1. schedule: ``start <= now < end`` (either end open);
2. daypart: the local ``time.hour`` is in ``hours`` and ``time.weekday`` in ``weekdays`` (an empty
   set means any);
3. audience: *any* of ``include_segments`` matches (none listed = everyone) and *none* of
   ``exclude_segments`` does. Include is "any" because a campaign aimed at "young professionals or
   new graduates" is two segments; "all of" is a new segment with an ``all`` rule;
4. suitability: at least one creative suits the visitor. A creative that promotes a risk-rated
   product carries its level (``CreativeSpec.risk_level``, R1-R5) and is dropped when the
   visitor's known ``profile.risk_tolerance`` is lower (``suitability.check_suitability``, the
   same check pushes and the application form use); an unknown tolerance lets it through, and the
   slot shows the risk notice. Where it applies the audience key gains ``|r=<tolerance>``;
5. frequency cap: ``impressions(campaign.id) < frequency_cap`` (impressions of this visitor
   today, counted by the caller; without an ``impressions`` callable caps are not enforced).

The highest ``priority`` wins. Equal-priority winners are split by ``weight`` with a stable hash
of the visitor id and the placement (blake2b), so a visitor keeps seeing the same campaign;
a visitor without an id is split on the audience key, so every anonymous visitor of one audience
gets the same answer and the answer can be cached. The creative is chosen the same way by
creative weight. A weight of 0 never wins a split unless every weight is 0.

Segments are evaluated lazily: only those the placement's in-schedule campaigns name (and what
their rules reference), each at most once per context (``ctx.segment_memo``). A segment that is
invalid, part of a reference cycle or raises never matches as an *include*; a campaign that
*excludes* an invalid or unknown segment is dropped from the snapshot, and a segment that raises
while evaluated as an exclude counts as matched: marketing fails closed.

Audience key (``Decision.audience_key``): equal keys mean equal decisions, so it can key a cache
of rendered slots and group reports. It is ``"<version>|<placement>|<matched segments>"``, where
the matched segments are the placement's relevant segments that matched, sorted and
comma-separated, followed by

* ``|t=<hash>`` when some campaign of the placement has a schedule or daypart: a hash of the ids
  of the campaigns in schedule now (finer than an hour bucket, and it changes exactly when the
  schedule does);
* ``|v=<visitor id>`` when a frequency-capped campaign took part in the decision (then
  ``per_visitor`` is True: the answer depends on this visitor's impressions);
* otherwise ``|pick=<campaign id>.<creative id>`` when a weighted split chose between several
  campaigns or creatives, so visitors on different sides of a split never share a key.

The visitor id appears only in the per-visitor case.

Experiments (issue 10). A campaign's ``holdout`` share of its audience is held back: once the
campaign has won the slot, a second stable point of the same seed (salted with the campaign id,
so it is independent of the splits) below ``holdout`` shows the placement's default content and
the decision carries ``holdout_of`` (the audience key gains ``|pick=holdout.<campaign id>``). The
creative split uses the campaign's published automatic ``allocation`` (shares by creative key,
learnt from the rollups: ``targeting.measurement.allocation``) when it has one, for the visitor's
audience segment when it learns per segment, else the creatives' weights. The audience segment
(``Decision.segment``) is the first, in slug order, of the campaign's include segments the visitor
matched ("" for a campaign shown to everyone); pages report it with impressions and clicks.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from .context import RequestInfo, VisitorContext
from .providers.time import zone_info
from .rules import Predicate, RuleError, compile_segments, explain
from .suitability import check_suitability, risk_number

logger = logging.getLogger("targeting.engine")

#: Today's impressions of a campaign for this visitor: a callable ``(campaign id) -> count`` or a
#: mapping ``{campaign id: count}`` (a missing id counts 0).
Impressions = Callable[[Any], int] | Mapping[Any, int]


@dataclass(frozen=True, slots=True)
class CreativeSpec:
    """One creative of a campaign; ``payload`` (headline, body, cta, image URLs...) is opaque."""

    id: int | str
    key: str
    weight: int = 1
    payload: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    #: Risk level 1-5 (R1-R5) of the product the creative promotes; None for unrated products.
    #: A rated creative is never shown to a visitor whose known risk tolerance is lower.
    risk_level: int | None = None


@dataclass(frozen=True, slots=True)
class CampaignSpec:
    """A campaign as the engine sees it. ``start``/``end`` must be timezone-aware."""

    id: int | str
    slug: str
    name: str = ""
    placements: frozenset[str] = frozenset()
    creatives: tuple[CreativeSpec, ...] = ()
    include_segments: frozenset[str] = frozenset()
    exclude_segments: frozenset[str] = frozenset()
    start: datetime | None = None
    end: datetime | None = None
    #: Local hours 0-23 it runs in; empty = all day.
    hours: frozenset[int] = frozenset()
    #: ISO weekdays 1-7 it runs on; empty = every day.
    weekdays: frozenset[int] = frozenset()
    priority: int = 0
    weight: int = 1
    #: Maximum impressions per visitor per day; None = no cap.
    frequency_cap: int | None = None
    status: str = "live"
    #: Share of the campaign's audience held back to see the default content (0 <= x < 1).
    holdout: float = 0.0
    #: Automatic allocation: creative shares by creative key, per audience segment ("" = all).
    allocation: Mapping[str, Mapping[str, float]] = field(
        default_factory=dict, compare=False, hash=False
    )
    #: Each audience segment learns its own allocation (else only "" is used).
    allocation_by_segment: bool = False

    def __post_init__(self) -> None:
        # Accept any iterable (or None for "none") from callers; store the immutable forms.
        for name in ("placements", "include_segments", "exclude_segments", "hours", "weekdays"):
            object.__setattr__(self, name, frozenset(getattr(self, name) or ()))
        object.__setattr__(self, "creatives", tuple(self.creatives or ()))
        for name in ("start", "end"):
            moment = getattr(self, name)
            if moment is not None and moment.tzinfo is None:
                raise ValueError(f"campaign {self.slug}: {name} must be timezone-aware")
        if not 0 <= self.holdout < 1:
            raise ValueError(f"campaign {self.slug}: holdout must be at least 0 and below 1")

    @property
    def timed(self) -> bool:
        return bool(self.start or self.end or self.hours or self.weekdays)


@dataclass(frozen=True, slots=True)
class Decision:
    """What a placement shows; ``campaign``/``creative`` None means its default content."""

    placement: str
    campaign: CampaignSpec | None
    creative: CreativeSpec | None
    #: The placement's relevant segments that matched, sorted.
    segments: tuple[str, ...]
    audience_key: str
    per_visitor: bool
    #: The campaign whose holdout this visitor is in (then campaign and creative are None).
    holdout_of: CampaignSpec | None = None
    #: The campaign's include segment the visitor matched (first by slug); "" for everyone.
    segment: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The API shape, less the rendered ``html`` the Django layer adds to ``creative``."""
        creative = None
        if self.creative is not None:
            level = self.creative.risk_level
            creative = {
                **self.creative.payload,
                "id": self.creative.id,
                "key": self.creative.key,
                # The product's risk level; a rated creative always carries the risk notice.
                "risk_level": f"R{level}" if level else None,
            }
        answer = {
            "placement": self.placement,
            "campaign": self.campaign.slug if self.campaign is not None else None,
            "creative": creative,
            "segments": list(self.segments),
        }
        if self.holdout_of is not None:
            # The default content applies, as part of this campaign's experiment: a channel
            # reports its impressions with {"campaign": <slug>, "creative": "holdout"}.
            answer["holdout"] = self.holdout_of.slug
        return answer


@dataclass(frozen=True, slots=True)
class PlacementPlan:
    """A placement's live campaigns, best first, and what deciding for it needs."""

    placement: str
    campaigns: tuple[CampaignSpec, ...]
    #: Every segment its campaigns include or exclude, sorted.
    segments: tuple[str, ...]
    #: Some campaign has a start, an end, hours or weekdays.
    timed: bool
    #: Some campaign has hours or weekdays (so the time provider is needed).
    dayparted: bool
    #: Segments only ever excluded here: if one fails to evaluate it counts as matched.
    exclude_only: frozenset[str] = frozenset()
    #: Some creative promotes a risk-rated product (so the suitability guard needs the tolerance).
    rated: bool = False
    #: Relevant segments and key component by set of in-schedule campaigns. The sets seen in a
    #: snapshot's life are few (they change at schedule boundaries), so this stays small.
    schedule_cache: dict[tuple[int, ...], tuple[tuple[str, ...], str]] = field(
        default_factory=dict, compare=False, repr=False
    )


@dataclass(frozen=True)
class Snapshot:
    """Everything needed to decide, compiled once per published version. Immutable."""

    version: str
    #: The source rules by slug (for explanations).
    segment_rules: Mapping[str, Any]
    #: Compiled, memoising predicates by slug.
    segments: Mapping[str, Predicate]
    campaigns: Mapping[str, CampaignSpec]
    plans: Mapping[str, PlacementPlan]
    creatives: Mapping[str, tuple[CreativeSpec, ...]]
    #: Segments that never match, by slug, and why.
    errors: Mapping[str, RuleError]
    #: Campaigns left out of (or degraded in) the snapshot, by slug, and why.
    campaign_errors: Mapping[str, str]

    @classmethod
    def build(
        cls, segments: Mapping[str, Any], campaigns: Iterable[CampaignSpec], version: str = ""
    ) -> Snapshot:
        """Compile segments (``slug -> rule``) and index live campaigns by placement."""
        errors: dict[str, RuleError] = {}
        with collector_paused():
            predicates = compile_segments(segments, errors)
        campaign_errors: dict[str, str] = {}
        live: list[CampaignSpec] = []
        creatives: dict[str, tuple[CreativeSpec, ...]] = {}
        for campaign in campaigns:
            if campaign.status != "live":
                continue
            problem = _campaign_problem(campaign, predicates, errors)
            usable = tuple(c for c in campaign.creatives if c.weight > 0) or campaign.creatives
            if problem is None and not usable:
                problem = "has no creatives"
            if problem is None and not campaign.placements:
                problem = "has no placements"
            if problem is not None:
                logger.warning("campaign %s left out: %s", campaign.slug, problem)
                campaign_errors[campaign.slug] = problem
                continue
            broken = sorted(s for s in campaign.include_segments if s in errors)
            missing = sorted(s for s in campaign.include_segments if s not in predicates)
            if broken or missing:
                note = ", ".join(
                    [*(f"{s} (invalid)" for s in broken), *(f"{s} (unknown)" for s in missing)]
                )
                campaign_errors[campaign.slug] = f"include segments never match: {note}"
            live.append(campaign)
            creatives[campaign.slug] = usable

        by_placement: dict[str, list[CampaignSpec]] = {}
        for campaign in live:
            for placement in campaign.placements:
                by_placement.setdefault(placement, []).append(campaign)
        plans: dict[str, PlacementPlan] = {}
        for placement, items in by_placement.items():
            items.sort(key=lambda c: (-c.priority, c.slug))
            included = set().union(*(c.include_segments for c in items))
            excluded = set().union(*(c.exclude_segments for c in items))
            plans[placement] = PlacementPlan(
                placement=placement,
                campaigns=tuple(items),
                segments=tuple(sorted(included | excluded)),
                timed=any(c.timed for c in items),
                dayparted=any(c.hours or c.weekdays for c in items),
                exclude_only=frozenset(excluded - included),
                rated=any(creative.risk_level for c in items for creative in creatives[c.slug]),
            )
        return cls(
            version=version,
            segment_rules=MappingProxyType(dict(segments)),
            segments=MappingProxyType(predicates),
            campaigns=MappingProxyType({c.slug: c for c in live}),
            plans=MappingProxyType(plans),
            creatives=MappingProxyType(creatives),
            errors=MappingProxyType(errors),
            campaign_errors=MappingProxyType(campaign_errors),
        )

    @property
    def placements(self) -> tuple[str, ...]:
        return tuple(sorted(self.plans))

    def matches(self, slug: str, ctx: VisitorContext, on_error: bool = False) -> bool:
        """Whether a segment matches (memoised); an unknown slug never does. A predicate that
        raises is logged and answers ``on_error``."""
        memo = ctx.segment_memo
        result = memo.get(slug)
        if result is not None:
            return result
        predicate = self.segments.get(slug)
        if predicate is None:
            return False
        try:
            return predicate(ctx)
        except Exception:
            logger.exception("segment %s failed to evaluate", slug)
            return on_error

    def matched_segments(self, ctx: VisitorContext) -> list[str]:
        """Every segment the visitor is in (evaluates all of them: for simulate, not pages)."""
        return [slug for slug in sorted(self.segments) if self.matches(slug, ctx)]

    def explain_segments(
        self, ctx: VisitorContext, slugs: Iterable[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        """Why each segment (default: all) matched or not, as ``rules.explain`` trees."""
        result: dict[str, dict[str, Any]] = {}
        for slug in sorted(slugs if slugs is not None else self.segment_rules):
            error = self.errors.get(slug)
            if error is not None:
                result[slug] = {"node": "invalid", "error": str(error), "result": False}
            elif slug in self.segment_rules:
                result[slug] = explain(self.segment_rules[slug], ctx, self.segments, validated=True)
            else:
                result[slug] = {"node": "unknown", "error": "unknown segment", "result": False}
        return result


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a snapshot compiles (and while
    ``targeting.snapshot`` reads what it compiles).

    Compiling allocates a few hundred thousand closures and cells that all live on; the collector,
    triggered every 700 allocations, would walk the growing heap again and again (10,000
    segments: 0.7 s of CPU with it, 0.1 s without). Nothing compiled is garbage, so pausing it
    frees nothing late; it is re-enabled only if it was enabled."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _campaign_problem(
    campaign: CampaignSpec, predicates: Mapping[str, Predicate], errors: Mapping[str, RuleError]
) -> str | None:
    for slug in sorted(campaign.exclude_segments):
        if slug not in predicates:
            return f"excludes unknown segment {slug}"
        if slug in errors:
            return f"excludes invalid segment {slug}"
    return None


# --------------------------------------------------------------------------------------------
# Deciding


def matching_segments(snapshot: Snapshot, ctx: VisitorContext) -> list[str]:
    """Every segment the visitor is in, sorted (evaluates all: for simulate, not for pages)."""
    return snapshot.matched_segments(ctx)


def decide(
    snapshot: Snapshot,
    placement: str,
    ctx: VisitorContext | None,
    now: datetime | None = None,
    impressions: Impressions | None = None,
) -> Decision:
    """The decision for one placement; ``now`` defaults to the request's time.

    Without a context (no request) the visitor is unknown: every attribute is missing.
    """
    ctx = _context(ctx, now)
    return _decide(snapshot, placement, ctx, _aware(now, ctx), impressions)


def _context(ctx: VisitorContext | None, now: datetime | None) -> VisitorContext:
    if ctx is not None:
        return ctx
    info = RequestInfo(now=now) if now is not None else RequestInfo()
    return VisitorContext(info, providers={})


def _aware(now: datetime | None, ctx: VisitorContext) -> datetime:
    moment = now if now is not None else ctx.info.now
    if moment.tzinfo is None:  # a naive time is local time in the site's zone
        zone = zone_info(ctx.config.site_timezone)
        if zone is not None:
            moment = moment.replace(tzinfo=zone)
    return moment


def _schedule_problem(campaign: CampaignSpec, now: datetime, hour: Any, weekday: Any) -> str | None:
    if campaign.start is not None and now < campaign.start:
        return "not started"
    if campaign.end is not None and now >= campaign.end:
        return "ended"
    if campaign.hours and hour not in campaign.hours:
        return "outside daypart hours"
    if campaign.weekdays and weekday not in campaign.weekdays:
        return "not on this weekday"
    return None


def _audience_problem(campaign: CampaignSpec, matched: frozenset[str]) -> str | None:
    if campaign.include_segments and matched.isdisjoint(campaign.include_segments):
        return "include segments not matched: " + ", ".join(sorted(campaign.include_segments))
    excluded = campaign.exclude_segments & matched
    if excluded:
        return f"excluded by segment {min(excluded)}"
    return None


def _cap_problem(campaign: CampaignSpec, impressions: Impressions | None) -> str | None:
    cap = campaign.frequency_cap
    if cap is None or impressions is None:
        return None
    if isinstance(impressions, Mapping):
        seen = int(impressions.get(campaign.id, 0))
    else:
        seen = int(impressions(campaign.id))
    if seen >= cap:
        return f"frequency cap reached ({seen}/{cap} today)"
    return None


def suitable_creatives(
    options: tuple[CreativeSpec, ...], tolerance: Any
) -> tuple[CreativeSpec, ...]:
    """The creatives that may be shown to a visitor of ``tolerance``: what
    ``check_suitability(...).promotable`` says, inlined because it runs on every decision."""
    level = risk_number(tolerance)
    if level is None:
        return options
    return tuple(c for c in options if c.risk_level is None or c.risk_level <= level)


def _suitability_problem(options: tuple[CreativeSpec, ...], tolerance: Any) -> str | None:
    if not options or suitable_creatives(options, tolerance):
        return None
    worst = min((c.risk_level or 0) for c in options)
    return "unsuitable: " + check_suitability(worst, tolerance).reason


def _point(seed: str, salt: str) -> float:
    """A stable pseudo-random point in [0, 1) for a seed (not Python's salted hash())."""
    digest = hashlib.blake2b(f"{salt}|{seed}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _audience_segment(campaign: CampaignSpec, matched: frozenset[str]) -> str:
    hits = campaign.include_segments & matched
    return min(hits) if hits else ""


def _held_out(campaign: CampaignSpec, seed: str) -> bool:
    return campaign.holdout > 0 and _point(seed, f"holdout|{campaign.id}") < campaign.holdout


def _allocation_table(campaign: CampaignSpec, segment: str) -> Mapping[str, float] | None:
    if not campaign.allocation:
        return None
    table = campaign.allocation.get(segment) if campaign.allocation_by_segment else None
    return table if table is not None else campaign.allocation.get("")


def _creative_weights(
    campaign: CampaignSpec, options: tuple[CreativeSpec, ...], segment: str
) -> list[float]:
    """The published allocation's shares for these creatives, else their fixed weights."""
    table = _allocation_table(campaign, segment)
    if table:
        weights = [float(table.get(c.key, 0.0)) for c in options]
        if sum(weights) > 0:
            return weights
    return [float(c.weight) for c in options]


def _arm_trace(campaign: CampaignSpec, seed: str, segment: str, placement: str) -> dict[str, Any]:
    """Which arm a visitor is in and why, in words a marketer can check."""
    info: dict[str, Any] = {"segment": segment, "holdout_share": campaign.holdout}
    if campaign.holdout > 0:
        point = _point(seed, f"holdout|{campaign.id}")
        info["holdout_bucket"] = round(point, 4)
        if point < campaign.holdout:
            info["arm"] = "holdout"
            info["why"] = (
                f"held out: bucket {point:.4f} is below the holdout share "
                f"{campaign.holdout:.2%}, so the default content shows"
            )
            return info
    table = _allocation_table(campaign, segment)
    info["bucket"] = round(_point(seed, f"{placement}|{campaign.id}"), 4)
    if table:
        scope = (
            f"segment {segment}"
            if campaign.allocation_by_segment and segment in (campaign.allocation)
            else "all audiences"
        )
        shares = ", ".join(f"{k}: {v:.2%}" for k, v in sorted(table.items()))
        info["why"] = f"automatic allocation for {scope} ({shares}), bucket {info['bucket']}"
    else:
        info["why"] = f"fixed split by creative weight, bucket {info['bucket']}"
    return info


def _pick(
    items: tuple[Any, ...] | list[Any], weights: list[int] | list[float], point: float
) -> Any:
    total: float = sum(weights)
    if total <= 0:
        weights, total = [1] * len(items), len(items)
    target = point * total
    running: float = 0
    for item, weight in zip(items, weights, strict=True):
        running += weight
        if target < running:
            return item
    return items[-1]


def _in_schedule(
    plan: PlacementPlan, ctx: VisitorContext, now: datetime
) -> tuple[tuple[CampaignSpec, ...], tuple[str, ...], str]:
    """The campaigns in schedule now, their relevant segments and the key's time component."""
    if not plan.timed:
        return plan.campaigns, plan.segments, ""
    hour = ctx.get("time.hour") if plan.dayparted else None
    weekday = ctx.get("time.weekday") if plan.dayparted else None
    positions = tuple(
        i for i, c in enumerate(plan.campaigns) if _schedule_problem(c, now, hour, weekday) is None
    )
    active = tuple(plan.campaigns[i] for i in positions)
    cached = plan.schedule_cache.get(positions)
    if cached is None:
        relevant = tuple(
            sorted(set().union(*(c.include_segments | c.exclude_segments for c in active)))
        )
        ids = ",".join(str(c.id) for c in active)
        key = "|t=" + hashlib.blake2b(ids.encode(), digest_size=4).hexdigest()
        cached = plan.schedule_cache[positions] = (relevant, key)
    return active, cached[0], cached[1]


def _matched(
    snapshot: Snapshot, relevant: tuple[str, ...], exclude_only: frozenset[str], ctx: VisitorContext
) -> tuple[str, ...]:
    """The relevant segments the visitor is in: ``Snapshot.matches`` for each, inlined because a
    page at 10,000 segments asks it some 450 times (the memo first, then the predicate)."""
    memo = ctx.segment_memo
    predicates = snapshot.segments
    hits = []
    for slug in relevant:
        result = memo.get(slug)
        if result is None:
            predicate = predicates.get(slug)
            if predicate is None:
                continue
            try:
                result = predicate(ctx)
            except Exception:
                logger.exception("segment %s failed to evaluate", slug)
                # An exclude-only segment that fails counts as matched (fail closed).
                result = slug in exclude_only
        if result:
            hits.append(slug)
    return tuple(hits)


def _decide(
    snapshot: Snapshot,
    placement: str,
    ctx: VisitorContext,
    now: datetime,
    impressions: Impressions | None,
    trace: dict[str, Any] | None = None,
) -> Decision:
    """Decide; with a ``trace`` dict, also record which arm and why (for explanations)."""
    plan = snapshot.plans.get(placement)
    if plan is None:
        return Decision(placement, None, None, (), f"{snapshot.version}|{placement}|", False)
    active, relevant, time_key = _in_schedule(plan, ctx, now)

    # An exclude-only segment that fails counts as matched (fail closed); see the docstring.
    matched_tuple = _matched(snapshot, relevant, plan.exclude_only, ctx)
    matched = frozenset(matched_tuple)
    base_key = f"{snapshot.version}|{placement}|{','.join(matched_tuple)}{time_key}"
    # Suitability guard: only where a creative promotes a rated product is the tolerance read (an
    # anonymous visitor's costs no query), and then it is part of the audience key.
    tolerance = None
    if plan.rated:
        tolerance = ctx.get("profile.risk_tolerance")
        base_key = f"{base_key}|r={tolerance or '-'}"

    group: list[CampaignSpec] = []
    per_visitor = False
    for campaign in active:
        if group and campaign.priority < group[0].priority:
            break
        if _audience_problem(campaign, matched) is not None:
            continue
        if plan.rated and not suitable_creatives(snapshot.creatives[campaign.slug], tolerance):
            continue
        if campaign.frequency_cap is not None and impressions is not None:
            per_visitor = True
            if _cap_problem(campaign, impressions) is not None:
                continue
        group.append(campaign)

    visitor_id = ctx.info.visitor_id
    key = f"{base_key}|v={visitor_id or '-'}" if per_visitor else base_key
    if not group:
        return Decision(placement, None, None, matched_tuple, key, per_visitor)

    seed = visitor_id or base_key
    split = len(group) > 1
    campaign = group[0]
    if split:
        campaign = _pick(group, [c.weight for c in group], _point(seed, placement))
    segment = _audience_segment(campaign, matched) if campaign.include_segments else ""
    if trace is not None:
        trace.update(_arm_trace(campaign, seed, segment, placement))
    if _held_out(campaign, seed):
        if not per_visitor:
            key = f"{key}|pick=holdout.{campaign.id}"
        return Decision(placement, None, None, matched_tuple, key, per_visitor, campaign, segment)
    options = snapshot.creatives[campaign.slug]
    if plan.rated:
        options = suitable_creatives(options, tolerance)
    creative = options[0]
    if len(options) > 1:
        split = True
        creative = _pick(
            options,
            _creative_weights(campaign, options, segment),
            _point(seed, f"{placement}|{campaign.id}"),
        )
    if split and not per_visitor:
        key = f"{key}|pick={campaign.id}.{creative.id}"
    return Decision(placement, campaign, creative, matched_tuple, key, per_visitor, None, segment)


def explain_decision(
    snapshot: Snapshot,
    placement: str,
    ctx: VisitorContext | None,
    now: datetime | None = None,
    impressions: Impressions | None = None,
) -> dict[str, Any]:
    """The decision for a placement and, for each of its campaigns, whether it was eligible and
    the first reason it was not chosen."""
    ctx = _context(ctx, now)
    moment = _aware(now, ctx)
    trace: dict[str, Any] = {}
    decision = _decide(snapshot, placement, ctx, moment, impressions, trace)
    plan = snapshot.plans.get(placement)
    winner = decision.campaign or decision.holdout_of
    rows: list[dict[str, Any]] = []
    for campaign in plan.campaigns if plan is not None else ():
        hour = ctx.get("time.hour") if campaign.hours else None
        weekday = ctx.get("time.weekday") if campaign.weekdays else None
        reason = _schedule_problem(campaign, moment, hour, weekday)
        if reason is None:
            matched = frozenset(
                s
                for s in campaign.include_segments | campaign.exclude_segments
                if snapshot.matches(s, ctx, on_error=s not in campaign.include_segments)
            )
            reason = (
                _audience_problem(campaign, matched)
                or _suitability_problem(
                    snapshot.creatives.get(campaign.slug, ()), ctx.get("profile.risk_tolerance")
                )
                or _cap_problem(campaign, impressions)
            )
        eligible = reason is None
        if eligible and winner is not None and campaign is not winner:
            if campaign.priority < winner.priority:
                reason = f"lower priority than {winner.slug}"
            else:
                reason = f"lost the weighted split to {winner.slug}"
        rows.append(
            {
                "campaign": campaign.slug,
                "id": campaign.id,
                "priority": campaign.priority,
                "eligible": eligible,
                "chosen": campaign is winner,
                "reason": reason,
            }
        )
    return {
        "placement": placement,
        "campaign": decision.campaign.slug if decision.campaign is not None else None,
        "creative": decision.creative.key if decision.creative is not None else None,
        "segments": list(decision.segments),
        "audience_key": decision.audience_key,
        "per_visitor": decision.per_visitor,
        "campaigns": rows,
        # Which arm of the winner's experiment the visitor is in, and why (None: no campaign).
        "arm": _arm_summary(decision, trace) if winner is not None else None,
    }


def _arm_summary(decision: Decision, trace: Mapping[str, Any]) -> dict[str, Any]:
    campaign = decision.campaign or decision.holdout_of
    if campaign is None:
        raise ValueError("an arm summary needs a decision with a campaign or a holdout")
    arm: str | None
    if decision.holdout_of is not None:
        arm = "holdout"
    else:
        arm = decision.creative.key if decision.creative is not None else None
    many = len(campaign.creatives) > 1 or campaign.holdout > 0
    return {
        "arm": arm,
        "segment": decision.segment,
        "holdout": decision.holdout_of is not None,
        "why": trace.get("why", "") if many else "the campaign's only creative",
    }


def find_conflicts(snapshot: Snapshot) -> list[tuple[str, CampaignSpec, CampaignSpec]]:
    """Pairs of live campaigns that share a placement and a priority and can reach the same
    visitor at the same time, so they split traffic by weight (for an admin warning).

    Audiences overlap when the include sets intersect or either is empty (everyone); schedules
    overlap unless their date ranges, hours or weekdays are disjoint.
    """
    conflicts: list[tuple[str, CampaignSpec, CampaignSpec]] = []
    for placement in snapshot.placements:
        campaigns = snapshot.plans[placement].campaigns
        for i, first in enumerate(campaigns):
            for second in campaigns[i + 1 :]:
                if second.priority != first.priority:
                    break  # sorted by priority
                if _overlap(first, second):
                    conflicts.append((placement, first, second))
    return conflicts


def _overlap(a: CampaignSpec, b: CampaignSpec) -> bool:
    a_inc, b_inc = a.include_segments, b.include_segments
    if a_inc and b_inc and a_inc.isdisjoint(b_inc):
        return False
    if a.end is not None and b.start is not None and a.end <= b.start:
        return False
    if b.end is not None and a.start is not None and b.end <= a.start:
        return False
    if a.hours and b.hours and a.hours.isdisjoint(b.hours):
        return False
    return not (a.weekdays and b.weekdays and a.weekdays.isdisjoint(b.weekdays))


# --------------------------------------------------------------------------------------------
# Simulation


def simulate(
    snapshot: Snapshot,
    ctx: VisitorContext,
    placements: Iterable[str] | None = None,
    now: datetime | None = None,
    impressions: Impressions | None = None,
) -> dict[str, Any]:
    """Everything ``POST /api/v1/simulate`` answers, except the creatives' rendered html:
    every resolved attribute, every matched segment, the decision of each placement (default:
    all) and why."""
    chosen = list(placements) if placements is not None else list(snapshot.placements)
    attributes = ctx.resolve_all()
    decisions = {p: decide(snapshot, p, ctx, now, impressions) for p in chosen}
    return {
        "attributes": attributes,
        "segments": snapshot.matched_segments(ctx),
        "decisions": {p: d.as_dict() for p, d in decisions.items()},
        "explain": {
            "segments": snapshot.explain_segments(ctx),
            "campaigns": {p: explain_decision(snapshot, p, ctx, now, impressions) for p in chosen},
            "provider_errors": dict(ctx.errors),
        },
    }
