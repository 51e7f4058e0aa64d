"""Pinyin slugs: a new page titled 个人定期存款 gets /ge-ren-ding-qi-cun-kuan/, not /个人定期存款/.

Wagtail's editor proposes the slug from the title in the browser and keeps Chinese characters
(percent-encoded in every shared link, unreadable in a text message). When a new page is first
saved with Chinese (or other non-ASCII) characters in its slug, they are replaced by pinyin and
the slug is made unique among its siblings. Existing pages keep their slug: changing it would
break links people already have. An editor who wants another slug edits it after saving.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models.signals import pre_save
from django.utils.text import slugify
from wagtail.models import Page

MAX_SLUG_LENGTH = 255


def pinyin_slug(text: str) -> str:
    """ "个人定期存款 2026" -> "ge-ren-ding-qi-cun-kuan-2026"; ASCII text is slugified as usual."""
    # Imported here, not at the top: pypinyin's dictionaries take ~56 MB, which every web worker
    # would carry for a function only the admin's first save of a page calls.
    from pypinyin import Style, lazy_pinyin

    # Each character's syllable becomes a word; runs of non-Chinese text stay as they are.
    words = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    slug = slugify(" ".join(words), allow_unicode=False)
    return re.sub(r"-{2,}", "-", slug)[:MAX_SLUG_LENGTH].strip("-")


def _unique_among_siblings(page: Page, slug: str) -> str:
    parent = page.get_parent() if page.path else None
    if parent is None:
        return slug
    return unique_slug_under(parent, slug, exclude=page)


def unique_slug_under(parent: Page, slug: str, exclude: Page | None = None) -> str:
    """`slug`, or `slug-2`, `slug-3`... whichever no other child of `parent` has."""
    siblings = Page.objects.child_of(parent)
    if exclude is not None and exclude.pk:
        siblings = siblings.exclude(pk=exclude.pk)
    taken = set(siblings.filter(slug__startswith=slug).values_list("slug", flat=True))
    candidate, number = slug, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate = slug[: MAX_SLUG_LENGTH - len(suffix)] + suffix
        number += 1
    return candidate


def use_pinyin_slug(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """pre_save of every page type: a new page's non-ASCII slug becomes pinyin."""
    if raw or not isinstance(instance, Page) or instance.pk is not None:
        return
    if not instance.slug or instance.slug.isascii():
        return
    slug = pinyin_slug(instance.slug) or pinyin_slug(instance.title) or "page"
    instance.slug = _unique_among_siblings(instance, slug)
    # Page.save computed url_path from the old slug just before this signal.
    parent = instance.get_parent() if instance.path else None
    if parent is not None:
        instance.set_url_path(parent)


def connect() -> None:
    pre_save.connect(use_pinyin_slug, dispatch_uid="portal.slugs.use_pinyin_slug")
