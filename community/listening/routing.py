"""Routing: the first active ``RoutingRule`` that fits a post sends it to its team's queue.

What follows routing: a purchase intent by a known customer is recorded in the customer's
profile (``listening.*`` rule attributes, docs/rule-language.md); teams hear of new items in
their queue through the admin.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from community.listening.models import ListeningItem, RoutingRule, Topic

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Route:
    topic: str
    product_type: str
    source: str
    team_id: int
    draft_complaint: bool


def rules() -> list[Route]:
    return [
        Route(r.topic, r.product_type, r.source, r.team_id, r.draft_complaint)
        for r in RoutingRule.objects.filter(active=True).order_by("priority", "id")
    ]


def route(item: ListeningItem, routes: list[Route]) -> Route | None:
    for candidate in routes:
        if candidate.topic != item.topic:
            continue
        if candidate.product_type and candidate.product_type != item.product_type:
            continue
        if candidate.source and candidate.source != item.source:
            continue
        return candidate
    return None


def after_routing(items: list[ListeningItem]) -> None:
    """Purchase intents of known customers become a profile fact targeting can read."""
    intents = [i for i in items if i.topic == Topic.PURCHASE_INTENT and i.author_id]
    if not intents:
        return
    # local: profiles are tracking's; imported only when there is an intent to record
    from community.listening import intents as intent_facts

    try:
        intent_facts.record(intents)
    except Exception:  # targeting facts never stop listening
        log.exception("listening: purchase intents could not be recorded")
