"""Arbitration: for one customer at one moment, the best offer and channel, or none, explained.

Plain Python (the Django layer builds the inputs), in this order:

1. eligibility: the offer is live, still valid and its audience rule matches the customer;
2. suitability: the engine's one guard (``targeting.engine.suitability``): a product above the
   customer's risk tolerance is never pushed;
3. contact policy: consent, the control group, opt-outs, caps and quiet hours give each channel a
   verdict (``targeting.push.policy``); an offer with no channel left is out;
4. rank: ``priority × propensity × value``, propensity being the measured conversion rate of that
   offer in that audience (measurement's rollups of push outcomes) smoothed with a Beta prior: the
   marketer's expected rate counts as ``weight`` pseudo-sends (``beta_propensity``), so the
   prior rules while few sends are measured and the measured rate takes over as they grow.

The explanation has one entry per offer: why it won, or the first step that ruled it out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from targeting.engine.rules import Predicate
from targeting.engine.suitability import check_suitability


@dataclass(frozen=True)
class OfferCandidate:
    """An offer as arbitration sees it."""

    slug: str
    name: str
    priority: int
    value: float
    prior_propensity: float
    risk_level: int | None
    channels: tuple[str, ...]
    audience: Predicate | None = None
    live: bool = True
    expired: bool = False
    #: An audience rule that could not be compiled: the offer is out (never sent to everyone).
    rule_error: str = ""


@dataclass(frozen=True)
class ChannelVerdict:
    """What the contact policy says about one channel: send now, defer, or not at all."""

    channel: str
    action: str  # "send" | "defer" | "block"
    reason: str = ""
    not_before: str | None = None


@dataclass(frozen=True)
class Propensity:
    rate: float
    source: str  # "measured" | "prior"
    sends: int = 0
    conversions: int = 0
    prior: float | None = None
    weight: float = 0.0

    def formula(self) -> str:
        """How the rate was reached, for the explanation."""
        if self.prior is None:
            return f"{self.rate:.4g}"
        return (
            f"({self.conversions} + {self.weight:g} × {self.prior:g}) / "
            f"({self.sends} + {self.weight:g}) = {self.rate:.4g}"
        )


def beta_propensity(prior: float, weight: float, sends: int, conversions: int) -> Propensity:
    """The posterior mean conversion rate under a Beta prior from the marketer's rate.

    The prior is Beta(weight × prior, weight × (1 − prior)): the marketer's expected rate counts as
    ``weight`` sends already made. After ``sends`` sends with ``conversions`` conversions the mean
    is (conversions + weight × prior) / (sends + weight). With no send measured it is the prior.
    Counts that make no sense (negative, more conversions than sends) are clamped.
    """
    prior = min(max(float(prior), 0.0), 1.0) if math.isfinite(prior) else 0.0
    weight = max(float(weight), 0.0) if math.isfinite(weight) else 0.0
    sends = max(int(sends), 0)
    conversions = min(max(int(conversions), 0), sends)
    if sends == 0:
        return Propensity(prior, "prior", 0, 0, prior, weight)
    rate = (conversions + weight * prior) / (sends + weight)
    return Propensity(rate, "measured", sends, conversions, prior, weight)


@dataclass
class Outcome:
    """The result: ``offer``/``channel`` None when nothing is sent."""

    offer: OfferCandidate | None = None
    channel: ChannelVerdict | None = None
    score: float = 0.0
    explain: list[dict[str, Any]] = field(default_factory=list)
    suitability_notice: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "offer": self.offer.slug if self.offer else None,
            "channel": self.channel.channel if self.channel else None,
            "action": self.channel.action if self.channel else None,
            "score": round(self.score, 6),
            "risk_notice": self.suitability_notice,
            "explain": self.explain,
        }


PolicyFn = Callable[[OfferCandidate], Sequence[ChannelVerdict]]
PropensityFn = Callable[[OfferCandidate], Propensity]


def arbitrate(
    candidates: Sequence[OfferCandidate],
    ctx: Any,
    *,
    tolerance: Any,
    policy: PolicyFn,
    propensity: PropensityFn,
    preferred_channels: Sequence[str] = (),
) -> Outcome:
    """Pick the best offer and channel for ``ctx`` (a ``VisitorContext``)."""
    explain: list[dict[str, Any]] = []
    ranked: list[tuple[float, int, OfferCandidate, ChannelVerdict, dict[str, Any], bool]] = []
    for index, offer in enumerate(candidates):
        entry: dict[str, Any] = {"offer": offer.slug, "name": offer.name}
        explain.append(entry)
        if not offer.live:
            entry.update(step="eligibility", result="out", reason="not approved (not live)")
            continue
        if offer.expired:
            entry.update(step="eligibility", result="out", reason="past its validity")
            continue
        if offer.rule_error:
            entry.update(step="eligibility", result="out", reason=offer.rule_error)
            continue
        if offer.audience is not None:
            try:
                matched = offer.audience(ctx)
            except Exception as error:  # a failing rule never sends to the wrong person
                entry.update(step="eligibility", result="out", reason=f"rule failed: {error}")
                continue
            if not matched:
                entry.update(step="eligibility", result="out", reason="audience rule not met")
                continue
        verdict = check_suitability(offer.risk_level, tolerance)
        entry["suitability"] = verdict.reason
        if not verdict.promotable:
            entry.update(step="suitability", result="out", reason=verdict.reason)
            continue
        verdicts = list(policy(offer))
        entry["channels"] = {v.channel: f"{v.action}: {v.reason}" for v in verdicts}
        usable = [v for v in verdicts if v.action != "block"]
        if not usable:
            reasons = "; ".join(f"{v.channel}: {v.reason}" for v in verdicts) or "no channel"
            entry.update(step="contact policy", result="out", reason=reasons)
            continue
        order = {c: i for i, c in enumerate(preferred_channels or offer.channels)}
        # Send-now channels first, then the offer's (or the trigger's) channel order.
        usable.sort(key=lambda v: (v.action != "send", order.get(v.channel, len(order))))
        chosen = usable[0]
        rate = propensity(offer)
        score = offer.priority * rate.rate * offer.value
        entry.update(
            step="rank",
            propensity=round(rate.rate, 6),
            propensity_source=rate.source,
            measured_sends=rate.sends,
            measured_conversions=rate.conversions,
            propensity_formula=rate.formula(),
            priority=offer.priority,
            value=offer.value,
            score=round(score, 6),
            channel=chosen.channel,
        )
        ranked.append((score, -index, offer, chosen, entry, verdict.notice))
    if not ranked:
        return Outcome(explain=explain)
    ranked.sort(key=lambda item: (item[0], item[1]), reverse=True)
    score, _index, best, channel, best_entry, notice = ranked[0]
    for other_score, _i, _other, _c, entry, _n in ranked[1:]:
        entry.update(
            result="out",
            reason=f"ranked below {best.slug} ({other_score:.4g} < {score:.4g})",
        )
    best_entry.update(
        result="chosen",
        reason=f"highest score {score:.4g} = priority {best.priority} × propensity "
        f"{best_entry['propensity']} ({best_entry['propensity_source']}) × value {best.value:g}",
    )
    return Outcome(
        offer=best, channel=channel, score=score, explain=explain, suitability_notice=notice
    )
