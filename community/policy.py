"""The community's posting policy: how fast a member may post and why a post waits for a
moderator (links, duplicates, a new account or member). Posting and editing ask it; it knows
nothing of posting itself, so `community.posting` and `community.moderation` both build on it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from community.access import is_moderator
from community.markup import count_links
from community.models import CommunitySettings, HeldReason, Post
from targeting.tracking.ratelimit import hit

MAX_LINKS = 3
NEW_ACCOUNT_AGE = timedelta(days=1)
DUPLICATE_WINDOW = timedelta(days=1)
# (posts, seconds) per account and per network address; settings may override.
DEFAULT_RATE_LIMITS = {"account": (5, 60), "address": (20, 60)}


class RateLimited(Exception):
    """Too many posts in a short time; the view answers 429 with a friendly page."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def _rate_limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_RATE_LIMITS, **getattr(settings, "COMMUNITY_RATE_LIMITS", {})}


def check_rate_limit(user: Any, ip: str | None) -> None:
    """Raise `RateLimited` when the account or its address posts too fast.

    ``ip`` is the client address from ``targeting.tracking.clientaddr`` (behind trusted proxies,
    the customer's, not the proxy's); counting goes through the portal's one rate limiter.
    """
    if is_exempt(user):
        return
    limits = _rate_limits()
    limit, window = limits["account"]
    # Retry-After names the whole window: a simple, safe upper bound for a person to wait.
    if hit(f"community:user:{user.pk}", limit, window):
        raise RateLimited(window)
    if ip:
        limit, window = limits["address"]
        if hit(f"community:ip:{ip}", limit, window):
            raise RateLimited(window)


def is_exempt(user: Any) -> bool:
    """Staff and moderators are trusted: no queue, no rate limit."""
    return bool(user.is_staff or is_moderator(user))


def held_reasons(user: Any, body: str, exclude: Post | None = None) -> list[str]:
    """Why a new post (or an edit of ``exclude``) must wait for a moderator (empty: publish)."""
    if is_exempt(user):
        return []
    reasons: list[str] = []
    needed = CommunitySettings.load().posts_needing_approval
    if needed and Post.objects.filter(author=user, approved=True).count() < needed:
        reasons.append(HeldReason.NEW_MEMBER)
    if count_links(body) > MAX_LINKS:
        reasons.append(HeldReason.LINKS)
    since = timezone.now() - DUPLICATE_WINDOW
    same_text = Post.objects.filter(author=user, body_markdown=body.strip(), created__gte=since)
    if exclude is not None:
        same_text = same_text.exclude(pk=exclude.pk)
    if same_text.exists():
        reasons.append(HeldReason.DUPLICATE)
    joined = getattr(user, "date_joined", None)
    if joined and timezone.now() - joined < NEW_ACCOUNT_AGE:
        reasons.append(HeldReason.NEW_ACCOUNT)
    return reasons
