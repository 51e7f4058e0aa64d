"""Bulk reads for a snapshot build: a handful of queries for any number of creatives.

Restoring a creative as compliance approved it (Wagtail's ``with_content_json``) checks each of
its foreign keys with a query of its own; its images' renditions, its call-to-action page and
that page's URL cost more queries and cache writes each. At 1,000 campaigns that was 12,000
queries and tens of seconds per build (issue 13 item 6: a rebuild under 2 s at 10,000 segments).
Here the ids every approved copy refers to are collected first and read once per model; the
restored creatives then find their images, pages and renditions in memory.

Semantics stay Wagtail's: a reference to a row that no longer exists is cleared (``SET_NULL``)
exactly as ``model_from_serializable_data`` does, only checked in bulk (see
``Creative.from_serializable_data``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

logger = logging.getLogger(__name__)

#: Set while a snapshot is built: the foreign keys known to exist, read in bulk.
KNOWN_RELATED: ContextVar[RelatedIds | None] = ContextVar("targeting_known_related", default=None)


class RelatedIds:
    """Which values of a related model's field exist, read in bulk and then memoised."""

    def __init__(self) -> None:
        self._present: dict[tuple[type[models.Model], str], set[Any]] = defaultdict(set)
        self._absent: dict[tuple[type[models.Model], str], set[Any]] = defaultdict(set)

    def preload(self, model: type[models.Model], field_name: str, values: Iterable[Any]) -> None:
        wanted = {v for v in values if v is not None}
        key = (model, field_name)
        wanted -= self._present[key] | self._absent[key]
        if not wanted:
            return
        found = set(
            model._default_manager.filter(**{f"{field_name}__in": wanted}).values_list(
                field_name, flat=True
            )
        )
        self._present[key] |= found
        self._absent[key] |= wanted - found

    def exists(self, model: type[models.Model], field_name: str, value: Any) -> bool:
        key = (model, field_name)
        if value not in self._present[key] and value not in self._absent[key]:
            self.preload(model, field_name, [value])
        return value in self._present[key]


@contextmanager
def bulk_foreign_keys(related: RelatedIds) -> Iterator[None]:
    token = KNOWN_RELATED.set(related)
    try:
        yield
    finally:
        KNOWN_RELATED.reset(token)


def clean_foreign_keys(
    model: type[models.Model], data: dict[str, Any], related: RelatedIds, strict: bool
) -> dict[str, Any] | None:
    """``data`` with references to missing rows cleared as Wagtail clears them, or None where
    Wagtail's strict check would give up on the object."""
    cleaned = dict(data)
    for field in model._meta.concrete_fields:
        if not field.many_to_one or cleaned.get(field.name) is None:
            continue
        # A many-to-one field's relation and target field (the stubs type them as optional).
        remote: Any = field.remote_field
        target: Any = remote.model._meta.get_field(remote.field_name)
        value = target.to_python(cleaned[field.name])
        if related.exists(remote.model, remote.field_name, value):
            continue
        if remote.on_delete == models.DO_NOTHING:
            continue
        if remote.on_delete == models.CASCADE and strict:
            return None
        if remote.on_delete in (models.CASCADE, models.SET_NULL):
            cleaned[field.name] = None
        else:  # what modelcluster refuses too
            raise ValueError(f"cannot restore {model.__name__}.{field.name}: on_delete unsupported")
    return cleaned


class SnapshotReads:
    """Images, renditions, pages and page URLs the approved creatives of a build refer to."""

    IMAGE_FIELDS = ("image", "mobile_image")

    def __init__(self) -> None:
        self.related = RelatedIds()
        self.images: dict[int, Any] = {}
        self.pages: dict[int, Any] = {}
        self._urls: dict[int, str] = {}
        self._renditions: dict[tuple[int, str], Any] = {}

    @classmethod
    def load(cls, model: type[models.Model], contents: Iterable[dict[str, Any]]) -> SnapshotReads:
        """Read in bulk what these approved copies (content dicts of ``model``, the creative
        model) refer to."""
        from wagtail.images import get_image_model
        from wagtail.models import Page

        reads = cls()
        ids: dict[str, set[Any]] = defaultdict(set)
        fields = {
            f.name: f for f in model._meta.concrete_fields if f.many_to_one and f.remote_field
        }
        for content in contents:
            for name in fields:
                if isinstance(content, dict) and content.get(name) is not None:
                    ids[name].add(content[name])
        for name, values in ids.items():
            remote: Any = fields[name].remote_field
            target: Any = remote.model._meta.get_field(remote.field_name)
            clean = set()
            for value in values:
                try:
                    clean.add(target.to_python(value))
                except ValidationError:
                    # A malformed id in an old copy: restoring it checks (and clears) it alone.
                    logger.info("targeting: malformed %s id %r in an approved copy", name, value)
            reads.related.preload(remote.model, remote.field_name, clean)
        image_ids = {int(v) for name in cls.IMAGE_FIELDS for v in ids.get(name, ()) if _int(v)}
        if image_ids:
            reads.images = get_image_model().objects.in_bulk(image_ids)
        page_ids = {int(v) for v in ids.get("cta_page", ()) if _int(v)}
        if page_ids:
            reads.pages = {p.pk: p for p in Page.objects.filter(pk__in=page_ids).specific()}
        return reads

    def attach(self, creative: Any) -> Any:
        """Give a restored creative its images and page from memory (no query on access)."""
        for name in (*self.IMAGE_FIELDS, "cta_page"):
            field = creative._meta.get_field(name)
            value = getattr(creative, field.attname)
            source = self.pages if name == "cta_page" else self.images
            if value is not None and value in source:
                field.set_cached_value(creative, source[value])
        return creative

    def rendition(self, image: Any, spec: str) -> Any:
        key = (image.pk, spec)
        if key not in self._renditions:
            self._renditions[key] = image.get_rendition(spec)
        return self._renditions[key]

    def page_url(self, page: Any) -> str:
        if page.pk not in self._urls:
            self._urls[page.pk] = page.url or ""
        return self._urls[page.pk]

    def cta_link(self, creative: Any) -> str:
        """``Creative.cta_link``, with each page's URL worked out once per build."""
        if creative.cta_page_id and creative.cta_page:
            return self.page_url(creative.cta_page)
        return creative.cta_url or ""


def _int(value: Any) -> bool:
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True
