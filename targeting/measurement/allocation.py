"""Self-learning allocation: Thompson sampling over a campaign's approved creatives.

Every few minutes (Celery beat, ``targeting.measurement.update_allocations``; in development
without a broker, when the experiment page is read) each campaign on automatic allocation gets
new shares for its creatives from the daily rollups of the last ``LEARNING_DAYS`` days:

1. per creative, successes (clicks or attributed conversions, the campaign's goal) out of seen
   impressions; the holdout is left out and keeps its share (the engine takes it first); until
   every creative has ``BURN_IN`` seen impressions the split stays even;
2. shares = the probability that each creative's Beta(1 + successes, 1 + failures) posterior is
   the best (Thompson sampling's probability matching, estimated with seeded Monte Carlo so the
   same counts always give the same shares);
3. every creative is raised to the campaign's floor (``allocation_floor`` %), the rest scaled;
4. with "per audience", the same for each of the campaign's include segments from that
   segment's rows (an audience with no data yet starts from the campaign-wide shares).

The shares are written to ``targeting.CampaignAllocation`` and the snapshot version is bumped,
so every process publishes them; each change is recorded as an ``AllocationUpdate``. Shares
that moved by less than ``MIN_CHANGE`` are not republished (no snapshot churn on noise).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from targeting.measurement import stats
from targeting.measurement.experiments import HOLDOUT, ArmTotal, arm_totals
from targeting.measurement.models import AllocationUpdate
from targeting.models import Campaign, CampaignAllocation
from targeting.snapshot import bump_version

logger = logging.getLogger("targeting.measurement")

LEARNING_DAYS = 28
DRAWS = 4000
#: Until every creative has been seen this often the split stays even (a burn-in): a handful of
#: early conversions must not hand one creative most of the traffic.
BURN_IN = 1000
#: The smallest move of any share that is worth publishing.
MIN_CHANGE = 0.01

AUTOMATIC = ("automatic", "automatic_segment")


def _seed(campaign_id: int, segment: str, counts: dict[str, list[int]]) -> int:
    text = f"{campaign_id}|{segment}|{sorted(counts.items())}"
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=6).digest(), "big")


def learn_shares(
    creative_keys: list[str], totals: list[ArmTotal], goal: str, floor: float, campaign_id: int
) -> tuple[dict[str, float], dict[str, list[int]]]:
    """Shares by creative key and the counts they came from (holdout rows ignored)."""
    counts = {key: [0, 0] for key in creative_keys}
    for total in totals:
        if total.arm == HOLDOUT or total.arm not in counts:
            continue
        counts[total.arm][0] += total.successes(goal)
        counts[total.arm][1] += int(total.impressions)
    arms = [(min(s, n), n) for s, n in (counts[k] for k in creative_keys)]
    if min(n for _s, n in arms) < BURN_IN:
        shares = [1 / len(arms)] * len(arms)
    else:
        seed = _seed(campaign_id, "", counts)
        shares = stats.thompson_shares(arms, draws=DRAWS, seed=seed, floor=floor)
    return {key: round(share, 4) for key, share in zip(creative_keys, shares, strict=True)}, counts


def _moved(old: dict[str, Any] | None, new: dict[str, float]) -> bool:
    if not old:
        return True
    keys = set(old) | set(new)
    return any(abs(float(old.get(k, 0.0)) - new.get(k, 0.0)) >= MIN_CHANGE for k in keys)


def update_allocation(campaign: Any, now: datetime | None = None) -> list[AllocationUpdate]:
    """Learn and publish a campaign's shares; returns the history rows written (none when the
    campaign is not on automatic allocation, has a declared winner or nothing moved)."""
    now = now or timezone.now()
    if campaign.allocation_mode not in AUTOMATIC or campaign.winner_id:
        deleted, _ = CampaignAllocation.objects.filter(campaign=campaign).delete()
        if deleted:
            bump_version()
        return []
    keys = [
        str(key)
        for key in campaign.campaign_creatives.order_by("sort_order").values_list(
            "creative_id", flat=True
        )
    ]
    if len(keys) < 2:
        return []
    floor = (campaign.allocation_floor or 0) / 100
    if floor * len(keys) > 1:
        floor = 1 / len(keys)
    until = timezone.localdate(now)
    since = until - timedelta(days=LEARNING_DAYS - 1)
    by_segment = campaign.allocation_mode == "automatic_segment"
    totals = arm_totals(campaign.slug, since, until, by_segment=by_segment)

    learnt: dict[str, tuple[dict[str, float], dict[str, list[int]]]] = {}
    learnt[""] = learn_shares(keys, totals, campaign.goal, floor, campaign.pk)
    if by_segment:
        segments = set(campaign.include_segments.values_list("slug", flat=True))
        segments |= {t.segment for t in totals if t.segment}
        for segment in sorted(segments):
            rows = [t for t in totals if t.segment == segment]
            if not any(t.impressions for t in rows if t.arm != HOLDOUT):
                continue  # nothing seen yet: the campaign-wide shares apply
            learnt[segment] = learn_shares(keys, rows, campaign.goal, floor, campaign.pk)

    with transaction.atomic():
        row, _ = CampaignAllocation.objects.select_for_update().get_or_create(campaign=campaign)
        old = row.weights if isinstance(row.weights, dict) else {}
        written = []
        for segment, (shares, counts) in learnt.items():
            if not _moved(old.get(segment), shares):
                continue
            written.append(
                AllocationUpdate(
                    campaign=campaign,
                    created_at=now,
                    segment=segment,
                    goal=campaign.goal,
                    weights=shares,
                    counts=counts,
                )
            )
        dropped = set(old) - set(learnt)
        if not written and not dropped:
            return []
        row.weights = {segment: shares for segment, (shares, _counts) in learnt.items()}
        row.save()
        AllocationUpdate.objects.bulk_create(written)
        bump_version()
    logger.info("measurement: allocation of %s updated (%s)", campaign.slug, len(written))
    return written


def update_all(now: datetime | None = None) -> int:
    """Update every live campaign on automatic allocation; returns how many changed. One
    campaign that fails is logged and skipped: the others still learn."""
    changed = 0
    campaigns = Campaign.objects.filter(live=True).exclude(allocation_mode="fixed")
    for campaign in campaigns:
        try:
            if update_allocation(campaign, now):
                changed += 1
        except Exception:
            logger.exception("measurement: allocation of %s failed", campaign.slug)
    return changed
