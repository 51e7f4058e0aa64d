"""Experiments: the readout of a campaign's arms, sample-size guidance and "declare a winner".

A campaign is an experiment when it has more than one creative or a holdout. Its arms are its
creatives (keyed by creative id, as the rollups keep them) and, with a holdout, ``"holdout"``:
the visitors who were held back and saw the placement's default content. The control is the
holdout when there is one, else the campaign's first creative.

Every number comes from the daily rollups (``DailyRollup``), never from raw events. The unit is
the seen impression: an arm's trials are its seen impressions and its successes its clicks or
attributed conversions (the campaign's goal), capped at the trials. How each figure is computed
is in docs/measurement.md ("Experiments").
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from targeting.measurement import queries, stats
from targeting.models import CampaignAllocation

logger = logging.getLogger("targeting.measurement")

HOLDOUT = "holdout"
GOAL_CLICK = "click"
GOAL_CONVERSION = "conversion"

#: Seeded Monte Carlo rounds for "chance to be best" (reproducible: same counts, same answer).
BEST_DRAWS = 20_000
BEST_SEED = 20_240_601
#: The readout's default period: the last 90 days.
DEFAULT_DAYS = 90


@dataclass(frozen=True)
class ArmTotal:
    """An arm's counts over a period (optionally within one audience segment)."""

    arm: str
    segment: str = ""
    impressions: int = 0
    clicks: int = 0
    conversions: int = 0
    visitors: int = 0

    def successes(self, goal: str) -> int:
        value = self.clicks if goal == GOAL_CLICK else self.conversions
        return max(0, min(int(value), int(self.impressions)))


def arm_totals(
    campaign_slug: str,
    since: date | None = None,
    until: date | None = None,
    by_segment: bool = False,
) -> list[ArmTotal]:
    """Counts per arm (creative id as a string, or ``"holdout"``) from the daily rollups,
    ``since`` and ``until`` inclusive (site dates; default: the last ``DEFAULT_DAYS`` days)."""
    until = until or timezone.localdate()
    since = since or until - timedelta(days=DEFAULT_DAYS - 1)
    if by_segment:
        grouped = queries.arm_totals_by_segment(campaign_slug, since, until)
        pairs = [(segment, row) for segment, rows in grouped.items() for row in rows]
    else:
        pairs = [("", row) for row in queries.arm_totals(campaign_slug, since, until)]
    result = []
    for segment, row in pairs:
        arm = HOLDOUT if row.creative in queries.HOLDOUT_ARMS else str(row.creative)
        if not arm:
            continue
        result.append(
            ArmTotal(
                arm=arm,
                segment=segment or "",
                impressions=int(row.impressions),
                clicks=int(row.clicks),
                conversions=int(row.conversions),
                visitors=int(row.visitors),
            )
        )
    return result


@dataclass(frozen=True)
class ArmSpec:
    """An arm as the campaign defines it: key, label and intended share of its traffic."""

    key: str
    label: str
    share: float
    control: bool = False


def campaign_arms(campaign: Any, allocation: dict[str, float] | None = None) -> list[ArmSpec]:
    """The arms of a campaign (its live row) with their intended shares: the holdout's
    percentage, and the rest split by creative weight (or by ``allocation``, shares by creative
    key, when automatic allocation is on)."""
    links = list(campaign.campaign_creatives.select_related("creative").order_by("sort_order"))
    holdout = (campaign.holdout_percent or 0) / 100
    arms: list[ArmSpec] = []
    if holdout > 0:
        arms.append(ArmSpec(HOLDOUT, _("Holdout (default content)"), holdout, False))
    weights = {str(link.creative_id): float(link.weight) for link in links}
    if campaign.winner_id:
        weights = {k: (1.0 if k == str(campaign.winner_id) else 0.0) for k in weights}
    elif allocation:
        weights = {k: float(allocation.get(k, 0.0)) for k in weights}
    total = sum(weights.values()) or 1.0
    for index, link in enumerate(links):
        key = str(link.creative_id)
        arms.append(
            ArmSpec(
                key,
                link.creative.name,
                (1 - holdout) * weights[key] / total,
                control=index == 0,
            )
        )
    return arms


