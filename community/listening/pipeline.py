"""The pipeline over a batch of waiting posts (run by ``tasks.process_pending``).

For each post: fingerprint (exact hash and MinHash), drop exact and near duplicates (within
``LISTENING_DUPLICATE_DAYS``), drop noise (the analysts' rules), segment with jieba, classify,
score sentiment, find entities and route to a team's queue. One batch costs a handful of
queries whatever its size: one read of the posts, one for duplicate candidates, one bulk update,
and upserts of the trend and word counts.

A step that fails for one post flags that post with the reason (it waits for a fix and a retry
with ``manage.py listening_retry``); the rest of the batch goes on. A problem that hits every
post (a missing dictionary, a model that will not train) flags the whole batch the same way, and
ingestion keeps accepting posts.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from community.listening import classify, entities, noise, routing, text, trends
from community.listening.models import ListeningItem, QueueStatus, Status

log = logging.getLogger(__name__)
#: Estimated Jaccard similarity of character 3-grams from which a post is a near duplicate.
NEAR_SIMILARITY = 0.6
UPDATE_FIELDS = [
    "status",
    "flag_reason",
    "text_hash",
    "band0",
    "band1",
    "band2",
    "band3",
    "band4",
    "band5",
    "band6",
    "band7",
    "signature",
    "duplicate_of",
    "words",
    "topic",
    "topic_reason",
    "confidence",
    "product_type",
    "sentiment",
    "entities",
    "team",
    "queue_status",
]
MAX_WORDS_KEPT = 60


@dataclass
class Summary:
    processed: int = 0
    duplicates: int = 0
    noise: int = 0
    flagged: int = 0
    routed: int = 0
    topics: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        return {
            "processed": self.processed,
            "duplicates": self.duplicates,
            "noise": self.noise,
            "flagged": self.flagged,
            "routed": self.routed,
            "topics": dict(self.topics),
        }


def _flag(item: ListeningItem, reason: str) -> None:
    item.status = Status.FLAGGED
    item.flag_reason = reason[:200]


def _bands(item: ListeningItem) -> tuple[int, ...]:
    return tuple(getattr(item, f"band{n}") for n in range(text.BANDS))


def _fingerprint(items: list[ListeningItem]) -> dict[int, list[str]]:
    words: dict[int, list[str]] = {}
    for item in items:
        try:
            content = text.normalise(f"{item.title} {item.text}")
            item.text_hash = text.text_hash(content)
            words[item.pk] = text.segment(content)
            signature = text.minhash(text.shingles(content))
            item.signature = signature.tobytes()
            for n, value in enumerate(text.bands(signature)):
                setattr(item, f"band{n}", value)
        except Exception as error:  # one post's text never stops the batch
            log.exception("listening: could not segment post %s", item.pk)
            _flag(item, f"segmentation: {error.__class__.__name__}: {error}")
    return words


def _duplicates(items: list[ListeningItem], since: datetime) -> None:
    """Mark exact and near duplicates of earlier posts (stored, or earlier in this batch).

    Exact: the same text without punctuation and spaces. Near: a stored post sharing a MinHash
    band whose estimated Jaccard similarity reaches ``NEAR_SIMILARITY``.
    """
    live = [i for i in items if i.status == Status.PENDING and i.signature is not None]
    if not live:
        return
    query = Q(text_hash__in={i.text_hash for i in live})
    for n in range(text.BANDS):
        query |= Q(**{f"band{n}__in": {getattr(i, f"band{n}") for i in live}})
    band_fields = [f"band{n}" for n in range(text.BANDS)]
    earlier = (
        ListeningItem.objects.filter(query, published_at__gte=since)
        .filter(status__in=[Status.DONE, Status.NOISE])
        .exclude(pk__in=[i.pk for i in live])
        .values_list("pk", "text_hash", "signature", *band_fields)[:5000]
    )
    by_hash: dict[str, int] = {}
    by_band: list[dict[int, list[tuple[int, bytes]]]] = [{} for _ in range(text.BANDS)]

    def remember(pk: int, digest: str, signature: bytes, keys: tuple[int, ...]) -> None:
        by_hash.setdefault(digest, pk)
        for n, key in enumerate(keys):
            by_band[n].setdefault(key, []).append((pk, signature))

    for pk, digest, signature, *keys in earlier:
        remember(pk, digest, bytes(signature), tuple(keys))
    for item in sorted(live, key=lambda i: (i.published_at, i.pk)):
        original = by_hash.get(item.text_hash)
        keys = _bands(item)
        if original is None:
            for n, key in enumerate(keys):
                for pk, signature in by_band[n].get(key, ()):
                    if text.similarity(bytes(item.signature or b""), signature) >= NEAR_SIMILARITY:
                        original = pk
                        break
                if original is not None:
                    break
        if original is not None:
            item.status = Status.DUPLICATE
            item.duplicate_of_id = original
            continue
        # The first of its kind in this batch: later ones are its duplicates.
        remember(item.pk, item.text_hash, bytes(item.signature or b""), keys)


def process(ids: Iterable[int]) -> Summary:
    """Run the pipeline over the waiting posts among ``ids``."""
    summary = Summary()
    items = list(
        ListeningItem.objects.filter(pk__in=list(ids), status=Status.PENDING).order_by("pk")
    )
    if not items:
        return summary
    now = timezone.now()
    since = now - timedelta(days=getattr(settings, "LISTENING_DUPLICATE_DAYS", 7))
    words = _fingerprint(items)
    try:
        _duplicates(items, since)
    except Exception as error:
        log.exception("listening: duplicate check failed")
        for item in items:
            if item.status == Status.PENDING:
                _flag(item, f"duplicates: {error.__class__.__name__}")
    try:
        rules = noise.compiled()
    except Exception as error:
        log.exception("listening: noise rules failed")
        rules = None
        for item in items:
            if item.status == Status.PENDING:
                _flag(item, f"noise rules: {error.__class__.__name__}")
    for item in items:
        if item.status != Status.PENDING or rules is None:
            continue
        hit = noise.match(text.normalise(f"{item.title} {item.text}"), rules)
        if hit:
            item.status = Status.NOISE
            item.flag_reason = f"{hit[0]}: {hit[1]}"[:200]
    to_classify = [i for i in items if i.status == Status.PENDING]
    try:
        results = classify.classify_batch(
            [text.normalise(f"{i.title} {i.text}") for i in to_classify],
            [words[i.pk] for i in to_classify],
        )
    except Exception as error:
        log.exception("listening: classification failed")
        results = []
        for item in to_classify:
            _flag(item, f"classifier: {error.__class__.__name__}: {error}")
    try:
        known = entities.names()
    except Exception:
        log.exception("listening: entity names could not be read")
        known = None
    routes = routing.rules()
    for item, result in zip(to_classify, results, strict=False):
        content = text.normalise(f"{item.title} {item.text}")
        item.topic = result.topic
        item.topic_reason = result.reason[:200]
        item.confidence = result.confidence
        item.product_type = result.product_type
        item.sentiment = text.sentiment(words[item.pk])
        item.entities = entities.find(content, known) if known else {}
        item.words = words[item.pk][:MAX_WORDS_KEPT]
        item.status = Status.DONE
        route = routing.route(item, routes)
        if route is not None:
            item.team_id = route.team_id
            item.queue_status = QueueStatus.NEW
            summary.routed += 1
        summary.topics[item.topic] += 1
    for item in items:
        if item.status == Status.DUPLICATE:
            summary.duplicates += 1
        elif item.status == Status.NOISE:
            summary.noise += 1
        elif item.status == Status.FLAGGED:
            summary.flagged += 1
        summary.processed += 1
    done = [i for i in items if i.status == Status.DONE]
    with transaction.atomic():
        _write(items)
        trends.count(done, {i.pk: words.get(i.pk, []) for i in done})
    routing.after_routing([i for i in done if i.team_id])
    return summary


def _write(items: list[ListeningItem]) -> None:
    """One parameterised UPDATE per post, sent as a batch: Django's bulk_update builds a CASE
    per field and row, which took 94 % of a batch's time (bench/listening_bench.py)."""
    if not items:
        return
    meta = ListeningItem._meta
    fields: list[Any] = [meta.get_field(name) for name in UPDATE_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    # Table and column names are the model's own, quoted; every value is a parameter.
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608  # nosec B608
    rows = [
        [f.get_db_prep_save(getattr(item, f.attname), connection) for f in fields] + [item.pk]
        for item in items
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # local: psycopg2 is the PostgreSQL driver, present only where PostgreSQL is used
            from psycopg2.extras import execute_batch  # type: ignore[import-untyped]

            execute_batch(cursor.cursor, sql, rows, page_size=250)
        else:
            cursor.executemany(sql, rows)


def retry_flagged(limit: int = 10_000) -> int:
    """Put flagged posts back in the queue (after the problem was fixed)."""
    ids = list(
        ListeningItem.objects.filter(status=Status.FLAGGED).values_list("pk", flat=True)[:limit]
    )
    ListeningItem.objects.filter(pk__in=ids).update(status=Status.PENDING)
    return len(ids)
