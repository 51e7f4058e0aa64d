"""Celery tasks of the tracking pipeline (Celery finds them: ``targeting.tracking`` is an app)."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from targeting.tracking import buffer, folding
from targeting.tracking.models import RawEvent

logger = logging.getLogger("targeting.tracking")


@shared_task(name="targeting.tracking.process_events", ignore_result=True)
def process_events() -> dict[str, int]:
    """Drain the Redis stream into the raw log, then fold the unfolded backlog."""
    stored = 0
    try:
        stored = buffer.drain()
    except Exception as error:
        # Redis down: the events stay in the stream (or were written to the database directly);
        # fold what the database holds and try the stream again next time.
        logger.warning("tracking: could not drain the event stream: %s", error)
    folded = folding.fold_all_pending()
    return {"stored": stored, "folded": folded}


@shared_task(name="targeting.tracking.purge_raw_events", ignore_result=True)
def purge_raw_events() -> int:
    """Delete folded raw events older than ``RAW_EVENT_RETENTION_DAYS``."""
    days = int(getattr(settings, "RAW_EVENT_RETENTION_DAYS", 90))
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _details = RawEvent.objects.filter(
        received_at__lt=cutoff, folded_at__isnull=False
    ).delete()
    logger.info("tracking: purged %d raw events older than %d days", deleted, days)
    return deleted
