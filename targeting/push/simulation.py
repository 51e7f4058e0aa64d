"""Pushes in ``POST /api/v1/simulate``: which triggers would fire and which offer would go out.

Registered with ``targeting.simulation.register_extension`` (targeting never imports push). A
described visitor is nobody's customer, so the contact policy (consent, caps, quiet hours, opt-out)
is not evaluated: the answer says so, and shows eligibility, suitability and the ranking, with
``event.*`` attributes from the simulation's ``attributes`` (e.g. a card payment's MCC and amount).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from targeting.engine.context import VisitorContext
from targeting.push.arbitration import ChannelVerdict, OfferCandidate, Propensity, arbitrate
from targeting.push.decisions import candidate, compile_optional, segment_lookup
from targeting.push.models import Trigger

NOT_EVALUATED = "contact policy not evaluated (a simulated visitor is nobody's customer)"


def simulate_pushes(ctx: VisitorContext, now: datetime) -> dict[str, Any] | None:
    """None (no ``pushes`` key) unless the simulation describes an event with ``event.type``:
    a plain page-view simulation costs nothing more and answers as before."""
    event_type = ctx.get("event.type")
    if not event_type:
        return None
    lookup = segment_lookup()
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
        offers = list(trigger.offers.order_by("pk"))

        def policy(offer: OfferCandidate) -> list[ChannelVerdict]:
            return [ChannelVerdict(c, "send", NOT_EVALUATED) for c in offer.channels]

        def propensity(offer: OfferCandidate) -> Propensity:
            return Propensity(offer.prior_propensity, "prior")

        outcome = arbitrate(
            [candidate(o, now, lookup) for o in offers],
            ctx,
            tolerance=ctx.get("profile.risk_tolerance"),
            policy=policy,
            propensity=propensity,
        )
        decisions[trigger.slug] = outcome.as_dict()
    return {"triggers": triggers, "decisions": decisions, "contact_policy": NOT_EVALUATED}
