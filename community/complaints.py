"""Customers' complaints: filing, tracking numbers, service levels, the status workflow, the
timeline, escalation of overdue complaints, and turning a forum post into a complaint.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community.access import CUSTOMER_SERVICE_GROUP
from community.masking import MaskedText, mask_sensitive
from community.models import (
    ATTACHMENT_EXTENSIONS,
    CommunitySettings,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintStatus,
    ModerationAction,
    NotificationKind,
    Post,
)
from community.notifications import notify

S = ComplaintStatus
#: The workflow: which status may follow which.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.IN_PROGRESS, S.AWAITING_CUSTOMER, S.RESOLVED, S.CLOSED}),
    S.IN_PROGRESS: frozenset({S.AWAITING_CUSTOMER, S.RESOLVED, S.CLOSED}),
    S.AWAITING_CUSTOMER: frozenset({S.IN_PROGRESS, S.RESOLVED, S.CLOSED}),
    S.RESOLVED: frozenset({S.IN_PROGRESS, S.CLOSED}),
    S.CLOSED: frozenset(),
}

MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# What a complaint form's body may weigh at most: the files plus room for the text fields and the
# multipart framing. A bigger Content-Length is refused before the body is read.
MAX_COMPLAINT_BODY_BYTES = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 256 * 1024
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# Content signatures of the accepted files; the name's extension is never trusted.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)


class ComplaintError(Exception):
    """An action on a complaint is not allowed; the message says why."""


def new_tracking_number(now: datetime | None = None) -> str:
    """ "TS" + the date in the bank's time zone + six random digits, e.g. TS20250312004711."""
    day = timezone.localtime(now or timezone.now())
    return f"TS{day:%Y%m%d}{secrets.randbelow(1_000_000):06d}"


def sniff_content_type(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def validate_attachment(upload: UploadedFile) -> str:
    """Check one upload by size and content; returns its real content type."""
    name = upload.name or "file"
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 5 MB.") % {"name": name}, code="file_too_large"
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationError(
            _("%(name)s is not a photo (JPEG, PNG, GIF, WebP) or a PDF.") % {"name": name},
            code="file_type",
        )
    if content_type.startswith("image/"):
        from PIL import Image

        try:
            with Image.open(upload) as image:
                image.verify()
                pillow_type = Image.MIME.get(image.format or "")
        except Exception as exc:
            raise ValidationError(
                _("%(name)s could not be read as an image.") % {"name": name}, code="file_broken"
            ) from exc
        finally:
            upload.seek(0)
        # Pillow reads the whole header: the stored type (and extension) is what it found.
        if pillow_type not in ATTACHMENT_EXTENSIONS:
            raise ValidationError(
                _("%(name)s could not be read as an image.") % {"name": name}, code="file_broken"
            )
        content_type = pillow_type
    return content_type


def attachment_name(upload: UploadedFile) -> str:
    """The file name shown to the customer and staff: no path, no control characters."""
    name = CONTROL_CHARACTERS.sub("", (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1])
    return name.strip()[:200] or "file"


def validate_attachments(uploads: list[UploadedFile]) -> list[str]:
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(_("Attach at most 3 files."), code="too_many_files")
    return [validate_attachment(upload) for upload in uploads]


def _due_dates(created: datetime) -> tuple[datetime, datetime]:
    levels = CommunitySettings.load()
    return (
        created + timedelta(hours=levels.first_response_hours),
        created + timedelta(hours=levels.resolution_hours),
    )


def file_complaint(
    customer: Any,
    *,
    category: str,
    channel: str,
    description: str,
    product: Any = None,
    attachments: list[UploadedFile] | None = None,
    source_post: Post | None = None,
    filed_by: Any = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
) -> Complaint:
    """Register a complaint with its due dates and the first entry of its timeline.

    Card, resident ID and mobile numbers in the description are masked before it is stored; the
    kinds found are left on the returned complaint as ``masked`` so the view can tell the
    customer why. ``customer`` is None for a complaint taken by phone or at a branch from
    someone without an online account; the contact fields say how to reach them.
    """
    attachments = attachments or []
    content_types = validate_attachments(attachments)
    masked = mask_sensitive(description.strip())
    now = timezone.now()
    first_due, resolution_due = _due_dates(now)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    tracking_number=new_tracking_number(now),
                    customer=customer,
                    contact_name=contact_name,
                    contact_phone=contact_phone,
                    contact_email=contact_email,
                    category=category,
                    channel=channel,
                    description=masked.text,
                    product=product,
                    created=now,
                    first_response_due=first_due,
                    resolution_due=resolution_due,
                    source_post=source_post,
                )
                for upload, content_type in zip(attachments, content_types, strict=True):
                    ComplaintAttachment.objects.create(
                        complaint=complaint,
                        file=upload,
                        original_name=attachment_name(upload),
                        content_type=content_type,
                        size=upload.size,
                    )
                ComplaintEvent.objects.create(
                    complaint=complaint,
                    actor=filed_by or customer,
                    kind=ComplaintEvent.Kind.FILED,
                    to_status=S.RECEIVED,
                    message=_("Complaint received."),
                    at=now,
                )
                complaint.masked = masked.found
                return complaint
        except IntegrityError:
            continue  # the random tracking number was taken that day: draw again
    raise ComplaintError(_("Could not register the complaint; please try again."))


