"""Fixed-window request counters in the cache (Redis in production): cheap and shared by workers."""

from __future__ import annotations

import time

from django.core.cache import cache


def hit(key: str, limit: int, window: int) -> int | None:
    """Count one request under ``key``; None when allowed, else seconds until the window ends."""
    if limit <= 0:
        return None
    now = time.time()
    bucket = int(now // window)
    full_key = f"trk:rate:{key}:{bucket}"
    # INCR first: the window's counter almost always exists, so one cache round trip per
    # request; only the first request of a window also pays for the ADD.
    count: int | None
    try:
        count = cache.incr(full_key)
    except ValueError:  # the first request of this window
        if cache.add(full_key, 1, timeout=window + 1):
            count = 1
        else:  # another worker created it in between
            try:
                count = cache.incr(full_key)
            except ValueError:  # expired between add and incr
                cache.set(full_key, 1, timeout=window + 1)
                count = 1
    if count is None:
        # The cache is down (django-redis ignores the error and answers None): let the request
        # through. Refusing would drop events exactly when they are being kept in the database
        # for safety; the limit comes back with the cache.
        return None
    if count > limit:
        return max(1, int((bucket + 1) * window - now) + 1)
    return None
