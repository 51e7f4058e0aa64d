"""Serve and store whole pages for anonymous visitors; give every response its cache headers.

Two middlewares, like Django's own cache middleware pair:

``PageCacheMiddleware`` (last in ``MIDDLEWARE``, after the visitor, the language and the user are
known) answers a GET from the page cache when it can: the route leads to the page's placements,
the engine decides each one for this visitor from the in-process snapshot (no query for an
anonymous visitor), and the page key (``keys.page_key``) finds the stored response. A hit runs no
database query and no template. On a miss the page renders as usual and is stored when nothing in
it belongs to one visitor (see ``storable``).

``CacheHeadersMiddleware`` (first, outside sessions, CSRF and the visitor cookie, so it sees the
final response) writes ``Cache-Control``: ``private, no-store`` for signed-in customers;
``private, no-cache`` for a response that sets a cookie or carries a CSRF token or a session;
``private, max-age=0`` for a page with targeted slots (its HTML depends on the audience, which a
shared cache cannot tell apart); else ``public, max-age=0, s-maxage=...`` so a CDN may keep it
(purged on publish, docs/operations.md). An anonymous response without a session cookie depends on
no cookie, so ``Cookie`` is dropped from its ``Vary`` (Django's session and CSRF middleware add it
whenever they look).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control

from portal.pagecache import keys
from portal.pagecache.placements import placements_of, remember
from targeting.rendering import SEGMENT_SLOT, slot_audience_key
from targeting.snapshot import get_snapshot

logger = logging.getLogger("portal.pagecache")

#: Response headers kept with a stored page (the rest are added again on the way out).
KEPT_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition")
#: Cookies whose presence means the page may be this visitor's own: never served from the cache.
MESSAGES_COOKIE = "messages"


@dataclass
class PageCacheState:
    """What the page cache knows about this request (``request.pagecache``)."""

    route: str | None
    generation: str
    hit: bool = False
    #: The page key, when the route's placements were known before rendering.
    key: str | None = None
    #: The placements the key was computed from.
    placements: tuple[str, ...] = ()
    #: Some slot's answer is the visitor's own: the page is neither served nor stored.
    per_visitor: bool = False
    #: The stored response, on a hit.
    response: HttpResponse | None = None


def enabled() -> bool:
    return bool(getattr(settings, "PAGECACHE_ENABLED", True))


def may_be_personal(request: HttpRequest) -> bool:
    """A session (maybe signed in) or pending messages: the page may be this visitor's own.

    Read from the cookies alone, so deciding costs no query: an anonymous visitor of this site
    has no session (nothing anonymous writes one), and the cache is for them.
    """
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies


def audience_keys(request: HttpRequest, placements: tuple[str, ...]) -> list[str] | None:
    """Each placement's audience key for this request; None when one is the visitor's own."""
    found = []
    for slug in placements:
        key = slot_audience_key(request, slug)
        if key is None:
            return None
        found.append(key)
    return found


def with_variant_audiences(page_id: Any, placements: tuple[str, ...]) -> tuple[str, ...]:
    """The placements plus ``segment:<slug>`` for each audience with a live variant of the page
    (issue 14 item 5b): whether the visitor is in it decides which page is served, so it is part
    of the key. From the snapshot (no query), so a variant linked since the route was learnt
    counts at once."""
    if not isinstance(page_id, int):
        return placements
    segments = get_snapshot().variants.segments_of(page_id)
    if not segments:
        return placements
    return tuple(sorted(set(placements) | {SEGMENT_SLOT + slug for slug in segments}))


def page_slots(page: Any) -> tuple[str, ...]:
    """What a render of the page may show: its placements, and for a page with variants, each
    variant's audience and placements (a visitor in the audience sees the variant's). Reading
    the variants costs a query, on a miss only; the route keeps the answer."""
    found = set(placements_of(page))
    variants = get_snapshot().variants.by_page.get(page.pk, ())
    if variants:
        from wagtail.models import Page

        for variant in Page.objects.filter(pk__in=[spec.page_id for spec in variants]):
            found.update(placements_of(variant))
    return with_variant_audiences(page.pk, tuple(sorted(found)))


def stored_response(entry: Any) -> HttpResponse | None:
    """Rebuild a stored page; None for an entry of another shape (never trusted blindly)."""
    if not (isinstance(entry, dict) and isinstance(entry.get("content"), bytes)):
        return None
    response = HttpResponse(entry["content"], status=200)
    for name, value in entry.get("headers", ()):
        response[name] = value
    return response


class PageCacheMiddleware:
    """Serve anonymous GETs of Wagtail pages from the page cache; store them on a miss."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not enabled() or request.method != "GET" or may_be_personal(request):
            return self.get_response(request)
        state = self.lookup(request)
        if state is None:
            return self.get_response(request)
        request.pagecache = state  # type: ignore[attr-defined]
        if state.response is not None:
            return state.response
        if not isinstance(getattr(request, "slots_rendered", None), dict):
            request.slots_rendered = {}  # type: ignore[attr-defined]
        response = self.get_response(request)
        try:
            self.store(request, state, response)
        except Exception:
            logger.exception("pagecache: could not store %s", request.path)
        return response

    def lookup(self, request: HttpRequest) -> PageCacheState | None:
        route = keys.route_key(request)
        if route is None:
            return None
        try:
            generation = keys.current_generation()
            manifest = keys.pages_cache().get(route)
        except Exception:
            logger.exception("pagecache: lookup failed")
            return None
        state = PageCacheState(route=route, generation=generation)
        if not (isinstance(manifest, dict) and manifest.get("generation") == generation):
            return state
        state.placements = with_variant_audiences(
            manifest.get("page"), tuple(manifest.get("placements") or ())
        )
        found = audience_keys(request, state.placements)
        if found is None:
            state.per_visitor = True
            return state
        state.key = keys.page_key(route, generation, get_snapshot().version, found)
        response = stored_response(keys.pages_cache().get(state.key))
        if response is not None:
            state.hit = True
            state.response = response
            response["X-Page-Cache"] = "hit"
        return state

    def store(
        self, request: HttpRequest, state: PageCacheState, response: HttpResponseBase
    ) -> None:
        page = getattr(request, "pagecache_page", None)
        if page is None or state.per_visitor or not storable(request, response):
            return
        if page.get_view_restrictions().exists():
            # Behind a password, sign-in or group: a hit would skip Wagtail's check.
            return
        rendered: dict[str, bool] = getattr(request, "slots_rendered", {})
        if not all(rendered.values()):
            state.per_visitor = True
            return
        placements = state.placements if state.key else page_slots(page)
        missing = set(rendered) - set(placements)
        if missing:
            # The search at publish time missed a slot: learn it, key the next render by it.
            remember(page.pk, page.live_revision_id, missing)
            return
        key = state.key
        if key is None:
            found = audience_keys(request, placements)
            if found is None:
                state.per_visitor = True
                return
            key = keys.page_key(state.route or "", state.generation, get_snapshot().version, found)
        entry = {
            "content": response.content,  # type: ignore[attr-defined]
            "headers": [(h, response[h]) for h in KEPT_HEADERS if response.has_header(h)],
        }
        timeout = getattr(settings, "PAGECACHE_TTL", 600)
        store = keys.pages_cache()
        store.set(key, entry, timeout)
        store.set(
            state.route,
            {"generation": state.generation, "page": page.pk, "placements": list(placements)},
            timeout,
        )
        response["X-Page-Cache"] = "miss"


def storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Nothing in the response belongs to one visitor, so any visitor of the audience may get it."""
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    control = response.get("Cache-Control", "")
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # a CSRF token is in the page
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False  # the view wrote a session: its cookie is about to be set
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    messages = getattr(request, "_messages", None)
    if messages is not None and (getattr(messages, "used", False) or messages._queued_messages):
        return False
    # A CSP nonce is for one response only.
    return not getattr(request, "_csp_nonce", None)


class CacheHeadersMiddleware:
    """Cache-Control for every response by who asked and what it holds; no Vary: Cookie for
    anonymous visitors without a session. First in ``MIDDLEWARE``: it sees the final response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Rendering notes each slot it shows here (targeting.rendering), cache or not.
        request.slots_rendered = {}  # type: ignore[attr-defined]
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_store=True)
            return response
        if request.method not in ("GET", "HEAD") or response.has_header("Cache-Control"):
            return response
        if response.status_code not in (200, 301, 302, 404):
            return response
        personal = (
            bool(response.cookies)
            or bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        )
        if personal:
            patch_cache_control(response, private=True, no_cache=True)
            return response
        _drop_vary_cookie(response)
        targeted = getattr(request, "slots_rendered", None) or _has_slots(request)
        if targeted or response.status_code == 302:
            # A targeted page differs by audience; a redirect (to sign in) is not worth sharing.
            patch_cache_control(response, private=True, max_age=0)
            return response
        # Wagtail pages are purged from the CDN on publish (docs/operations.md); other views'
        # pages (forums, search) are not, so a CDN keeps them briefly.
        shared = (
            getattr(settings, "PAGECACHE_SHARED_MAX_AGE", 300)
            if getattr(request, "pagecache_page", None) is not None
            else getattr(settings, "PAGECACHE_SHARED_MAX_AGE_VIEWS", 60)
        )
        patch_cache_control(
            response,
            public=True,
            max_age=getattr(settings, "PAGECACHE_BROWSER_MAX_AGE", 0),
            s_maxage=shared,
        )
        return response


def _has_slots(request: HttpRequest) -> bool:
    state = getattr(request, "pagecache", None)
    return bool(state is not None and state.placements)


def _drop_vary_cookie(response: HttpResponseBase) -> None:
    if not response.has_header("Vary"):
        return
    kept = [v.strip() for v in response["Vary"].split(",") if v.strip().lower() != "cookie"]
    if kept:
        response["Vary"] = ", ".join(kept)
    else:
        del response["Vary"]
