"""Keeping the community civil: the approval queue, spam signals, reports, rate limits, and the
actions moderators take (every one of them logged as a `ModerationAction`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.markup import count_links
from community.models import (
    Board,
    CommunitySettings,
    HeldReason,
    Member,
    ModerationAction,
    NotificationKind,
    Post,
    PostReport,
    Topic,
)

if TYPE_CHECKING:
    from community.posting import PostOutcome

MAX_LINKS = 3
NEW_ACCOUNT_AGE = timedelta(days=1)
DUPLICATE_WINDOW = timedelta(days=1)
# Ten years is "for good" for a bank's forum; more would overflow the date arithmetic.
MIN_SUSPENSION_DAYS = 1
MAX_SUSPENSION_DAYS = 3650
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
    from targeting.tracking.ratelimit import hit

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
    from community.access import is_moderator

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


def report_post(post: Post, reporter: Any, reason: str) -> PostReport:
    reason = (reason or "").strip()
    if not reason:
        raise ValueError(_("Say why you are reporting this post."))
    return PostReport.objects.create(post=post, reporter=reporter, reason=reason[:500])


def queue() -> Any:
    """Posts awaiting approval and posts with open reports, oldest first."""
    from django.db.models import Count, Q

    return (
        Post.objects.filter(Q(approved=False, hidden=False) | Q(reports__resolved=False))
        .annotate(open_reports=Count("reports", filter=Q(reports__resolved=False)))
        .select_related("topic", "topic__board", "author")
        .distinct()
        .order_by("id")
    )


def _log(moderator: Any, action: str, target: str, reason: str = "", **links: Any) -> None:
    ModerationAction.objects.create(
        moderator=moderator, action=action, target=target[:200], reason=reason[:500], **links
    )


def _post_target(post: Post) -> str:
    return f"post #{post.pk} in “{post.topic.title}”"


@transaction.atomic
def approve(post: Post, moderator: Any, reason: str = "") -> None:
    from community.posting import publish_post

    if post.approved:
        return
    # A post held after an edit was published before: its counters and notices went out then.
    republished = HeldReason.EDITED in post.held_reasons.split(",")
    post.approved = True
    post.save(update_fields=["approved"])
    PostReport.objects.filter(post=post).update(resolved=True)
    if not republished:
        publish_post(post)
    _log(moderator, ModerationAction.Kind.APPROVE, _post_target(post), reason, post=post)


@transaction.atomic
def hide(post: Post, moderator: Any, reason: str = "") -> None:
    post.hidden = True
    post.save(update_fields=["hidden"])
    PostReport.objects.filter(post=post).update(resolved=True)
    first = Post.objects.filter(topic=post.topic).order_by("id").first()
    if first and first.pk == post.pk:
        Topic.objects.filter(pk=post.topic_id).update(hidden=True)
    _log(moderator, ModerationAction.Kind.HIDE, _post_target(post), reason, post=post)


@transaction.atomic
def unhide(post: Post, moderator: Any, reason: str = "") -> None:
    post.hidden = False
    post.save(update_fields=["hidden"])
    Topic.objects.filter(pk=post.topic_id).update(hidden=False)
    _log(moderator, ModerationAction.Kind.UNHIDE, _post_target(post), reason, post=post)


@transaction.atomic
def dismiss_reports(post: Post, moderator: Any, reason: str = "") -> None:
    PostReport.objects.filter(post=post).update(resolved=True)
    _log(moderator, ModerationAction.Kind.DISMISS, _post_target(post), reason, post=post)


@transaction.atomic
def delete(post: Post, moderator: Any, reason: str = "") -> None:
    """Delete a post; deleting a topic's opening post deletes the topic."""
    topic = post.topic
    target = _post_target(post)
    first = Post.objects.filter(topic=topic).order_by("id").first()
    member = post.author
    if first and first.pk == post.pk:
        _log(
            moderator, ModerationAction.Kind.DELETE, f"topic “{topic.title}”", reason, member=member
        )
        topic.delete()
        return
    post.delete()
    Topic.objects.filter(pk=topic.pk, reply_count__gt=0).update(reply_count=topic.reply_count - 1)
    _log(moderator, ModerationAction.Kind.DELETE, target, reason, topic=topic, member=member)


@transaction.atomic
def edit(post: Post, moderator: Any, body: str, reason: str = "") -> PostOutcome:
    """A moderator's edit is a redaction: what it takes out is also wiped from the history."""
    from community.posting import edit_post

    outcome = edit_post(post, moderator, body, redact=True)
    _log(moderator, ModerationAction.Kind.EDIT, _post_target(post), reason, post=post)
    return outcome


@transaction.atomic
def warn(member_user: Any, moderator: Any, reason: str) -> None:
    from community.posting import notify

    member, _created = Member.objects.get_or_create(user=member_user)
    member.warnings += 1
    member.save(update_fields=["warnings"])
    notify(
        member_user,
        NotificationKind.MODERATION,
        _("A moderator warned you: %(reason)s") % {"reason": reason or _("see the house rules")},
    )
    _log(
        moderator,
        ModerationAction.Kind.WARN,
        member_user.get_username(),
        reason,
        member=member_user,
    )


@transaction.atomic
def suspend(member_user: Any, moderator: Any, days: int, reason: str) -> None:
    from community.posting import notify

    if not MIN_SUSPENSION_DAYS <= days <= MAX_SUSPENSION_DAYS:
        raise ValueError(
            _("Days: enter a whole number from %(min)s to %(max)s.")
            % {"min": MIN_SUSPENSION_DAYS, "max": MAX_SUSPENSION_DAYS}
        )
    member, _created = Member.objects.get_or_create(user=member_user)
    member.suspended_until = timezone.now() + timedelta(days=days)
    member.save(update_fields=["suspended_until"])
    notify(
        member_user,
        NotificationKind.MODERATION,
        _("You cannot post for %(days)s days: %(reason)s") % {"days": days, "reason": reason},
    )
    _log(
        moderator,
        ModerationAction.Kind.SUSPEND,
        f"{member_user.get_username()} for {days} days",
        reason,
        member=member_user,
    )


@transaction.atomic
def set_locked(topic: Topic, moderator: Any, locked: bool, reason: str = "") -> None:
    topic.locked = locked
    topic.save(update_fields=["locked"])
    kind = ModerationAction.Kind.LOCK if locked else ModerationAction.Kind.UNLOCK
    _log(moderator, kind, f"topic “{topic.title}”", reason, topic=topic)


@transaction.atomic
def set_pinned(topic: Topic, moderator: Any, pinned: bool, reason: str = "") -> None:
    topic.pinned = pinned
    topic.save(update_fields=["pinned"])
    kind = ModerationAction.Kind.PIN if pinned else ModerationAction.Kind.UNPIN
    _log(moderator, kind, f"topic “{topic.title}”", reason, topic=topic)


@transaction.atomic
def move(topic: Topic, moderator: Any, board: Board, reason: str = "") -> None:
    old = topic.board
    topic.board = board
    topic.save(update_fields=["board"])
    _log(
        moderator,
        ModerationAction.Kind.MOVE,
        f"topic “{topic.title}” from {old.name} to {board.name}",
        reason,
        topic=topic,
    )
