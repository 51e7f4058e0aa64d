"""What still uses a segment, placement or creative, so the API never deletes one in use.

Deleting an audience that a campaign includes would silently widen that campaign to everyone
(an empty include list means "everyone"), and a rule naming a deleted audience stops matching;
so the API refuses and says what uses it. The admin shows the same usage before deleting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from targeting.engine.rules import segments_used
from targeting.models import Campaign, Segment

if TYPE_CHECKING:  # for annotations only, as the functions import the models when called
    from targeting.models import Creative, Placement, Segment


def segment_users(segment: Segment) -> list[str]:
    """Campaigns including or excluding the segment, and segments whose rule names it."""
    users = [
        f"campaign {slug}"
        for slug in Campaign.objects.filter(
            models.Q(include_segments=segment) | models.Q(exclude_segments=segment)
        )
        .values_list("slug", flat=True)
        .distinct()
        .order_by("slug")
    ]
    for slug, rule in Segment.objects.exclude(pk=segment.pk).values_list("slug", "rule"):
        if segment.slug in segments_used(rule):
            users.append(f"segment {slug}")
    return users


def placement_users(placement: Placement) -> list[str]:
    """Campaigns shown in the placement."""
    return [
        f"campaign {slug}"
        for slug in placement.campaigns.order_by("slug").values_list("slug", flat=True)
    ]


def creative_users(creative: Creative) -> list[str]:
    """Campaigns rotating the creative."""
    return [
        f"campaign {slug}"
        for slug in Campaign.objects.filter(campaign_creatives__creative=creative)
        .values_list("slug", flat=True)
        .distinct()
        .order_by("slug")
    ]
