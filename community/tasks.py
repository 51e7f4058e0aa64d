"""Celery tasks of the community (eager in development when no broker is configured)."""

from __future__ import annotations

import logging
import re
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger("community")


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
    from allauth.account.models import EmailAddress

    address = (
        EmailAddress.objects.filter(user=user, verified=True)
        .order_by("-primary", "id")
        .values_list("email", flat=True)
        .first()
    )
    return address or None


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    """Email one notification to its recipient (once; a retried task does not send twice)."""
    from community.models import Notification

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


@shared_task
def escalate_overdue_complaints() -> int:
    """Celery beat: mark overdue complaints escalated and notify customer-service staff."""
    from community.complaints import escalate_overdue

    escalated = escalate_overdue()
    if escalated:
        logger.info("community: escalated %d overdue complaints", len(escalated))
    return len(escalated)
