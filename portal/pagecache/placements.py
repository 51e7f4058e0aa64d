"""Which targeting placements a published page shows, found without rendering it.

Two places name a placement: the page's StreamFields (a promotion slot or placement block holds the
chosen ``targeting.Placement``; an audience block names its segments, listed as
``segment:<slug>`` like the render notes them) and its template (``{% placement "home-hero" %}`` with a literal
slug, in the template itself, the templates it extends and those it includes by a literal name).
Both are read once per revision, when the page is published (``invalidation``), and kept in the
cache; the page cache keys a page by the audience keys of exactly these placements. A render that
shows a placement this list missed (a slug only known at render time) is not stored, and the slug
is added to the list, so the next render is keyed by it (``middleware``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.cache import caches
from django.template import TemplateDoesNotExist
from django.template.base import Node, Template
from django.template.library import SimpleNode
from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode, IncludeNode
from wagtail.blocks.list_block import ListValue
from wagtail.blocks.stream_block import StreamValue
from wagtail.blocks.struct_block import StructValue
from wagtail.fields import StreamField

from targeting.blocks import AudienceBlockValue
from targeting.models import Placement
from targeting.rendering import SEGMENT_SLOT
from targeting.templatetags.targeting_tags import placement as placement_tag

logger = logging.getLogger("portal.pagecache")

#: Placements of a page revision; revisions never change, so the entry lives as long as the cache.
PLACEMENTS_KEY = "pagecache:placements:{page}:{revision}"
PLACEMENTS_TTL = 7 * 24 * 3600


def stream_placements(page: Any) -> set[str]:
    """Slugs of the placements chosen in any StreamField of the page (nested blocks too), and
    ``segment:<slug>`` for each segment an audience block asks about."""
    found: set[str] = set()
    for field in page._meta.get_fields():
        if isinstance(field, StreamField):
            _walk(getattr(page, field.name, None), found)
    return found


def _walk(value: Any, found: set[str]) -> None:
    if isinstance(value, Placement):
        found.add(value.slug)
    elif isinstance(value, AudienceBlockValue):
        # Before StructValue: its segments are plain slugs, and its content may hold placements.
        found.update(SEGMENT_SLOT + slug for slug in value.segment_slugs)
        _walk(value.get("content"), found)
    elif isinstance(value, StreamValue):
        for child in value:
            _walk(child.value, found)
    elif isinstance(value, StructValue):
        for item in value.values():
            _walk(item, found)
    elif isinstance(value, ListValue | list | tuple):
        for item in value:
            _walk(item, found)


def template_placements(template_name: str) -> set[str]:
    """Literal slugs of ``{% placement %}`` tags in a template and what it extends or includes."""
    found: set[str] = set()
    _scan_template(template_name, found, set())
    return found


def _scan_template(name: str, found: set[str], seen: set[str]) -> None:
    if name in seen:
        return
    seen.add(name)
    try:
        template: Template = get_template(name).template  # type: ignore[attr-defined]
    except TemplateDoesNotExist:
        logger.warning("pagecache: template %s not found while looking for placements", name)
        return
    for node in _nodes(template.nodelist):
        if isinstance(node, SimpleNode) and node.func is placement_tag and node.args:
            slug = node.args[0].var
            if isinstance(slug, str):
                found.add(slug)
        elif isinstance(node, ExtendsNode | IncludeNode):
            target = node.parent_name if isinstance(node, ExtendsNode) else node.template
            literal = getattr(target, "var", None)
            if isinstance(literal, str):
                _scan_template(literal, found, seen)


def _nodes(nodelist: Iterable[Node]) -> Iterator[Node]:
    for node in nodelist:
        yield node
        for attr in node.child_nodelists:
            yield from _nodes(getattr(node, attr, None) or ())


def find_placements(page: Any) -> tuple[str, ...]:
    """Every placement the page's content and template name, sorted."""
    specific = page.specific
    found = stream_placements(specific)
    template = getattr(specific, "template", None)
    if isinstance(template, str):
        found |= template_placements(template)
    return tuple(sorted(found))


def placements_of(page: Any) -> tuple[str, ...]:
    """The page's placements for its live revision: from the cache, else found and kept."""
    key = PLACEMENTS_KEY.format(page=page.pk, revision=page.live_revision_id or 0)
    store = caches["pages"]
    cached = store.get(key)
    if isinstance(cached, list | tuple):
        return tuple(cached)
    found = find_placements(page)
    store.set(key, list(found), PLACEMENTS_TTL)
    return found


def remember(page_id: int, revision_id: int | None, slugs: Iterable[str]) -> None:
    """Add placements a render showed to the revision's list (a slug the search missed)."""
    key = PLACEMENTS_KEY.format(page=page_id, revision=revision_id or 0)
    store = caches["pages"]
    cached = store.get(key)
    known = set(cached) if isinstance(cached, list | tuple) else set()
    store.set(key, sorted(known | set(slugs)), PLACEMENTS_TTL)
