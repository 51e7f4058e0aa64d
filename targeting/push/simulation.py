"""Pushes in ``POST /api/v1/simulate``: which triggers would fire, which offer would go out, and
what the contact policy would do with it.

Registered with ``targeting.simulation.register_extension`` (targeting never imports push). A
described visitor is nobody's customer and a simulation never reads a real customer's record, so
the contact policy is applied to a **described customer**: one who consents to marketing, has
every address (mobile, WeChat, e-mail), has opted out of nothing, has received nothing today or
this week and is outside the control group, at the simulation's time (``request.at``: quiet hours
depend on it). The answer says so, shows the policy in force, and says what the policy would do
if each assumption were otherwise (``what_if``: no consent, opted out of the chosen channel, the
caps reached, in the control group), each by running the same arbitration again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.utils import timezone

from targeting.engine.context import VisitorContext
from targeting.push.arbitration import ChannelVerdict, OfferCandidate, Propensity, arbitrate
from targeting.push.decisions import candidate, compile_optional, segment_lookup
from targeting.push.models import ContactPreference, Trigger
from targeting.push.policy import (
    STAFF_CHANNELS,
    ContactPolicy,
    Policy,
    in_quiet_hours,
    quiet_hours_end,
)

ASSUMED = (
    "contact policy applied to a described customer: consents to marketing, has every address, "
    "has opted out of nothing, received nothing today or this week, outside the control group"
)


@dataclass(frozen=True)
class Described:
    """The described customer's contact state (the assumptions, or one changed for ``what_if``)."""

    consent: bool = True
    opted_out: tuple[str, ...] = ()
    sent_today: int = 0
    sent_this_week: int = 0
    control_group: bool = False


class DescribedContact(ContactPolicy):
    """The contact policy for a described customer: no query, no real record."""

    def __init__(self, described: Described, policy: Policy, now: datetime, branch: str) -> None:
        pref = ContactPreference(
            marketing_consent=described.consent,
            opted_out=list(described.opted_out),
            phone="described",
            wechat_openid="described",
        )
        super().__init__(0, pref, policy, now, branch)
        self.consent = {**self.consent, "control_group": described.control_group}
        # Today's sends spread over no channel in particular; the channel cap follows the daily.
        per_channel = policy.channel_daily_cap if described.sent_today >= policy.daily_cap else 0
        self._counts = (
            described.sent_today,
            described.sent_this_week,
            dict.fromkeys(("sms", "email", "wechat", "inbox"), per_channel),
        )

    def _email(self) -> str:
        return "described"


def policy_summary(policy: Policy, now: datetime) -> dict[str, Any]:
    quiet = in_quiet_hours(now, policy)
    return {
        "assumed": ASSUMED,
        "at": timezone.localtime(now).isoformat(),
        "daily_cap": policy.daily_cap,
        "weekly_cap": policy.weekly_cap,
        "channel_daily_cap": policy.channel_daily_cap,
        "quiet_hours": f"{policy.quiet_start:02d}:00-{policy.quiet_end:02d}:00",
        "in_quiet_hours": quiet,
        "quiet_hours_end": quiet_hours_end(now, policy).isoformat() if quiet else None,
        "control_percent": policy.control_percent,
        "order": "consent, opt-out of the channel, an address, caps (day, week, channel), "
        "quiet hours (deferred where the offer allows, else dropped); the control group is "
        "applied after arbitration (logged as suppressed, nothing sent)",
        "staff_channels": "the lead queue and the queue screen need consent only",
    }


def _arbitrate(
    offers: list[Any], ctx: VisitorContext, now: datetime, contact: ContactPolicy
) -> Any:
    lookup = segment_lookup()
    by_slug = {o.slug: o for o in offers}

    def policy(offer: OfferCandidate) -> list[ChannelVerdict]:
        return [
            contact.verdict(c, by_slug[offer.slug].defer_in_quiet_hours) for c in offer.channels
        ]

    def propensity(offer: OfferCandidate) -> Propensity:
        return Propensity(offer.prior_propensity, "prior")

    return arbitrate(
        [candidate(o, now, lookup) for o in offers],
        ctx,
        tolerance=ctx.get("profile.risk_tolerance"),
        policy=policy,
        propensity=propensity,
    )


