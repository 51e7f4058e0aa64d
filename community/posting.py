"""Writing in the community: topics, replies, edits, likes, subscriptions, notifications.

Views call these functions; each checks what the bank's rules require (suspension, rate limits,
locked topics, the moderation queue) and raises `PostingError` with a message for the member.
Side effects (notifications and their emails) are explicit calls, queued after the commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community import policy
from community.access import is_bank_staff, is_moderator
from community.markup import render_markdown
from community.masking import mask_sensitive
from community.models import (
    Board,
    HeldReason,
    Like,
    Member,
    NotificationKind,
    Post,
    PostRevision,
    Subscription,
    Topic,
    TopicReadState,
)
from community.notifications import display_name, notify

POSTS_PER_PAGE = 20
TOPICS_PER_PAGE = 30
MAX_MENTIONS = 10
MENTION_RE = re.compile(r"(?<![\w@])@([\w.+-]{2,150})")


class PostingError(Exception):
    """A member may not post this; the message says why, in words for the member."""


# Control characters (CR/LF among them) have no place in a one-line title: they would break the
# e-mail subjects built from it. U+2028/2029 and NEL are line breaks too. A tab is only a wide
# space and becomes one.
TITLE_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass
class PostOutcome:
    """What happened to a new or edited post: published, or held for the moderators and why.

    ``masked`` names the kinds of sensitive number (see `community.masking`) that were hidden in
    the member's text, so the page can tell them why their text changed.
    """

    post: Post
    held: bool
    masked: set[str] = field(default_factory=set)


def member_for(user: Any) -> Member:
    member, _created = Member.objects.get_or_create(user=user)
    return member


def _check_can_write(user: Any, ip: str | None) -> None:
    member = member_for(user)
    if member.is_suspended():
        local = timezone.localtime(member.suspended_until)
        raise PostingError(
            _("Your account is suspended from posting until %(date)s.")
            % {"date": f"{local:%Y-%m-%d %H:%M}"}
        )
    policy.check_rate_limit(user, ip)


def _new_post(topic: Topic, user: Any, body: str, ip: str | None) -> PostOutcome:
    masked = mask_sensitive((body or "").strip(), markdown=True)
    body = masked.text
    if not body:
        raise PostingError(_("Write a message before posting."))
    reasons = policy.held_reasons(user, body)
    post = Post.objects.create(
        topic=topic,
        author=user,
        body_markdown=body,
        body_html=render_markdown(body),
        approved=not reasons,
        held_reasons=",".join(reasons),
        is_official=is_bank_staff(user),
        ip_address=ip,
    )
    Subscription.objects.get_or_create(topic=topic, user=user)
    if post.approved:
        publish_post(post)
    return PostOutcome(post=post, held=not post.approved, masked=masked.found)


@transaction.atomic
def start_topic(
    board: Board,
    user: Any,
    title: str,
    body: str,
    tags: list[str] | None = None,
    ip: str | None = None,
) -> PostOutcome:
    """Open a topic (a question on a Q&A board) with its first post."""
    _check_can_write(user, ip)
    title = (title or "").replace("\t", " ").strip()
    if not title:
        raise PostingError(_("Give the topic a title."))
    if TITLE_CONTROL_CHARACTERS.search(title):
        raise PostingError(_("Title: write it on one line, without control characters."))
    masked_title = mask_sensitive(title)
    title = masked_title.text
    topic = Topic.objects.create(
        board=board,
        title=title[:150],
        slug=slugify(title, allow_unicode=True)[:160],
        author=user,
        is_question=board.qa_mode,
        approved=False,
    )
    if tags:
        topic.tags.set(tags[:5])
    outcome = _new_post(topic, user, body, ip)
    outcome.masked |= masked_title.found
    return outcome


@transaction.atomic
def reply(topic: Topic, user: Any, body: str, ip: str | None = None) -> PostOutcome:
    """Add a reply to a topic."""
    if topic.locked:
        raise PostingError(_("This topic is locked; no new replies can be added."))
    _check_can_write(user, ip)
    return _new_post(topic, user, body, ip)


def publish_post(post: Post) -> None:
    """Make an approved post count: topic counters, subscribers' and mentioned members' notices."""
    topic = post.topic
    is_opening = not Post.objects.filter(topic_id=topic.pk, id__lt=post.pk).exists()
    if is_opening:
        Topic.objects.filter(pk=topic.pk).update(approved=True)
        topic.approved = True
    else:
        Topic.objects.filter(pk=topic.pk).update(reply_count=F("reply_count") + 1)
    Topic.objects.filter(pk=topic.pk, last_post_id_cache__lt=post.pk).update(
        last_post_at=post.created, last_post_id_cache=post.pk
    )
    author_name = display_name(post.author)
    url = post.get_absolute_url()
    notified = {post.author_id}
    for username in _mentions(post.body_markdown):
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None or user.pk in notified:
            continue
        notified.add(user.pk)
        notify(
            user,
            NotificationKind.MENTION,
            _("%(name)s mentioned you in “%(title)s”")
            % {"name": author_name, "title": topic.title},
            url,
        )
    if not is_opening:
        for sub in Subscription.objects.filter(topic=topic).exclude(user_id__in=notified):
            notify(
                sub.user,
                NotificationKind.REPLY,
                _("%(name)s replied to “%(title)s”") % {"name": author_name, "title": topic.title},
                url,
            )


def _mentions(text: str) -> list[str]:
    seen: list[str] = []
    for name in MENTION_RE.findall(text or ""):
        name = name.rstrip(".")
        if name.lower() not in (s.lower() for s in seen):
            seen.append(name)
    return seen[:MAX_MENTIONS]


def can_see_history(user: Any, post: Post) -> bool:
    """Earlier versions may hold what the author took out: the author and moderators only."""
    if not user.is_authenticated:
        return False
    return post.author_id == user.pk or is_moderator(user)


def can_edit(user: Any, post: Post) -> bool:
    if not user.is_authenticated:
        return False
    return post.author_id == user.pk or is_moderator(user)


@transaction.atomic
def edit_post(
    post: Post, user: Any, body: str, ip: str | None = None, *, redact: bool = False
) -> PostOutcome:
    """Change a post's text, keeping the earlier text in its history (author and moderators).

    An edit passes the checks a new post passes: a suspended member cannot edit, edits count
    against the rate limit, sensitive numbers are masked, and an edit that would be held as a new
    post (links, new member, ...) takes the post back to the moderation queue until approved.
    ``redact`` (a moderator taking something out) wipes the text of every earlier revision too.
    """
    if post.author_id == user.pk:
        _check_can_write(user, ip)
    masked = mask_sensitive((body or "").strip(), markdown=True)
    body = masked.text
    if not body:
        raise PostingError(_("Write a message before saving."))
    now = timezone.now()
    if body != post.body_markdown:
        PostRevision.objects.create(
            post=post,
            body_markdown=post.body_markdown,
            body_html=post.body_html,
            edited_by=user,
            created=now,
        )
        post.body_markdown = body
        post.body_html = render_markdown(body)
        post.edited = now
        fields = ["body_markdown", "body_html", "edited"]
        reasons = policy.held_reasons(user, body, exclude=post)
        if reasons and post.approved:
            post.approved = False
            post.held_reasons = ",".join([*reasons, HeldReason.EDITED])
            fields += ["approved", "held_reasons"]
        post.save(update_fields=fields)
    if redact:
        post.revisions.filter(redacted_at__isnull=True).update(
            body_markdown="", body_html="", redacted_at=now
        )
    return PostOutcome(post=post, held=not post.approved, masked=masked.found)


def toggle_like(post: Post, user: Any) -> bool:
    """Like a post, or take the like back; returns whether the member now likes it."""
    deleted, _rows = Like.objects.filter(post=post, user=user).delete()
    if deleted:
        return False
    Like.objects.get_or_create(post=post, user=user)
    return True


def toggle_subscription(topic: Topic, user: Any) -> bool:
    deleted, _rows = Subscription.objects.filter(topic=topic, user=user).delete()
    if deleted:
        return False
    Subscription.objects.get_or_create(topic=topic, user=user)
    return True


# Reading --------------------------------------------------------------------------------------


def topic_posts_page(topic: Topic, page_number: Any, viewer: Any = None) -> Page:
    """One page of a topic's visible posts, plus the viewer's own posts awaiting approval.

    Offsets walk the (topic_id, id) index, so the last page of a 10,000-reply topic costs the
    same two queries (count, page) as the first.
    """
    shown = Q(approved=True, hidden=False)
    if viewer is not None and viewer.is_authenticated:
        shown |= Q(author=viewer, approved=False, hidden=False)
    posts = (
        Post.objects.filter(shown)
        .filter(topic=topic)
        .select_related("author", "author__community_member")
        .order_by("id")
    )
    paginator = Paginator(posts, POSTS_PER_PAGE)
    return paginator.get_page(page_number)


def like_counts(posts: list[Post]) -> dict[int, int]:
    ids = [p.pk for p in posts]
    rows = Like.objects.filter(post_id__in=ids).values("post_id").annotate(n=Count("id"))
    return {row["post_id"]: row["n"] for row in rows}


def liked_by(user: Any, posts: list[Post]) -> set[int]:
    if not user.is_authenticated:
        return set()
    ids = [p.pk for p in posts]
    return set(Like.objects.filter(user=user, post_id__in=ids).values_list("post_id", flat=True))


def mark_read(topic: Topic, user: Any, posts: list[Post]) -> int:
    """Move the member's read marker past the posts just shown; returns the earlier marker."""
    if not user.is_authenticated or not posts:
        return 0
    state, _created = TopicReadState.objects.get_or_create(topic=topic, user=user)
    previous = state.last_read_post_id
    newest = max(p.pk for p in posts)
    if newest > previous:
        TopicReadState.objects.filter(pk=state.pk, last_read_post_id__lt=newest).update(
            last_read_post_id=newest
        )
    return previous