def is_experiment(campaign: Any) -> bool:
    """More than one creative, or a holdout."""
    if (campaign.holdout_percent or 0) > 0:
        return True
    return campaign.campaign_creatives.count() > 1


@dataclass
class ArmResult:
    key: str
    label: str
    control: bool
    intended_share: float
    trials: int
    successes: int
    rate: float | None
    interval: tuple[float, float] | None
    #: Against the control (None for the control itself).
    difference: float | None = None
    relative: float | None = None
    z: float | None = None
    p_value: float | None = None
    chance_to_beat: float | None = None
    expected_loss: float | None = None
    sequential_p: float | None = None
    sequential_interval: tuple[float, float] | None = None
    sequential_significant: bool = False
    #: Among the creatives (not the holdout): P(this arm's rate is the highest).
    chance_to_be_best: float | None = None
    winner: bool = False


@dataclass
class Readout:
    """Everything the experiment page and the report API show."""

    campaign: str
    goal: str
    allocation: str
    since: date | None
    until: date | None
    arms: list[ArmResult]
    control: str
    alpha: float
    srm: stats.SampleRatio | None
    required_per_arm: int | None
    #: Smallest creative's trials / required per arm, capped at 1 (None without a plan).
    progress: float | None
    winner: str | None
    #: The arm the numbers favour, when the always-valid test says so (None: keep running).
    leader: str | None
    notes: list[str] = field(default_factory=list)


def plan_size(campaign: Any) -> int | None:
    """Visitors (seen impressions) each arm needs, from the campaign's plan; None without one."""
    baseline = campaign.experiment_baseline
    effect = campaign.experiment_effect
    if not baseline or not effect:
        return None
    try:
        return stats.sample_size_per_arm(
            float(baseline) / 100,
            float(effect) / 100,
            float(campaign.experiment_alpha),
            float(campaign.experiment_power),
        )
    except ValueError:
        return None


def sequential_tau(campaign: Any, control_rate: float | None) -> float:
    """The mixture scale of the mSPRT: the absolute effect the plan looks for (baseline ×
    relative minimum effect); without a plan, 30 % of the control's observed rate (at least
    0.001). The test stays valid for any scale; the scale only decides which effects it finds
    fastest, and lifts of 10-50 % are what campaign experiments usually see."""
    baseline = campaign.experiment_baseline
    effect = campaign.experiment_effect
    if baseline and effect:
        return max(1e-4, abs(float(baseline) / 100 * float(effect) / 100))
    return max(1e-3, 0.3 * (control_rate or 0.0))


