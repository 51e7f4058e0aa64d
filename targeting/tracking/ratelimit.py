"""The portal's one rate limiter: fixed-window counters in the cache (Redis in production).

Every per-address or per-account limit (product applications, community posts, the event API)
counts here, keyed by a scope and the client address from ``clientaddr``. Limits are read from
settings by the caller at call time, so ``override_settings`` and a restart-free change of the
environment both apply. When the cache is down the request is let through: the limit comes back
with the cache, and a customer is never refused because Redis is.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def _bucket_key(key: str, window: int, now: float) -> tuple[str, int]:
    bucket = int(now // window)
    return f"trk:rate:{key}:{window}:{bucket}", bucket


def hit(key: str, limit: int, window: int) -> int | None:
    """Count one request under ``key``; None when allowed, else seconds until the window ends.

    ``limit`` requests per ``window`` seconds pass; a limit of 0 or less means no limit.
    """
    if limit <= 0 or window <= 0:
        return None
    now = time.time()
    full_key, bucket = _bucket_key(key, window, now)
    # INCR first: the window's counter almost always exists, so one cache round trip per
    # request; only the first request of a window also pays for the ADD.
    count: int | None
    try:
        count = cache.incr(full_key)
    except ValueError:  # the first request of this window
        if cache.add(full_key, 1, timeout=window + 1):
            count = 1
        else:  # another worker created it in between, or the cache is down
            try:
                count = cache.incr(full_key)
            except ValueError:  # expired between add and incr, or the cache is down
                cache.set(full_key, 1, timeout=window + 1)
                count = 1
    if count is None:
        # The cache is down (django-redis ignores the error and answers None): let the request
        # through. Refusing would drop events exactly when they are being kept in the database
        # for safety; the limit comes back with the cache.
        return None
    if count > limit:
        return retry_after(bucket, window, now)
    return None


def exceeded(key: str, limit: int, window: int) -> int | None:
    """Like ``hit`` but without counting: seconds to wait if ``key`` has used its allowance."""
    if limit <= 0 or window <= 0:
        return None
    now = time.time()
    full_key, bucket = _bucket_key(key, window, now)
    count = cache.get(full_key) or 0
    if count >= limit:
        return retry_after(bucket, window, now)
    return None


def retry_after(bucket: int, window: int, now: float) -> int:
    """Whole seconds until the window ``bucket`` ends (at least one)."""
    return max(1, int((bucket + 1) * window - now) + 1)
