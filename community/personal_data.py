"""The community's part of a customer's personal data: download and erasure.

Registered with tracking's registry (``targeting.tracking.personal_data``) from
``CommunityConfig.ready``. The part covers the member (display name, warnings, suspension),
their topics and posts (with earlier revisions), likes, subscriptions, read marks,
notifications, the reports they filed, and their complaints with the attachments' files.

Erasure (docs/privacy.md says why each choice):

- posts and topics stay in their threads, so other people's replies keep their context, but
  their text is replaced by a notice; earlier revisions, the author's address and their tags go;
- likes, subscriptions, read marks, notifications, reports and the member row are deleted;
- other members' posts that @-mention them, and notices and the moderation log that name them,
  name the erased account (``erased-<id>``) instead;
- complaints (filed from their account, or taken by phone with their e-mail as the contact)
  are kept for the regulator without the person: the description and every message of the
  timeline are replaced by a notice, the contact details and one-time lookup codes go,
  attachments are deleted (their files once the erasure commits); category, product, channel,
  status and service-level dates stay.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.markup import render_markdown
from community.models import (
    ATTACHMENT_EXTENSIONS,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintLookupCode,
    Like,
    Member,
    ModerationAction,
    Notification,
    Post,
    PostReport,
    PostRevision,
    Subscription,
    Topic,
    TopicReadState,
)
from targeting.tracking import personal_data

#: Timeline entries whose text the portal wrote itself (kept: they say nothing of the person).
SYSTEM_EVENT_KINDS = (
    ComplaintEvent.Kind.FILED,
    ComplaintEvent.Kind.ASSIGNED,
    ComplaintEvent.Kind.ESCALATED,
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _attachment_path(attachment: ComplaintAttachment) -> str:
    # Never the customer's file name inside the archive: the id and the sniffed type's extension.
    extension = ATTACHMENT_EXTENSIONS.get(attachment.content_type, "bin")
    return f"complaints/{attachment.complaint.tracking_number}/{attachment.pk}.{extension}"


def _complaints(subject: personal_data.Subject) -> QuerySet[Complaint]:
    """Their complaints: filed from their account, or taken by phone or at a branch with their
    e-mail address as the contact."""
    mine = Q(customer_id=subject.user_id)
    if subject.email:
        mine |= Q(contact_email__iexact=subject.email)
    return Complaint.objects.filter(mine)


def export_community(subject: personal_data.Subject) -> dict[str, Any]:
    user_id = subject.user_id
    member = Member.objects.filter(user_id=user_id).first()
    posts = Post.objects.filter(author_id=user_id).select_related("topic").order_by("id")
    complaints = (
        _complaints(subject)
        .select_related("product")
        .prefetch_related("attachments", "events")
        .order_by("created", "id")
    )
    return {
        "member": {
            "display_name": member.display_name,
            "warnings": member.warnings,
            "suspended_until": _iso(member.suspended_until),
        }
        if member
        else None,
        "topics": [
            {"title": t.title, "board": t.board.name, "created": _iso(t.created), "url": url}
            for t in Topic.objects.filter(author_id=user_id).select_related("board").order_by("id")
            for url in [t.get_absolute_url()]
        ],
        "posts": [
            {
                "topic": p.topic.title,
                "created": _iso(p.created),
                "edited": _iso(p.edited),
                "text": p.body_markdown,
                "hidden": p.hidden,
                "approved": p.approved,
                "earlier_versions": [
                    {"created": _iso(r.created), "text": r.body_markdown}
                    for r in p.revisions.filter(redacted_at__isnull=True)
                ],
            }
            for p in posts
        ],
        "likes": [
            {"post": like.post.get_absolute_url(), "created": _iso(like.created)}
            for like in Like.objects.filter(user_id=user_id).select_related("post")
        ],
        "subscriptions": [
            {"topic": s.topic.title, "created": _iso(s.created)}
            for s in Subscription.objects.filter(user_id=user_id).select_related("topic")
        ],
        "notifications": [
            {
                "kind": n.kind,
                "message": n.message,
                "url": n.url,
                "created": _iso(n.created),
                "read_at": _iso(n.read_at),
            }
            for n in Notification.objects.filter(recipient_id=user_id)
        ],
        "reports": [
            {"post": r.post.get_absolute_url(), "reason": r.reason, "created": _iso(r.created)}
            for r in PostReport.objects.filter(reporter_id=user_id).select_related("post")
        ],
        "complaints": [
            {
                "tracking_number": c.tracking_number,
                "contact": {
                    "name": c.contact_name,
                    "mobile_phone": c.contact_phone,
                    "email": c.contact_email,
                },
                "category": c.category,
                "channel": c.channel,
                "product": c.product.title if c.product else None,
                "description": c.description,
                "status": c.status,
                "filed": _iso(c.created),
                "resolved": _iso(c.resolved_at),
                # What the customer was shown: internal notes are staff's working notes.
                "timeline": [
                    {
                        "at": _iso(e.at),
                        "kind": e.kind,
                        "status": e.to_status,
                        "message": e.message,
                    }
                    for e in c.events.all()
                    if e.public and e.kind != ComplaintEvent.Kind.NOTE
                ],
                "attachments": [
                    {
                        "name": a.original_name,
                        "content_type": a.content_type,
                        "size": a.size,
                        "uploaded": _iso(a.uploaded),
                        "file": _attachment_path(a),
                    }
                    for a in c.attachments.all()
                ],
            }
            for c in complaints
        ],
    }


def attachment_files(subject: personal_data.Subject) -> Iterator[personal_data.ExportFile]:
    for attachment in ComplaintAttachment.objects.filter(
        complaint__in=_complaints(subject)
    ).select_related("complaint"):
        storage, name = attachment.file.storage, attachment.file.name

        def opener(storage: Any = storage, name: str = name) -> Any:
            return storage.open(name, "rb")

        yield personal_data.ExportFile(path=_attachment_path(attachment), open=opener)


def _removed() -> tuple[str, str]:
    """The notice left where the customer's text was, in the site's language (stored text)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Removed at the author's request."), _("Removed topic")


