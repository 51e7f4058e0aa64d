"""Page views the server sees, told to tracking as events (``TRACKING_SERVER_PAGEVIEWS``).

A page knows its product category (a product page's type, a board's category); targeting knows
how to read it from a page, tracking only receives the event. Kept apart from
``targeting.profiles``, which only reads profiles.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from targeting.tracking.ingestion import record_server_event


def page_category(page: Any) -> str | None:
    """The product category a page belongs to (a product page's type), if any."""
    if page is None:
        return None
    specific = getattr(page, "specific_deferred", None) or page
    for attr in ("product_type", "targeting_category", "category"):
        value = getattr(specific, attr, None)
        if isinstance(value, str) and value:
            return value
    return None


def record_pageview(visitor_id: str, page: Any = None, now: datetime | None = None) -> None:
    """Count a page view the server saw (a page without the beacon).

    Goes through the tracking pipeline as a ``page_view`` event of the portal itself, so it is in
    the raw event log (``rebuild_profiles`` keeps it) and is folded by the same code as the
    beacon's page views. Without a broker it is folded before this returns.
    """
    properties: dict[str, Any] = {"category": page_category(page)}
    url = getattr(page, "url", None)
    if isinstance(url, str) and url.startswith("/"):
        properties["path"] = url[:500]
    record_server_event("page_view", visitor_id=visitor_id, at=now, properties=properties)
