"""Keep the snapshot, the search index and the variants' privacy right when variants change.

- A link created, changed or deleted bumps the targeting snapshot (the variant map is in it);
  publishing or unpublishing a page (variant or canonical) already does (``targeting.signals``).
  The page cache's keys hold the snapshot version, so cached copies of the page go with it.
- A variant page is kept out of the search index: it is removed after each save (the index's own
  handler adds it back first, at once or from its task queue; removing after commit wins).
- A variant published stays private, whatever its privacy settings were changed to.
- A canonical page deleted takes its variant pages with it: before the deletion each deleted
  page's variants are noted, and once the tree is consistent again (treebeard's
  ``nodes_deleted``, sent after the rows and the parents' child counts) the variants still there
  are deleted with Wagtail's delete action. Noting first is needed: the links go with the page.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from treebeard.mp_tree import nodes_deleted  # type: ignore[import-untyped]
from wagtail.models import Page
from wagtail.search import index
from wagtail.signals import page_published

from targeting.snapshot import bump_version
from targeting.variants.actions import delete_variants_of_deleted_pages, keep_private
from targeting.variants.models import PageVariant

logger = logging.getLogger("targeting")


def _bump(sender: Any, **kwargs: Any) -> None:
    bump_version()


def _is_variant(page: Any) -> bool:
    return isinstance(page, Page) and PageVariant.objects.filter(variant_id=page.pk).exists()


def remove_from_search_index(page: Page) -> None:
    """Take the variant out of the search index once the transaction has committed."""

    def _remove() -> None:
        try:
            index.remove_object(page.specific)
        except Exception:  # the results list public pages only, so a leftover entry shows nowhere
            logger.exception("targeting: variant page %s left in the search index", page.pk)

    transaction.on_commit(_remove)


def _page_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw or not isinstance(instance, Page):
        return
    if _is_variant(instance):
        remove_from_search_index(instance)


def _link_saved(sender: Any, instance: PageVariant, raw: bool = False, **kwargs: Any) -> None:
    bump_version()
    if not raw:
        remove_from_search_index(instance.variant)


def _page_published(sender: Any, instance: Any, **kwargs: Any) -> None:
    if _is_variant(instance):
        keep_private(instance)


_pending = threading.local()


def _pending_pairs() -> set[tuple[int, int]]:
    pairs = getattr(_pending, "pairs", None)
    if pairs is None:
        pairs = _pending.pairs = set()
    return pairs


def _page_deleting(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not isinstance(instance, Page) or instance.pk is None:
        return
    variants = PageVariant.objects.filter(canonical_id=instance.pk).values_list(
        "variant_id", flat=True
    )
    _pending_pairs().update((variant, instance.pk) for variant in variants)


def _nodes_deleted(sender: Any, **kwargs: Any) -> None:
    pairs = _pending_pairs()
    if not pairs:
        return
    todo = set(pairs)
    pairs.clear()  # before deleting: the variants' own deletion sends this signal again
    delete_variants_of_deleted_pages(todo)


def connect() -> None:
    uid = "variants"
    post_save.connect(_link_saved, sender=PageVariant, dispatch_uid=f"{uid}-link-save")
    post_delete.connect(_bump, sender=PageVariant, dispatch_uid=f"{uid}-link-del")
    post_save.connect(_page_saved, dispatch_uid=f"{uid}-page-save")
    page_published.connect(_page_published, dispatch_uid=f"{uid}-page-pub")
    pre_delete.connect(_page_deleting, dispatch_uid=f"{uid}-page-deleting")
    nodes_deleted.connect(_nodes_deleted, dispatch_uid=f"{uid}-nodes-deleted")
