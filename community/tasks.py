"""Celery tasks of the community (eager in development when no broker is configured)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger("community")


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    """Email one notification to its recipient (once; a retried task does not send twice)."""
    from community.models import Notification

    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or notification.emailed_at or not notification.recipient.email:
        return False
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    link = f"{base}{notification.url}" if notification.url.startswith("/") else notification.url
    body = notification.message + (f"\n\n{link}" if link else "")
    send_mail(
        subject=_("Community: %(message)s") % {"message": notification.message[:80]},
        message=body,
        from_email=None,
        recipient_list=[notification.recipient.email],
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
