"""Seen impressions per visitor, campaign and day: what frequency caps count (issue 10 item 1).

An impression counts when the beacon reports it seen (half the creative in view for a second),
or a channel system reports it, never when the server merely rendered it. The event API counts
each newly accepted ``impression`` here, in the cache (Redis in production): no database query,
and the page that shows the creative does no counting at all. ``targeting.rendering`` reads the
counts of the capped campaigns of a placement with one ``get_many``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.utils import timezone

#: Counters live two days so "today" is still there just after midnight.
SEEN_TTL = 60 * 60 * 48


def seen_key(visitor_id: str, campaign: str, day: str) -> str:
    """The counter of one visitor's seen impressions of one campaign (by slug) on one day."""
    return f"trk:seen:{visitor_id}:{campaign}:{day}"


def local_day(moment: datetime) -> str:
    return timezone.localtime(moment).date().isoformat()


def count_seen(events: Iterable[Any]) -> None:
    """Count accepted ``impression`` events (objects with ``type``, ``at``, ``visitor`` and
    ``properties``); events without a visitor or a campaign are not countable."""
    counts: Counter[str] = Counter()
    for event in events:
        campaign = (event.properties or {}).get("campaign")
        if event.type != "impression" or not event.visitor or not isinstance(campaign, str):
            continue
        counts[seen_key(event.visitor, campaign, local_day(event.at))] += 1
    for key, amount in counts.items():
        if cache.add(key, amount, SEEN_TTL):
            continue
        try:
            cache.incr(key, amount)
        except ValueError:  # expired between add and incr
            cache.set(key, amount, SEEN_TTL)


def seen_today(visitor_id: str, campaigns: Iterable[str], now: datetime) -> dict[str, int]:
    """Today's seen impressions of these campaigns (slugs) by this visitor: one cache read."""
    day = local_day(now)
    keys = {seen_key(visitor_id, slug, day): slug for slug in campaigns}
    if not keys:
        return {}
    return {keys[k]: int(v) for k, v in cache.get_many(list(keys)).items()}
