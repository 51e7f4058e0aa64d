"""Celery tasks of the community (eager in development when no broker is configured).

The notification e-mail task lives with the notifications (`community.notifications`) under its
old name; importing it here registers it with a worker that autodiscovers ``community.tasks``.
"""

from __future__ import annotations

import logging

from celery import shared_task

from community.complaints import escalate_overdue
from community.notifications import send_notification_email

__all__ = ["escalate_overdue_complaints", "send_notification_email"]

logger = logging.getLogger("community")


@shared_task
def escalate_overdue_complaints() -> int:
    """Celery beat: mark overdue complaints escalated and notify customer-service staff."""
    escalated = escalate_overdue()
    if escalated:
        logger.info("community: escalated %d overdue complaints", len(escalated))
    return len(escalated)
