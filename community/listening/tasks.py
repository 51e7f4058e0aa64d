"""Celery tasks of the listening pipeline (docs/listening.md, "Running it on more machines").

Any number of workers on any number of machines may run them: a batch claims its posts by id,
counts are added with upserts, and duplicates are found through the database's band indexes.
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from community.listening import pipeline, trends
from community.listening.models import ListeningItem, Status, TrendCount, WordCount

BATCH = 500


@shared_task(name="community.listening.process_items", acks_late=True)
def process_items(ids: list[int]) -> dict[str, object]:
    return pipeline.process(ids).as_dict()


def pending_ids(limit: int) -> list[int]:
    return list(
        ListeningItem.objects.filter(status=Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def process_all_pending(limit: int = 100_000) -> int:
    """Process waiting posts here, batch after batch (development, commands, tests)."""
    done = 0
    while done < limit:
        ids = pending_ids(min(BATCH, limit - done))
        if not ids:
            break
        pipeline.process(ids)
        done += len(ids)
    return done


@shared_task(name="community.listening.dispatch_pending")
def dispatch_pending(limit: int = 20_000) -> int:
    """Beat: hand waiting posts to the workers in batches (posts whose task was lost, files
    imported without a broker)."""
    ids = pending_ids(limit)
    for start in range(0, len(ids), BATCH):
        process_items.delay(ids[start : start + BATCH])
    return len(ids)


@shared_task(name="community.listening.check_spikes")
def check_spikes() -> int:
    return len(trends.check_spikes())


@shared_task(name="community.listening.purge_old")
def purge_old() -> int:
    """Drop posts older than ``LISTENING_RETENTION_DAYS`` and counts older than two years."""
    now = timezone.now()
    days = int(getattr(settings, "LISTENING_RETENTION_DAYS", 365))
    deleted, _detail = ListeningItem.objects.filter(
        published_at__lt=now - timedelta(days=days)
    ).delete()
    TrendCount.objects.filter(window__lt=now - timedelta(days=730)).delete()
    WordCount.objects.filter(window__lt=now - timedelta(days=730)).delete()
    return deleted
