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

import json
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
#: What the pipeline reads of a post (the rest of the row is not loaded: a third of the cost).
LOADED = ("id", "source", "title", "text", "published_at", "author", "status")


def _fresh() -> dict[str, Any]:
    """The written fields' values before processing (by attribute name)."""
    values: dict[str, Any] = {
        "flag_reason": "",
        "text_hash": "",
        "signature": None,
        "duplicate_of_id": None,
        "words": [],
        "topic": "",
        "topic_reason": "",
        "confidence": None,
        "product_type": "",
        "sentiment": None,
        "entities": {},
        "team_id": None,
        "queue_status": "",
    }
    values.update({f"band{n}": None for n in range(text.BANDS)})
    return values


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


def _fingerprint(items: list[ListeningItem]) -> dict[int, str]:
    """Each post's normalised text (what every later step reads), exact hash, MinHash signature
    and band keys (the signatures in one batch)."""
    contents: dict[int, str] = {}
    shingled: list[tuple[ListeningItem, set[str]]] = []
    for item in items:
        try:
            content = contents[item.pk] = text.normalise(f"{item.title} {item.text}")
            item.text_hash = text.text_hash(content)
            shingled.append((item, text.shingles(content)))
        except Exception as error:  # one post's text never stops the batch
            log.exception("listening: could not fingerprint post %s", item.pk)
            _flag(item, f"fingerprint: {error.__class__.__name__}: {error}")
    signatures = text.minhash_batch([parts for _item, parts in shingled])
    for (item, _parts), signature in zip(shingled, signatures, strict=True):
        item.signature = signature.tobytes()
        for n, value in enumerate(text.bands(signature)):
            setattr(item, f"band{n}", value)
    return contents


def _segment(items: list[ListeningItem], contents: dict[int, str]) -> dict[int, list[str]]:
    """Words of the posts still waiting (duplicates and noise are not segmented)."""
    words: dict[int, list[str]] = {}
    for item in items:
        if item.status != Status.PENDING:
            continue
        try:
            words[item.pk] = text.segment(contents[item.pk])
        except Exception as error:  # one post's text never stops the batch
            log.exception("listening: could not segment post %s", item.pk)
            _flag(item, f"segmentation: {error.__class__.__name__}: {error}")
    return words


#: Stored posts read per batch as duplicate candidates (exact hash or a shared band).
MAX_CANDIDATES = 5000


def _candidates(live: list[ListeningItem], since: datetime) -> list[tuple[Any, ...]]:
    """Stored posts of the window that share the exact hash or a band with a post of the batch:
    ``(pk, text_hash, signature, band0 … band7)``. On PostgreSQL one query with an array per
    column (``= ANY``, a bitmap OR over the band indexes); elsewhere the same through the ORM."""
    hashes = sorted({i.text_hash for i in live})
    keys = [sorted({getattr(i, f"band{n}") for i in live}) for n in range(text.BANDS)]
    band_fields = [f"band{n}" for n in range(text.BANDS)]
    if connection.vendor == "postgresql":
        meta = ListeningItem._meta
        quote = connection.ops.quote_name
        fields: dict[str, Any] = {f: meta.get_field(f) for f in ["text_hash", *band_fields]}
        column = {f: quote(field.column) for f, field in fields.items()}
        matches = " OR ".join(
            [f"{column['text_hash']} = ANY(%s::varchar[])"]
            + [f"{column[f]} = ANY(%s::int[])" for f in band_fields]
        )
        # Table and column names are the model's own, quoted; every value is a parameter.
        sql = (
            f"SELECT {quote(meta.pk.column)}, {column['text_hash']}, "  # noqa: S608  # nosec B608
            f"{quote(meta.get_field('signature').column)}, "
            f"{', '.join(column[f] for f in band_fields)} FROM {quote(meta.db_table)} "
            f"WHERE ({matches}) AND {quote(meta.get_field('published_at').column)} >= %s "
            f"AND {quote(meta.get_field('status').column)} IN (%s, %s) LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [hashes, *keys, since, Status.DONE.value, Status.NOISE.value, MAX_CANDIDATES]
            )
            return list(cursor.fetchall())
    query = Q(text_hash__in=hashes)
    for n, values in enumerate(keys):
        query |= Q(**{f"band{n}__in": values})
    return list(
        ListeningItem.objects.filter(query, published_at__gte=since)
        .filter(status__in=[Status.DONE, Status.NOISE])
        .values_list("pk", "text_hash", "signature", *band_fields)[:MAX_CANDIDATES]
    )