def can_transition(complaint: Complaint, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(complaint.status, frozenset())


def _mark_responded(complaint: Complaint, now: datetime) -> list[str]:
    if complaint.first_responded_at is None:
        complaint.first_responded_at = now
        return ["first_responded_at"]
    return []


@transaction.atomic
def staff_update(
    complaint: Complaint,
    staff: Any,
    *,
    to_status: str = "",
    message: str = "",
    public: bool = True,
    notify_customer: bool = True,
) -> None:
    """A customer-service agent changes the status and/or writes a message or internal note.

    A message the customer sees is masked like the customer's own text; internal notes are not.
    """
    message = (message or "").strip()
    if public:
        message = mask_sensitive(message).text
    if not to_status and not message:
        raise ComplaintError(_("Choose a new status or write a message."))
    if to_status and to_status != complaint.status and not can_transition(complaint, to_status):
        raise ComplaintError(
            _("A complaint that is %(from)s cannot become %(to)s.")
            % {
                "from": complaint.get_status_display(),
                "to": dict(ComplaintStatus.choices).get(to_status, to_status),
            }
        )
    now = timezone.now()
    fields: list[str] = []
    if public and (message or to_status):
        fields += _mark_responded(complaint, now)
    if to_status and to_status != complaint.status:
        old = complaint.status
        complaint.status = to_status
        fields.append("status")
        if to_status in (S.RESOLVED, S.CLOSED) and complaint.resolved_at is None:
            complaint.resolved_at = now
            fields.append("resolved_at")
        elif to_status == S.IN_PROGRESS and complaint.resolved_at is not None:
            complaint.resolved_at = None  # reopened
            fields.append("resolved_at")
        ComplaintEvent.objects.create(
            complaint=complaint,
            actor=staff,
            kind=ComplaintEvent.Kind.STATUS,
            from_status=old,
            to_status=to_status,
            message=message if public else "",
            public=True,
            at=now,
        )
        if message and not public:
            _note(complaint, staff, message, now)
    elif message:
        if public:
            ComplaintEvent.objects.create(
                complaint=complaint,
                actor=staff,
                kind=ComplaintEvent.Kind.MESSAGE,
                message=message,
                public=True,
                at=now,
            )
        else:
            _note(complaint, staff, message, now)
    if fields:
        complaint.save(update_fields=fields)
    if public and notify_customer:
        _notify_customer(complaint)


def _note(complaint: Complaint, staff: Any, message: str, now: datetime) -> None:
    ComplaintEvent.objects.create(
        complaint=complaint,
        actor=staff,
        kind=ComplaintEvent.Kind.NOTE,
        message=message,
        public=False,
        at=now,
    )


def _notify_customer(complaint: Complaint) -> None:
    if complaint.customer is None:
        return  # taken by phone or at a branch: the customer follows it by number and code
    notify(
        complaint.customer,
        NotificationKind.COMPLAINT,
        _("Your complaint %(number)s has an update: %(status)s")
        % {"number": complaint.tracking_number, "status": complaint.get_status_display()},
        complaint.get_absolute_url(),
    )


@transaction.atomic
def customer_reply(complaint: Complaint, customer: Any, message: str) -> MaskedText:
    """The customer writes on their complaint; an answer to "awaiting your reply" reopens work.

    Returns the stored text with card, ID and phone numbers masked, and which kinds were found.
    """
    masked = mask_sensitive((message or "").strip())
    message = masked.text
    if not message:
        raise ComplaintError(_("Write a message before sending."))
    if complaint.status == S.CLOSED:
        raise ComplaintError(_("This complaint is closed. File a new complaint if needed."))
    now = timezone.now()
    ComplaintEvent.objects.create(
        complaint=complaint,
        actor=customer,
        kind=ComplaintEvent.Kind.MESSAGE,
        message=message,
        public=True,
        at=now,
    )
    if complaint.status == S.AWAITING_CUSTOMER:
        complaint.status = S.IN_PROGRESS
        complaint.save(update_fields=["status"])
        ComplaintEvent.objects.create(
            complaint=complaint,
            actor=customer,
            kind=ComplaintEvent.Kind.STATUS,
            from_status=S.AWAITING_CUSTOMER,
            to_status=S.IN_PROGRESS,
            at=now,
        )
    return masked


@transaction.atomic
def assign(complaint: Complaint, staff: Any) -> None:
    complaint.assigned_to = staff
    complaint.save(update_fields=["assigned_to"])
    ComplaintEvent.objects.create(
        complaint=complaint,
        actor=staff,
        kind=ComplaintEvent.Kind.ASSIGNED,
        message=_("Assigned to %(name)s") % {"name": staff.get_username()},
        public=False,
    )


def escalate_overdue(now: datetime | None = None) -> list[Complaint]:
    """Mark newly overdue complaints escalated and tell customer-service staff (the beat job)."""
    now = now or timezone.now()
    escalated: list[Complaint] = []
    candidates = Complaint.objects.overdue(now).filter(escalated_at__isnull=True)
    User = get_user_model()
    staff = list(
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=CUSTOMER_SERVICE_GROUP) | Q(is_superuser=True))
        .distinct()
    )
    for complaint in candidates:
        with transaction.atomic():
            updated = Complaint.objects.filter(pk=complaint.pk, escalated_at__isnull=True).update(
                escalated_at=now
            )
            if not updated:
                continue  # another worker escalated it
            ComplaintEvent.objects.create(
                complaint=complaint,
                kind=ComplaintEvent.Kind.ESCALATED,
                message=_("Overdue: escalated to customer-service managers."),
                public=False,
                at=now,
            )
            recipients = [complaint.assigned_to] if complaint.assigned_to else staff
            for user in {u.pk: u for u in recipients if u}.values():
                notify(
                    user,
                    NotificationKind.COMPLAINT,
                    _("Complaint %(number)s is overdue") % {"number": complaint.tracking_number},
                    reverse("community_complaints:detail", args=[complaint.pk]),
                )
        complaint.escalated_at = now
        escalated.append(complaint)
    return escalated


@transaction.atomic
def complaint_from_post(post: Post, moderator: Any, category: str, channel: str) -> Complaint:
    """A moderator turns a forum post into a complaint on behalf of its author, linked back."""
    existing = Complaint.objects.filter(source_post=post).first()
    if existing:
        return existing
    complaint = file_complaint(
        post.author,
        category=category,
        channel=channel,
        # The post's text is masked already; its Markdown escapes mean nothing in a complaint.
        description=post.body_markdown.replace("\\*", "*"),
        source_post=post,
        filed_by=moderator,
    )
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Kind.TO_COMPLAINT,
        target=f"post #{post.pk} → {complaint.tracking_number}",
        post=post,
    )
    _notify_customer(complaint)
    return complaint
