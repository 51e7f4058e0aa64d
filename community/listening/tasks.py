"""Celery tasks of the listening pipeline (docs/listening.md, "Running it on more machines").

Any number of workers on any number of machines may run them: a batch claims its posts by id,
counts are added with upserts, and duplicates are found through the database's band indexes.
"""

from __future__ import annotations

import gc
import logging
from datetime import timedelta
from typing import Any

from celery import shared_task
from celery.signals import celeryd_after_setup
from django.conf import settings
from django.utils import timezone

from community.listening import classify, pipeline, text, trends
from community.listening.models import ListeningItem, Status, TrendCount, WordCount

log = logging.getLogger(__name__)
BATCH = 500
#: ``dispatch_pending`` hands on posts that waited at least this long.
DISPATCH_AFTER = timedelta(minutes=1)
QUEUE = "listening"


def warm_up_before_fork(sender: Any = None, instance: Any = None, **kwargs: Any) -> bool:
    """In a worker that takes the listening queue, load jieba's dictionary and train the model
    once in the pool's parent, before it forks its processes: they start ready and share those
    pages instead of each building its own (gc.freeze keeps the collector from writing to them,
    which would copy them). Other workers load nothing."""
    try:
        queues = set(instance.app.amqp.queues.consume_from)
    except AttributeError:
        return False
    if QUEUE not in queues:
        return False
    try:
        text.warm_up()
        classify.Model.get()
    except Exception:  # a worker that cannot warm up still starts; the batch flags the problem
        log.exception("listening: could not warm up before forking")
        return False
    gc.collect()
    gc.freeze()
    return True


celeryd_after_setup.connect(warm_up_before_fork, dispatch_uid="listening-warm-up-before-fork")


@shared_task(name="community.listening.process_items", acks_late=True)
def process_items(ids: list[int]) -> dict[str, object]:
    return pipeline.process(ids).as_dict()


def pending_ids(limit: int, *, waited: timedelta | None = None) -> list[int]:
    """Waiting posts, oldest first; with ``waited``, only those received at least that long ago."""
    query = ListeningItem.objects.filter(status=Status.PENDING)
    if waited is not None:
        query = query.filter(received_at__lte=timezone.now() - waited)
    return list(query.order_by("pk").values_list("pk", flat=True)[:limit])


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
    """Beat: hand posts that waited a minute to the workers in batches (posts whose task was lost,
    files imported without a broker). Posts that just arrived are already queued; queuing them
    again is harmless (a batch claims its posts) but wasted work."""
    ids = pending_ids(limit, waited=DISPATCH_AFTER)
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
