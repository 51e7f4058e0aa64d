"""The site's menus (header navigation and footer), kept in the cache between publishes.

Every page shows the same header menu and footer for a given site and language, yet building
them reads the site settings' StreamFields and loads the pages they link to. So they are cached
under a *version token*, and the token changes whenever anything they show may have changed:

- a page is published, unpublished, saved, moved or deleted (link titles and URLs come from the
  chosen pages, and a deleted page drops out of the menu);
- the site settings are saved (menu links, footer columns, brand, hotline, legal text);
- a site is saved or deleted (its hostname and root page decide every page's URL).

Changing the token orphans every cached menu at once (they expire on their own), so no
invalidation has to know which keys exist. The token lives in the shared cache (Redis in
production), so one publish reaches every worker. With the local-memory cache of a
single-machine setup each process has its own token, and a menu another process cached may lag a
publish by at most `MENU_CACHE_SECONDS`.

Only what is the same for every visitor is cached: the `aria-current` mark of the header menu,
the language switcher (CSRF token, current path) and the search box stay per request, and the
portal shows no sign-in state in its header or footer. Promotion slots are never in here: the
targeting app caches them per audience.

Wagtail's signals are the hook rather than an explicit call (house style prefers those) because
pages change in Wagtail's own code paths (the editor, scheduled publishing, workflows, the
move and delete actions) that the portal does not own; admin hooks would miss all but the first.
"""

from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from wagtail.models import Site, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from portal.models import SiteSettings

MENU_CACHE_SECONDS = 300
_VERSION_KEY = "portal:menus:version"


@dataclass(frozen=True)
class MenuLink:
    """One link of a menu, resolved to what the template prints."""

    href: str
    text: str


@dataclass(frozen=True)
class MenuCache:
    """What a template's `{% wagtailcache %}` of a menu fragment varies on, and for how long."""

    key: str
    timeout: int


def menu_cache_version() -> str:
    """The current version token of the cached menus (made on first use)."""
    return str(cache.get_or_set(_VERSION_KEY, uuid4().hex, timeout=None))


def invalidate_menus(**_signal_kwargs: Any) -> None:
    """Retire every cached menu of every site and language (a signal receiver)."""
    cache.set(_VERSION_KEY, uuid4().hex, timeout=None)


def menu_cache(site_id: int, language: str) -> MenuCache:
    """The fragment cache key of one site's menus in one language, at the current version."""
    return MenuCache(key=f"{menu_cache_version()}:{site_id}:{language}", timeout=MENU_CACHE_SECONDS)


def main_menu(site_settings: "SiteSettings", language: str) -> list[MenuLink]:
    """The header menu of the settings' site: its links with their addresses and text."""
    key = f"portal:menus:main:{menu_cache(site_settings.site_id, language).key}"
    links = cache.get(key)
    if links is None:
        links = [MenuLink(item.value.href, item.value.text) for item in site_settings.navigation]
        cache.set(key, links, MENU_CACHE_SECONDS)
    return links


def connect_menu_invalidation() -> None:
    """Retire the cached menus whenever a page, a site or the site settings change."""
    # dispatch_uid: ready() may run more than once (tests, management commands).
    page_signals = {
        "published": page_published,
        "unpublished": page_unpublished,
        "moved": post_page_move,
    }
    for name, signal in page_signals.items():
        signal.connect(invalidate_menus, dispatch_uid=f"portal-menus-page-{name}")
    # Django sends post_save and post_delete with the concrete class as sender (a page's own
    # type, not Page), so each page type is connected rather than every model of the project.
    for model in {*get_page_models(), Site, SiteSettings}:
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(
                invalidate_menus,
                sender=model,
                dispatch_uid=f"portal-menus-{model._meta.label_lower}-{name}",
            )