def readout(
    campaign: Any,
    since: date | None = None,
    until: date | None = None,
    totals: Iterable[ArmTotal] | None = None,
    allocation: dict[str, float] | None = None,
) -> Readout:
    """The experiment's numbers over a period (default: everything the rollups hold)."""
    goal = campaign.goal
    alpha = float(campaign.experiment_alpha or 0.05)
    if allocation is None:
        allocation = current_allocation(campaign)
    arms = campaign_arms(campaign, allocation if campaign.allocation_mode != "fixed" else None)
    counts: dict[str, ArmTotal] = {}
    for total in totals if totals is not None else arm_totals(campaign.slug, since, until):
        seen = counts.get(total.arm)
        if seen is None:
            counts[total.arm] = total
        else:
            counts[total.arm] = ArmTotal(
                total.arm,
                "",
                seen.impressions + total.impressions,
                seen.clicks + total.clicks,
                seen.conversions + total.conversions,
                seen.visitors + total.visitors,
            )
    results: list[ArmResult] = []
    for arm in arms:
        total = counts.get(arm.key, ArmTotal(arm.key))
        trials, successes = int(total.impressions), total.successes(goal)
        results.append(
            ArmResult(
                key=arm.key,
                label=arm.label,
                control=arm.control,
                intended_share=arm.share,
                trials=trials,
                successes=successes,
                rate=successes / trials if trials else None,
                interval=stats.wilson_interval(successes, trials, 1 - alpha),
                winner=arm.key == str(campaign.winner_id or ""),
            )
        )
    control = next((r for r in results if r.control), results[0] if results else None)
    tau = sequential_tau(campaign, control.rate if control else None)
    for result in results:
        if control is None or result is control:
            continue
        xa, na, xb, nb = control.successes, control.trials, result.successes, result.trials
        test = stats.two_proportion_ztest(xa, na, xb, nb)
        if test is not None:
            result.difference, result.relative = test.difference, test.relative
            result.z, result.p_value = test.z, test.p_value
        result.chance_to_beat = stats.chance_to_beat(xa, na, xb, nb)
        result.expected_loss = stats.expected_loss(xa, na, xb, nb)
        sequential = stats.msprt(xa, na, xb, nb, tau=tau, alpha=alpha)
        if sequential is not None:
            result.sequential_p = sequential.p_value
            result.sequential_interval = sequential.interval
            result.sequential_significant = sequential.significant
    creatives = [r for r in results if r.key != HOLDOUT]
    if len(creatives) > 1:
        shares = stats.thompson_shares(
            [(r.successes, r.trials) for r in creatives], draws=BEST_DRAWS, seed=BEST_SEED
        )
        for result, share in zip(creatives, shares, strict=True):
            result.chance_to_be_best = share

    srm = _srm(campaign, results)
    required = plan_size(campaign)
    progress = None
    compared = [r for r in results if r.key != HOLDOUT]
    if required and compared:
        # The plan sizes the comparison of creatives; a small holdout has its own, longer clock.
        progress = min(1.0, min(r.trials for r in compared) / required)
    notes: list[str] = []
    if srm is not None and srm.mismatch:
        notes.append(
            _(
                "Sample ratio mismatch: the arms' sizes do not match the intended split "
                "(p = %(p).2g). Check the page and the tracking before trusting any result."
            )
            % {"p": srm.p_value}
        )
    return Readout(
        campaign=campaign.slug,
        goal=goal,
        allocation=campaign.allocation_mode,
        since=since,
        until=until,
        arms=results,
        control=control.key if control else "",
        alpha=alpha,
        srm=srm,
        required_per_arm=required,
        progress=progress,
        winner=str(campaign.winner_id) if campaign.winner_id else None,
        leader=_leader(results, srm),
        notes=notes,
    )


def _srm(campaign: Any, results: list[ArmResult]) -> stats.SampleRatio | None:
    """The sample-ratio check. Under a fixed split every arm is checked against its share;
    under automatic allocation the creatives' shares move, so only the holdout against the rest
    is checked (its share never moves). A declared winner ends the creative split."""
    if campaign.allocation_mode == "fixed" and not campaign.winner_id:
        return stats.sample_ratio_mismatch(
            [r.trials for r in results], [r.intended_share for r in results]
        )
    holdout = next((r for r in results if r.key == HOLDOUT), None)
    if holdout is None:
        return None
    rest = sum(r.trials for r in results if r.key != HOLDOUT)
    return stats.sample_ratio_mismatch(
        [holdout.trials, rest], [holdout.intended_share, 1 - holdout.intended_share]
    )


def _leader(results: list[ArmResult], srm: stats.SampleRatio | None) -> str | None:
    """The best arm that beats the control on the always-valid test (never with an SRM)."""
    if srm is not None and srm.mismatch:
        return None
    better = [
        r
        for r in results
        if r.sequential_significant and r.difference is not None and r.difference > 0
    ]
    if not better:
        return None
    return max(better, key=lambda r: r.rate or 0.0).key


def current_allocation(campaign: Any, segment: str = "") -> dict[str, float] | None:
    """The published automatic allocation (shares by creative key) of a campaign's audience
    (``""`` = all audiences), or None."""
    row = CampaignAllocation.objects.filter(campaign=campaign).first()
    if row is None:
        return None
    shares = (row.weights or {}).get(segment)
    return dict(shares) if isinstance(shares, dict) else None


