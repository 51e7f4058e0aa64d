"""When cached pages go stale: bump the generation (``keys``) on anything that can change a page.

Wagtail's signals, so every way of publishing counts (the admin, workflows, scheduled publishing,
``seed_demo``): any page published, unpublished, moved or deleted (menus, news lists and product
highlights show other pages), any snippet published or unpublished, any site setting saved.
Targeting's own changes (segments, campaigns, creatives, placements) change the snapshot version,
which is part of every page key.
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.models import Page
from wagtail.signals import (
    page_published,
    page_unpublished,
    post_page_move,
    published,
    unpublished,
)

from portal.pagecache.keys import bump_generation
from portal.pagecache.placements import placements_of

logger = logging.getLogger("portal.pagecache")


def _bump(sender: Any, **kwargs: Any) -> None:
    bump_generation()


def _setting_saved(sender: Any, created: bool = False, **kwargs: Any) -> None:
    # A settings row is created with its defaults by the first page that reads it
    # (``for_request``), which is what that page already showed: only a change counts.
    if not created:
        bump_generation()


def _page_published(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Bump, and find the new revision's placements now, so no request has to (``placements``)."""
    bump_generation()
    transaction.on_commit(lambda: _find_placements(instance))


def _find_placements(page: Any) -> None:
    try:
        placements_of(page)
    except Exception:  # the first request finds them instead; publishing never fails for this
        logger.exception("pagecache: placements of page %s not found at publish", page.pk)


def connect() -> None:
    uid = "pagecache"
    page_published.connect(_page_published, dispatch_uid=f"{uid}-page-pub")
    page_unpublished.connect(_bump, dispatch_uid=f"{uid}-page-unpub")
    post_page_move.connect(_bump, dispatch_uid=f"{uid}-page-move")
    post_delete.connect(_bump, sender=Page, dispatch_uid=f"{uid}-page-del")
    published.connect(_bump, dispatch_uid=f"{uid}-snippet-pub")
    unpublished.connect(_bump, dispatch_uid=f"{uid}-snippet-unpub")
    for model in apps.get_models():
        if issubclass(model, BaseSiteSetting | BaseGenericSetting):
            post_save.connect(
                _setting_saved, sender=model, dispatch_uid=f"{uid}-setting-{model.__name__}"
            )