def first_unread_page(topic: Topic, user: Any) -> int:
    """The page holding the member's first unread post (1 when nothing was read yet)."""
    state = TopicReadState.objects.filter(topic=topic, user=user).first()
    if state is None:
        return 1
    read = Post.objects.visible().filter(topic=topic, id__lte=state.last_read_post_id).count()
    total = Post.objects.visible().filter(topic=topic).count()
    position = min(read, max(total - 1, 0))
    return position // POSTS_PER_PAGE + 1


def unread_topic_ids(user: Any, topics: list[Topic]) -> set[int]:
    """Topics with posts the member has not read yet (never-opened topics count as unread)."""
    if not user.is_authenticated:
        return set()
    states = dict(
        TopicReadState.objects.filter(user=user, topic__in=topics).values_list(
            "topic_id", "last_read_post_id"
        )
    )
    return {t.pk for t in topics if t.last_post_id_cache > states.get(t.pk, 0)}


def page_of_post(post: Post) -> int:
    before = Post.objects.visible().filter(topic_id=post.topic_id, id__lt=post.pk).count()
    return before // POSTS_PER_PAGE + 1


def board_topics(board: Board) -> Any:
    return (
        Topic.objects.filter(board=board, approved=True, hidden=False)
        .select_related("author", "author__community_member")
        .order_by("-pinned", "-last_post_at", "-id")
    )


def board_stats(boards: list[Board]) -> dict[int, dict[str, Any]]:
    rows = (
        Topic.objects.filter(board__in=boards, approved=True, hidden=False)
        .values("board_id")
        .annotate(topics=Count("id"), last=Max("last_post_at"))
    )
    return {row["board_id"]: row for row in rows}
