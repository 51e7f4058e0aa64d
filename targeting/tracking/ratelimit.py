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
    if cache.add(full_key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(full_key)
        except ValueError:  # expired between add and incr
            cache.set(full_key, 1, timeout=window + 1)
            count = 1
    if count > limit:
        return max(1, int((bucket + 1) * window - now) + 1)
    return None