def _result(outcome: Any, described: Described) -> dict[str, Any]:
    if outcome.offer is None:
        return {"offer": None, "channel": None, "action": None, "result": "nothing is sent"}
    action = outcome.channel.action
    if described.control_group:
        result = "logged as suppressed, nothing sent (global control group)"
    elif action == "defer":
        result = f"deferred to {outcome.channel.not_before} (quiet hours)"
    else:
        result = "sent now"
    return {
        "offer": outcome.offer.slug,
        "channel": outcome.channel.channel,
        "action": action,
        "result": result,
    }


def _what_if(
    offers: list[Any], ctx: VisitorContext, now: datetime, policy: Policy, branch: str, chosen: Any
) -> dict[str, Any]:
    base = Described()
    scenarios: dict[str, Described] = {
        "no_marketing_consent": replace(base, consent=False),
        "daily_cap_reached": replace(base, sent_today=policy.daily_cap),
        "weekly_cap_reached": replace(base, sent_this_week=policy.weekly_cap),
        "in_control_group": replace(base, control_group=True),
    }
    if chosen is not None and chosen.channel not in STAFF_CHANNELS:
        scenarios[f"opted_out_of_{chosen.channel}"] = replace(base, opted_out=(chosen.channel,))
    answers = {}
    for name, described in scenarios.items():
        outcome = _arbitrate(offers, ctx, now, DescribedContact(described, policy, now, branch))
        answers[name] = _result(outcome, described)
    return answers


def _branch(ctx: VisitorContext) -> str:
    if ctx.get("event.type") != "branch_queue_swipe":
        return ""
    branch = ctx.get("event.branch")
    return branch[:40] if isinstance(branch, str) else ""


def simulate_pushes(ctx: VisitorContext, now: datetime) -> dict[str, Any] | None:
    """None (no ``pushes`` key) unless the simulation describes an event with ``event.type``:
    a plain page-view simulation costs nothing more and answers as before."""
    event_type = ctx.get("event.type")
    if not event_type:
        return None
    lookup = segment_lookup()
    policy = Policy.load()
    branch = _branch(ctx)
    triggers: list[dict[str, Any]] = []
    decisions: dict[str, Any] = {}
    for trigger in Trigger.objects.filter(live=True, enabled=True).prefetch_related("offers"):
        row: dict[str, Any] = {"trigger": trigger.slug, "kind": trigger.kind}
        triggers.append(row)
        if trigger.kind == Trigger.KIND_EVENT and trigger.event_type != event_type:
            row.update(fires=False, reason=f"listens to {trigger.event_type}, not {event_type}")
            continue
        if trigger.kind not in (Trigger.KIND_EVENT, Trigger.KIND_BEHAVIOUR):
            row.update(fires=False, reason="runs on entering an audience, a schedule or a date")
            continue
        condition, error = compile_optional(trigger.condition, lookup)
        if error:
            row.update(fires=False, reason=error)
            continue
        if condition is not None and not condition(ctx):
            row.update(fires=False, reason="condition not met")
            continue
        row.update(fires=True, reason="condition met" if condition else "no condition")
        offers = sorted(trigger.offers.all(), key=lambda offer: offer.pk)
        described = Described()
        outcome = _arbitrate(offers, ctx, now, DescribedContact(described, policy, now, branch))
        decisions[trigger.slug] = {
            **outcome.as_dict(),
            **{"contact_policy": _result(outcome, described)},
            "what_if": _what_if(offers, ctx, now, policy, branch, outcome.channel),
        }
    return {
        "triggers": triggers,
        "decisions": decisions,
        "contact_policy": policy_summary(policy, now),
    }