def _duplicates(items: list[ListeningItem], since: datetime) -> None:
    """Mark exact and near duplicates of earlier posts (stored, or earlier in this batch).

    Exact: the same text without punctuation and spaces. Near: a stored post sharing a MinHash
    band whose estimated Jaccard similarity reaches ``NEAR_SIMILARITY``.
    """
    live = [i for i in items if i.status == Status.PENDING and i.signature is not None]
    if not live:
        return
    earlier = _candidates(live, since)
    by_hash: dict[str, int] = {}
    by_band: list[dict[int, list[tuple[int, bytes]]]] = [{} for _ in range(text.BANDS)]

    def remember(pk: int, digest: str, signature: bytes, keys: tuple[int, ...]) -> None:
        by_hash.setdefault(digest, pk)
        for n, key in enumerate(keys):
            by_band[n].setdefault(key, []).append((pk, signature))

    for pk, digest, signature, *stored_keys in earlier:
        remember(pk, digest, bytes(signature), tuple(stored_keys))
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
    """Run the pipeline over the waiting posts among ``ids``.

    The batch is one transaction that claims its posts (``SELECT … FOR UPDATE SKIP LOCKED`` on
    PostgreSQL): a post queued twice (by intake and again by ``dispatch_pending`` while a backlog
    waits) is processed, and counted, once, even when two workers get it at the same moment.
    """
    summary = Summary()
    with transaction.atomic():
        items = list(
            ListeningItem.objects.filter(pk__in=list(ids), status=Status.PENDING)
            .order_by("pk")
            .only(*LOADED)
            .select_for_update(skip_locked=True, of=("self",))
        )
        if not items:
            return summary
        for item in items:  # every field the batch writes starts clean (a retried post too)
            for name, value in _fresh().items():
                setattr(item, name, value)
        done, words = _run(items, summary)
        _write(items)
        trends.count(done, {i.pk: words.get(i.pk, []) for i in done})
    routing.after_routing([i for i in done if i.team_id])
    return summary


def _run(
    items: list[ListeningItem], summary: Summary
) -> tuple[list[ListeningItem], dict[int, list[str]]]:
    now = timezone.now()
    since = now - timedelta(days=getattr(settings, "LISTENING_DUPLICATE_DAYS", 7))
    contents = _fingerprint(items)
    try:
        with transaction.atomic():  # a savepoint: a failed query leaves the batch usable
            _duplicates(items, since)
    except Exception as error:
        log.exception("listening: duplicate check failed")
        for item in items:
            if item.status == Status.PENDING:
                _flag(item, f"duplicates: {error.__class__.__name__}")
    try:
        with transaction.atomic():  # savepoint, as above
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
        hit = noise.match(contents[item.pk], rules)
        if hit:
            item.status = Status.NOISE
            item.flag_reason = f"{hit[0]}: {hit[1]}"[:200]
    words = _segment(items, contents)
    to_classify = [i for i in items if i.status == Status.PENDING]
    try:
        results = classify.classify_batch(
            [contents[i.pk] for i in to_classify], [words[i.pk] for i in to_classify]
        )
    except Exception as error:
        log.exception("listening: classification failed")
        results = []
        for item in to_classify:
            _flag(item, f"classifier: {error.__class__.__name__}: {error}")
    try:
        with transaction.atomic():  # savepoint, as above
            known = entities.names()
    except Exception:
        log.exception("listening: entity names could not be read")
        known = None
    routes = routing.rules()
    for item, result in zip(to_classify, results, strict=False):
        item.topic = result.topic
        item.topic_reason = result.reason[:200]
        item.confidence = result.confidence
        item.product_type = result.product_type
        item.sentiment = text.sentiment(words[item.pk])
        item.entities = entities.find(contents[item.pk], known) if known else {}
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
    return done, words