def _mention(username: str) -> re.Pattern[str]:
    # The same shape posting.MENTION_RE recognises, for exactly this username.
    return re.compile(r"(?<![\w@])@" + re.escape(username) + r"(?![\w.+-])", re.IGNORECASE)


def _replace(text: str, names: list[str], replacement: str) -> str:
    for name in names:
        text = re.sub(re.escape(name), replacement, text, flags=re.IGNORECASE)
    return text


def _names_of(subject: personal_data.Subject, member: Member | None) -> list[str]:
    names = [subject.username, subject.email, *subject.names]
    if member and member.display_name:
        names.append(member.display_name)
    # Longest first, so "zhang.wei@example.cn" goes before "zhang.wei" eats part of it.
    kept = {n for n in names if n and len(n) >= 2 and n != subject.erased_name}
    return sorted(kept, key=len, reverse=True)


def _erase_mentions(subject: personal_data.Subject, erased: str) -> None:
    username = subject.username
    if not username or username == erased:
        return
    pattern = _mention(username)
    for post in Post.objects.filter(body_markdown__icontains="@" + username).exclude(
        author_id=subject.user_id
    ):
        text = pattern.sub("@" + erased, post.body_markdown)
        if text != post.body_markdown:
            Post.objects.filter(pk=post.pk).update(
                body_markdown=text, body_html=render_markdown(text)
            )
    for revision in PostRevision.objects.filter(body_markdown__icontains="@" + username):
        text = pattern.sub("@" + erased, revision.body_markdown)
        if text != revision.body_markdown:
            PostRevision.objects.filter(pk=revision.pk).update(
                body_markdown=text, body_html=render_markdown(text)
            )


def _erase_names_in(model: Any, fields: tuple[str, ...], rows: Any, names: list[str], to: str):
    for row in rows:
        changed = {f: _replace(getattr(row, f), names, to) for f in fields}
        if any(changed[f] != getattr(row, f) for f in fields):
            model.objects.filter(pk=row.pk).update(**changed)


def erase_community(subject: personal_data.Subject) -> None:
    user_id, erased = subject.user_id, subject.erased_name
    text, title = _removed()
    member = Member.objects.filter(user_id=user_id).first()
    names = _names_of(subject, member)

    # Their topics and posts stay in the threads, without their words.
    own_topics = Topic.objects.filter(author_id=user_id)
    old_titles = [t for t in own_topics.values_list("title", flat=True) if t != title]
    for topic in own_topics:
        topic.tags.clear()
    own_topics.update(title=title, slug="")
    own_posts = Post.objects.filter(author_id=user_id)
    PostRevision.objects.filter(post__in=own_posts).delete()
    own_posts.update(body_markdown=text, body_html=render_markdown(text), ip_address=None)

    Like.objects.filter(user_id=user_id).delete()
    Subscription.objects.filter(user_id=user_id).delete()
    TopicReadState.objects.filter(user_id=user_id).delete()
    Notification.objects.filter(recipient_id=user_id).delete()
    PostReport.objects.filter(Q(reporter_id=user_id) | Q(post__author_id=user_id)).delete()
    Member.objects.filter(user_id=user_id).delete()

    # Other people's text that names them names the erased account instead.
    _erase_mentions(subject, erased)
    named = Q()
    for name in names:
        named |= Q(message__icontains=name)
    if names:
        _erase_names_in(
            Notification, ("message",), Notification.objects.filter(named), names, erased
        )
    moderation = Q(member_id=user_id) | Q(post__author_id=user_id) | Q(topic__author_id=user_id)
    for value in [*names, *old_titles]:
        moderation |= Q(target__icontains=value) | Q(reason__icontains=value)
    _erase_names_in(
        ModerationAction,
        ("target", "reason"),
        ModerationAction.objects.filter(moderation),
        [*names, *sorted(old_titles, key=len, reverse=True)],
        erased,
    )

    # Complaints: the regulator's record stays, the person and their files go.
    complaints = Complaint.objects.filter(
        pk__in=list(_complaints(subject).values_list("pk", flat=True))
    )
    attachments = ComplaintAttachment.objects.filter(complaint__in=complaints)
    files = [(a.file.storage, a.file.name) for a in attachments if a.file]
    attachments.delete()
    ComplaintLookupCode.objects.filter(complaint__in=complaints).delete()
    complaints.update(description=text, contact_name="", contact_phone="", contact_email="")
    ComplaintEvent.objects.filter(complaint__in=complaints).exclude(
        kind__in=SYSTEM_EVENT_KINDS
    ).exclude(message="").update(message=text)

    def delete_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)


def register() -> None:
    personal_data.register(
        "community",
        label=gettext_lazy(
            "Community: your name there, topics, posts, likes, follows, notices, reports and "
            "complaints"
        ),
        export=export_community,
        erase=erase_community,
        files=attachment_files,
        order=100,
    )
