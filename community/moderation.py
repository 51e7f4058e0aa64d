"""Keeping the community civil: the approval queue, reports, and the
actions moderators take (every one of them logged as a `ModerationAction`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import (
    Board,
    HeldReason,
    Member,
    ModerationAction,
    NotificationKind,
    Post,
    PostReport,
    Topic,
)
from community.notifications import notify
from community.posting import PostOutcome, edit_post, publish_post

# Ten years is "for good" for a bank's forum; more would overflow the date arithmetic.
MIN_SUSPENSION_DAYS = 1
MAX_SUSPENSION_DAYS = 3650


def report_post(post: Post, reporter: Any, reason: str) -> PostReport:
    reason = (reason or "").strip()
    if not reason:
        raise ValueError(_("Say why you are reporting this post."))
    return PostReport.objects.create(post=post, reporter=reporter, reason=reason[:500])


def queue() -> Any:
    """Posts awaiting approval and posts with open reports, oldest first."""
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
    outcome = edit_post(post, moderator, body, redact=True)
    _log(moderator, ModerationAction.Kind.EDIT, _post_target(post), reason, post=post)
    return outcome


@transaction.atomic
def warn(member_user: Any, moderator: Any, reason: str) -> None:
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
