"""Telling members what happened: in-portal notifications, their e-mails, and the name a member
is shown by. Posting, moderation, Q&A and complaints all notify through `notify`; this module
imports none of them, so none of them needs a function-local import to reach it.
"""

from __future__ import annotations

import re
from typing import Any

from allauth.account.models import EmailAddress
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Notification


def display_name(user: Any) -> str:
    member = getattr(user, "community_member", None)
    if member is not None and member.display_name:
        return member.display_name
    return user.get_username()


def notify(recipient: Any, kind: str, message: str, url: str = "") -> Notification:
    """Add an in-portal notification and send it by email once the transaction commits.

    NUL is dropped (PostgreSQL cannot store it) whatever text older rows feed in.
    """
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        message=message.replace("\x00", "")[:255],
        url=url.replace("\x00", "")[:255],
    )
    transaction.on_commit(lambda: send_notification_email.delay(notification.pk))
    return notification


# Header injection: a subject is one line. Every control character and line break (CR, LF,
# NEL, U+2028/2029) becomes a space before Django sees it.
_SUBJECT_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
SUBJECT_MAX = 80


def email_subject(message: str) -> str:
    """A safe one-line subject for a notification e-mail, at most ``SUBJECT_MAX`` characters."""
    line = " ".join(_SUBJECT_BREAKS.sub(" ", message or "").split())
    if len(line) > SUBJECT_MAX:
        line = line[: SUBJECT_MAX - 1] + "…"
    return _("Community: %(message)s") % {"message": line}


def verified_address(user: Any) -> str | None:
    """The address to write to: one the customer proved is theirs (allauth's verified flag).

    Their primary verified address first, else any verified one; None when no address is
    verified, and the portal then sends nothing (the notice stays in the portal).
    """
    address = (
        EmailAddress.objects.filter(user=user, verified=True)
        .order_by("-primary", "id")
        .values_list("email", flat=True)
        .first()
    )
    return address or None


# Named as before the move to this module, so queued messages and the worker still agree.
@shared_task(
    name="community.tasks.send_notification_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_email(notification_id: int) -> bool:
    """Email one notification to its recipient (once; a retried task does not send twice)."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or notification.emailed_at:
        return False
    address = verified_address(notification.recipient)
    if address is None:
        return False
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    link = f"{base}{notification.url}" if notification.url.startswith("/") else notification.url
    body = notification.message + (f"\n\n{link}" if link else "")
    send_mail(
        subject=email_subject(notification.message),
        message=body,
        from_email=None,
        recipient_list=[address],
    )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True