def _write(items: list[ListeningItem]) -> None:
    """The batch's results in one statement on PostgreSQL: ``UPDATE … FROM (VALUES …)`` joins
    the rows by id (one parse and plan for the batch; Django's bulk_update built a CASE per field
    and row, 94 % of a batch's time, and one UPDATE per row was the next cost). Elsewhere
    (SQLite in tests) one parameterised UPDATE per row."""
    if not items:
        return
    meta = ListeningItem._meta
    fields: list[Any] = [meta.get_field(name) for name in UPDATE_FIELDS]
    quote = connection.ops.quote_name
    ordered = sorted(items, key=lambda i: i.pk)
    pk_field: Any = meta.pk
    table, pk = quote(meta.db_table), quote(pk_field.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # local: psycopg2 is the PostgreSQL driver, present only where PostgreSQL is used
            from psycopg2.extras import execute_values  # type: ignore[import-untyped]

            prepared = [(f, _preparer(f)) for f in fields]
            rows = [
                [prepare(getattr(item, f.attname)) for f, prepare in prepared] + [item.pk]
                for item in ordered
            ]
            names = [quote(f.column) for f in fields]
            assignments = ", ".join(f"{name} = v.{name}" for name in names)
            # The VALUES list is typed by casts: a NULL in the first row would make it text.
            template = (
                "("
                + ", ".join(f"%s::{f.cast_db_type(connection)}" for f in fields)
                + f", %s::{pk_field.cast_db_type(connection)})"
            )
            # Table and column names are the model's own, quoted; every value is a parameter.
            sql = (
                f"UPDATE {table} SET {assignments} FROM (VALUES %s) "  # noqa: S608  # nosec B608
                f"AS v ({', '.join(names)}, {pk}) WHERE {table}.{pk} = v.{pk}"
            )
            execute_values(cursor.cursor, sql, rows, template=template, page_size=len(rows))
        else:
            rows = [
                [f.get_db_prep_save(getattr(item, f.attname), connection) for f in fields]
                + [item.pk]
                for item in ordered
            ]
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            # Table and column names are the model's own, quoted; every value is a parameter.
            sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608  # nosec B608
            cursor.executemany(sql, rows)


def _identity(value: Any) -> Any:
    return value


def _json(value: Any) -> str:
    return json.dumps(value)


def _binary(value: Any) -> Any:
    # local: see _write
    from psycopg2 import Binary  # type: ignore[import-untyped]

    return None if value is None else Binary(bytes(value))


def _preparer(field: Any) -> Any:
    """How a written field's value becomes a parameter on PostgreSQL, without Django's
    per-value ``get_db_prep_save`` (a third of a batch's Python time): text, numbers, NULL and
    foreign key ids as they are (cast in the statement), JSON as its text, bytes as bytea."""
    kind = field.get_internal_type()
    if kind == "JSONField":
        return _json
    if kind == "BinaryField":
        return _binary
    if kind in ("CharField", "IntegerField", "FloatField", "ForeignKey", "TextField"):
        return _identity
    return lambda value: field.get_db_prep_save(value, connection)


def retry_flagged(limit: int = 10_000) -> int:
    """Put flagged posts back in the queue (after the problem was fixed)."""
    ids = list(
        ListeningItem.objects.filter(status=Status.FLAGGED).values_list("pk", flat=True)[:limit]
    )
    ListeningItem.objects.filter(pk__in=ids).update(status=Status.PENDING)
    return len(ids)
