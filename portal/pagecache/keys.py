"""The page cache's keys and its generation: what a cached page depends on, as cache keys.

A cached page is found in two steps, both in the ``pages`` cache (Redis in production, local
memory in development):

1. the *route* (host, language, full path with its query) leads to what the route served last:
   the page, its live revision and its placements, under the generation it was learnt in;
2. the *page key* hashes the route, the generation, the targeting snapshot's version and the
   audience key of each of those placements for this request; it leads to the stored response.

The generation (in the default cache, shared by every process) is bumped by anything that can
change a page other than its own content: any page published, unpublished, moved or deleted (menus,
news lists and product highlights show other pages), any snippet published, any site setting saved.
The snapshot version changes with every segment, campaign, creative or placement change. Old
entries are never deleted: nothing can reach them any more, and they expire.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.base import BaseCache
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation

GENERATION_KEY = "pagecache:generation"
#: A path longer than this (with its query) is served but never stored: no flooding by query.
MAX_PATH = 512


def pages_cache() -> BaseCache:
    """The ``pages`` cache alias (settings ``CACHES``)."""
    return caches["pages"]


def current_generation() -> str:
    """The shared generation token, created when the cache has none."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY) or "none"
    return str(generation)


def bump_generation() -> None:
    """Make every cached page unreachable, once the current transaction has committed."""
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None))


def route_key(request: HttpRequest) -> str | None:
    """The route's key, or None when the request's path is too long to store."""
    path = request.get_full_path()
    if len(path) > MAX_PATH:
        return None
    try:
        host = request.get_host()
    except Exception:  # DisallowedHost: not a page we serve
        return None
    language = translation.get_language() or settings.LANGUAGE_CODE
    digest = hashlib.blake2b(f"{host}|{language}|{path}".encode(), digest_size=16).hexdigest()
    return f"pagecache:route:{digest}"


def page_key(route: str, generation: str, version: str, audience_keys: Iterable[str]) -> str:
    """The stored page's key: the route, the generation, the snapshot and each slot's audience."""
    parts = "\n".join([route, generation, version, *audience_keys])
    return "pagecache:page:" + hashlib.blake2b(parts.encode(), digest_size=20).hexdigest()