def _round(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(value, digits)


def readout_dict(result: Readout) -> dict[str, Any]:
    """The ``experiment`` object of ``GET /api/v1/reports/campaigns/<slug>/``."""
    arms = []
    for arm in result.arms:
        arms.append(
            {
                "arm": arm.key,
                "label": arm.label,
                "control": arm.control,
                "winner": arm.winner,
                "intended_share": _round(arm.intended_share),
                "impressions": arm.trials,
                "successes": arm.successes,
                "rate": _round(arm.rate),
                "interval": [_round(v) for v in arm.interval] if arm.interval else None,
                "difference": _round(arm.difference),
                "relative_lift": _round(arm.relative),
                "z": _round(arm.z),
                "p_value": _round(arm.p_value, 8),
                "chance_to_beat_control": _round(arm.chance_to_beat),
                "expected_loss": _round(arm.expected_loss, 8),
                "chance_to_be_best": _round(arm.chance_to_be_best),
                "sequential": None
                if arm.sequential_p is None
                else {
                    "p_value": _round(arm.sequential_p, 8),
                    "interval": [_round(v) for v in arm.sequential_interval or ()],
                    "significant": arm.sequential_significant,
                },
            }
        )
    srm = None
    if result.srm is not None:
        srm = {
            "statistic": _round(result.srm.statistic),
            "p_value": _round(result.srm.p_value, 8),
            "mismatch": result.srm.mismatch,
        }
    return {
        "goal": result.goal,
        "allocation": result.allocation,
        "control": result.control,
        "alpha": result.alpha,
        "arms": arms,
        "sample_ratio": srm,
        "required_per_arm": result.required_per_arm,
        "progress": _round(result.progress),
        "winner": result.winner,
        "leader": result.leader,
    }


def experiment_report(
    campaign: Any, since: date | None = None, until: date | None = None
) -> dict[str, Any] | None:
    """The report API's ``experiment`` object, or None when the campaign is no experiment."""
    if not is_experiment(campaign):
        return None
    return readout_dict(readout(campaign, since, until))


class WinnerError(ValueError):
    """Declaring this winner is not possible now (the message says why, for the marketer)."""


def declare_winner(campaign: Any, creative_id: int, user: Any) -> Any:
    """Propose ``creative_id`` as the campaign's winner: a new revision of the campaign with
    ``winner`` set, submitted to the campaign's approval workflow. Nothing changes on the site
    until compliance approves it (the approval publishes the revision). Returns the workflow
    state, or None when no workflow applies (the revision then waits as a draft)."""
    if campaign.workflow_in_progress:
        raise WinnerError(
            _("The campaign is already awaiting approval; declare the winner after that review.")
        )
    draft = campaign.get_latest_revision_as_object()
    creative_ids = {link.creative_id for link in draft.campaign_creatives.all()}
    if creative_id not in creative_ids:
        raise WinnerError(_("That creative is not one of the campaign's creatives."))
    draft.winner_id = creative_id
    draft.save_revision(user=user, log_action=True)
    workflow = campaign.get_workflow()
    if workflow is None:
        return None
    state = workflow.start(draft, user)
    campaign.refresh_from_db()
    return state


def experiment_summary(
    campaign: Any, since: date | None = None, until: date | None = None
) -> dict[str, Any] | None:
    """The report API's ``experiment`` object for a range (default: the last 90 days)."""
    return experiment_report(campaign, since, until)


def lift(campaign: Any, since: date, until: date) -> float | None:
    """Relative lift of the goal's rate over the holdout, for the campaign list: every creative
    together against the holdout; None without a holdout or without data on both sides."""
    if not (campaign.holdout_percent or 0):
        return None
    held = ArmTotal(HOLDOUT)
    shown = ArmTotal("shown")
    for total in arm_totals(campaign.slug, since, until):
        if total.arm == HOLDOUT:
            held = total
        else:
            shown = ArmTotal(
                "shown",
                "",
                shown.impressions + total.impressions,
                shown.clicks + total.clicks,
                shown.conversions + total.conversions,
            )
    if not held.impressions or not shown.impressions:
        return None
    base = held.successes(campaign.goal) / held.impressions
    if base <= 0:
        return None
    return shown.successes(campaign.goal) / shown.impressions / base - 1
