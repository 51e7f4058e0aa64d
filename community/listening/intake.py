"""Posts in: validation of outside posts (API and file imports) and the portal's own posts.

Each outside post is checked field by field; a bad row is reported by its line (or index) and
field and the others are stored. Text is masked before it is stored; an outside author is kept
only as a keyed hash. Stored posts wait (``pending``) for the pipeline.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from community.listening.models import OUTSIDE_SOURCES, ListeningItem, Source
from community.listening.text import MAX_TEXT, clean, mask

MAX_ID = 120
MAX_TITLE = 300
MAX_URL = 500
EARLIEST_YEAR = 1990
FIELDS = ("source", "id", "text", "title", "url", "published_at", "author")


@dataclass
class Outcome:
    """What an import or API batch did: how many stored, which already known, which refused."""

    created: int = 0
    known: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)


class RowError(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


def _text(row: dict[str, Any], name: str, limit: int, *, required: bool = False) -> str:
    if name not in row:
        if required:
            raise RowError(name, _("This field is required."))
        return ""
    value = row[name]
    if value is None:
        # JSON's null is not text: leave the field out instead (as the schema says).
        raise RowError(name, _("Must be text."))
    if value == "":
        if required:
            raise RowError(name, _("This field is required."))
        return ""
    if not isinstance(value, str):
        raise RowError(name, _("Must be text."))
    if "\x00" in value:
        raise RowError(name, _("Holds a NUL character."))
    if len(value) > limit:
        raise RowError(name, _("At most %(n)s characters.") % {"n": limit})
    return value


def author_hash(source: str, author: str) -> str:
    """A keyed hash of an outside author: the same account is recognised, never named."""
    if not author:
        return ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{source}:{author}".encode(), hashlib.sha256).hexdigest()[:32]


def clean_row(row: Any, *, default_source: str = "") -> dict[str, Any]:
    """A valid outside post as model fields, or :class:`RowError` naming the field."""
    if not isinstance(row, dict):
        raise RowError("", _("Each post must be an object."))
    unknown = sorted(set(row) - set(FIELDS))
    if unknown:
        raise RowError(str(unknown[0])[:40], _("Unknown field."))
    source = _text(row, "source", 20) or default_source
    if not source:
        raise RowError("source", _("This field is required."))
    if source not in OUTSIDE_SOURCES:
        raise RowError(
            "source",
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(sorted(OUTSIDE_SOURCES))},
        )
    external_id = _text(row, "id", MAX_ID, required=True)
    text = clean(_text(row, "text", MAX_TEXT * 2, required=True))
    if not text:
        raise RowError("text", _("This field is required."))
    title = clean(_text(row, "title", MAX_TITLE))
    url = _text(row, "url", MAX_URL)
    if url and not url.startswith(("https://", "http://")):
        raise RowError("url", _("Give an http or https address."))
    published_raw = row.get("published_at")
    published = timezone.now()
    if published_raw == "" or ("published_at" in row and published_raw is None):
        # A file's empty cell never gets here (read_csv drops it); in JSON, leave it out.
        raise RowError("published_at", _("Give a date and time, e.g. 2026-11-30T09:15:00+08:00."))
    if published_raw is not None:
        if not isinstance(published_raw, str):
            raise RowError(
                "published_at", _("Give a date and time, e.g. 2026-11-30T09:15:00+08:00.")
            )
        try:
            parsed = parse_datetime(published_raw)
        except ValueError:
            parsed = None
        if parsed is None:
            raise RowError(
                "published_at", _("Give a date and time, e.g. 2026-11-30T09:15:00+08:00.")
            )
        try:
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed)
            too_late = parsed > timezone.now() + timedelta(days=1)
            too_early = parsed.year < EARLIEST_YEAR
        except (OverflowError, ValueError):
            raise RowError("published_at", _("Give a date between 1990 and today.")) from None
        if too_late:
            raise RowError("published_at", _("Lies in the future."))
        if too_early:
            raise RowError("published_at", _("Give a date between 1990 and today."))
        published = parsed
    author = _text(row, "author", 200)
    masked_text, found = mask(text)
    masked_title, found_title = mask(title)
    return {
        "source": source,
        "external_id": external_id,
        "text": masked_text,
        "title": masked_title,
        "url": url,
        "published_at": published,
        "author_hash": author_hash(source, author),
        "masked": ",".join(sorted(found | found_title)),
    }


def store(rows: Iterable[tuple[int, Any]], *, default_source: str = "") -> Outcome:
    """Validate and store ``(line, row)`` pairs; duplicates of known ids are counted, not
    stored twice. The new ids are in ``outcome.ids`` (for the pipeline)."""
    outcome = Outcome()
    valid: list[tuple[int, dict[str, Any]]] = []
    seen: set[tuple[str, str]] = set()
    for line, row in rows:
        if isinstance(row, _BadLine):
            outcome.errors.append(
                {"line": line, "field": "", "message": _("Not a readable row (JSON or CSV).")}
            )
            continue
        try:
            cleaned = clean_row(row, default_source=default_source)
        except RowError as error:
            outcome.errors.append({"line": line, "field": error.field, "message": error.message})
            continue
        key = (cleaned["source"], cleaned["external_id"])
        if key in seen:
            outcome.known += 1
            continue
        seen.add(key)
        valid.append((line, cleaned))
    if not valid:
        return outcome
    with transaction.atomic():
        existing = set()
        for source in {c["source"] for _line, c in valid}:
            ids = [c["external_id"] for _line, c in valid if c["source"] == source]
            existing |= {
                (source, e)
                for e in ListeningItem.objects.filter(
                    source=source, external_id__in=ids
                ).values_list("external_id", flat=True)
            }
        fresh = [
            ListeningItem(**c)
            for _line, c in valid
            if (c["source"], c["external_id"]) not in existing
        ]
        outcome.known += len(valid) - len(fresh)
        created = ListeningItem.objects.bulk_create(fresh, ignore_conflicts=False, batch_size=500)
        outcome.created = len(created)
        outcome.ids = [item.pk for item in created if item.pk is not None]
    if not outcome.ids and created:
        # Backends that return no ids from bulk_create: read them back.
        outcome.ids = list(
            ListeningItem.objects.filter(
                status="pending", external_id__in=[i.external_id for i in created]
            ).values_list("pk", flat=True)
        )
    return outcome


def read_jsonl(stream: io.TextIOBase | Iterable[str]) -> Iterator[tuple[int, Any]]:
    """``(line number, row)``; a line that is not JSON becomes an error row."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line, parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            yield number, _BadLine()


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def read_csv(stream: io.TextIOBase | Iterable[str]) -> Iterator[tuple[int, Any]]:
    reader = csv.DictReader(stream)
    for row in reader:
        if None in row:  # more cells than headers
            yield reader.line_num, _BadLine()
            continue
        yield reader.line_num, {k: v for k, v in row.items() if k and v not in (None, "")}


class _BadLine(dict):
    """A line that could not be read; ``clean_row`` reports it."""


def from_portal(
    *,
    source: str,
    external_id: str,
    text: str,
    title: str = "",
    url: str = "",
    author_id: int | None = None,
    published_at: datetime | None = None,
    post_id: int | None = None,
    complaint_id: int | None = None,
) -> ListeningItem | None:
    """Store one of the portal's own posts (already masked by the community's rules)."""
    if source not in (Source.PORTAL_TOPIC, Source.PORTAL_REPLY, Source.COMPLAINT):
        raise ValueError(source)
    masked_text, found = mask(clean(text))
    item, created = ListeningItem.objects.get_or_create(
        source=source,
        external_id=external_id,
        defaults={
            "text": masked_text,
            "title": mask(clean(title))[0][:MAX_TITLE],
            "url": url[:MAX_URL],
            "author_id": author_id,
            "portal_post_id": post_id,
            "complaint_id": complaint_id,
            "published_at": published_at or timezone.now(),
            "masked": ",".join(sorted(found)),
        },
    )
    return item if created else None
