"""Visitor and customer profiles as the engine's loaders see them.

Reads go through the cache so a decision costs at most one cache read per family (behaviour,
customer), never one query per segment. Writes update the database and then the cache, so the
next read is warm and current.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger("targeting")

#: A visit after this much inactivity starts a new session (the common web-analytics rule).
SESSION_GAP = timedelta(minutes=30)
#: Lists kept in a profile are bounded so a profile stays one small cache value.
MAX_SEARCHES = 20
MAX_CLICKED = 50
BEHAVIOUR_TTL = 60 * 60 * 24
CUSTOMER_TTL = 60 * 5

EMPTY_BEHAVIOUR: dict[str, Any] = {}


def behaviour_key(visitor_id: str) -> str:
    return f"targeting:behaviour:{visitor_id}"


def customer_key(user_id: int) -> str:
    return f"targeting:customer:{user_id}"


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


def fold_pageview(data: dict[str, Any], category: str | None, now: datetime) -> dict[str, Any]:
    """Fold one page view into a profile document (pure; the tracking pipeline can reuse it)."""
    data = dict(data)
    local_now = timezone.localtime(now)
    last_seen = _parse(data.get("last_seen"))
    if last_seen is None or now - last_seen > SESSION_GAP:
        # The engine's "days since last visit" looks at the end of the previous session.
        data["previous_seen"] = data.get("last_seen")
        data["sessions"] = int(data.get("sessions", 0)) + 1
        data["session_started"] = now.isoformat()
        data["session_pageviews"] = 0
    today = local_now.date().isoformat()
    if data.get("last_visit_day") != today:
        # "visits" counts days with page views, the unit the rule editor describes.
        data["visits"] = int(data.get("visits", 0)) + 1
        data["last_visit_day"] = today
    data["pageviews"] = int(data.get("pageviews", 0)) + 1
    data["session_pageviews"] = int(data.get("session_pageviews", 0)) + 1
    if category:
        categories = dict(data.get("categories") or {})
        categories[category] = now.isoformat()
        data["categories"] = categories
    data.setdefault("searches", [])
    data.setdefault("clicked_campaigns", [])
    data["last_seen"] = now.isoformat()
    return data


def record_pageview(visitor_id: str, page: Any = None, now: datetime | None = None) -> None:
    """Count a page view the server saw (a page without the beacon, a community board).

    Goes through the tracking pipeline as a ``page_view`` event of the portal itself, so it is in
    the raw event log (``rebuild_profiles`` keeps it) and is folded by the same code as the
    beacon's page views. Without a broker it is folded before this returns.
    """
    from targeting.tracking.ingestion import record_server_event

    properties: dict[str, Any] = {"category": page_category(page)}
    url = getattr(page, "url", None)
    if isinstance(url, str) and url.startswith("/"):
        properties["path"] = url[:500]
    record_server_event("page_view", visitor_id=visitor_id, at=now, properties=properties)


def stored_behaviour(visitor_id: str | None) -> dict[str, Any]:
    """The visitor's stored profile document: one cache read; the database only on a miss."""
    if not visitor_id:
        return {}
    key = behaviour_key(visitor_id)
    data = cache.get(key)
    if data is not None:
        return data
    from targeting.models import VisitorProfile

    row = VisitorProfile.objects.filter(visitor_id=visitor_id).values_list("data", flat=True)
    data = next(iter(row), None) or {}
    # Cache the empty answer too: an unknown visitor must not cost a query on every page.
    cache.set(key, data, BEHAVIOUR_TTL)
    return data


def behaviour_view(data: dict[str, Any]) -> dict[str, Any] | None:
    """A stored profile document as the engine's behaviour provider reads it (None if empty)."""
    if not data:
        return None
    categories = data.get("categories") or {}
    if isinstance(categories, dict):
        # Most recently viewed first.
        categories = sorted(categories, key=lambda c: str(categories[c]), reverse=True)
    return {
        "visits": data.get("visits", 0),
        "sessions": data.get("sessions", 0),
        "pageviews": data.get("pageviews", 0),
        "categories": list(categories),
        "searches": list(data.get("searches") or []),
        "clicked_campaigns": list(data.get("clicked_campaigns") or []),
        "last_seen": data.get("previous_seen"),
        "session_pageviews": data.get("session_pageviews", 0),
    }


def load_behaviour(visitor_id: str | None) -> dict[str, Any] | None:
    """The engine's behaviour loader: the visitor's profile, one cache read."""
    return behaviour_view(stored_behaviour(visitor_id))


def customer_document(user: Any) -> dict[str, Any]:
    """Build the customer document (profile, CRM, history) from the database."""
    from targeting.models import CrmMembership, CustomerProfile

    profile = CustomerProfile.objects.filter(user_id=user.pk).first()
    doc: dict[str, Any] = {"is_customer": False, "crm": [], "applications": []}
    if profile is not None:
        doc.update(
            is_customer=profile.is_customer,
            age=profile.age,
            gender=profile.gender or None,
            income_band=profile.income_band or None,
            occupation=profile.occupation or None,
            region=profile.region or None,
            products=list(profile.products or []),
            interests=list(profile.interests or []),
            risk_tolerance=profile.risk_tolerance,
            preferences=dict(profile.preferences or {}),
            purchases=list(profile.purchases or []),
        )
        if profile.customer_number:
            doc["crm"] = [
                [code, expires.isoformat() if expires else None]
                for code, expires in CrmMembership.objects.filter(
                    customer_ref=profile.customer_number
                ).values_list("code", "expires_at")
            ]
    doc["applications"] = _applications(user)
    return doc


def _applications(user: Any) -> list[str]:
    """Product slugs the user applied for, from products.ProductApplication when it exists."""
    try:
        model = apps.get_model("products", "ProductApplication")
    except LookupError:
        return []
    field_names = {f.name for f in model._meta.get_fields()}
    if "user" not in field_names or "product" not in field_names:
        return []
    slugs = model.objects.filter(user_id=user.pk).values_list("product__slug", flat=True)
    return sorted({s for s in slugs if s})


def load_customer(user: Any, now: datetime | None = None) -> dict[str, Any] | None:
    """The signed-in customer's attributes for the engine: one cache read; None when anonymous.

    CRM memberships are cached with their expiry and filtered here, so an expired code stops
    counting at once without a cache invalidation.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    key = customer_key(user.pk)
    doc = cache.get(key)
    if doc is None:
        doc = customer_document(user)
        cache.set(key, doc, CUSTOMER_TTL)
    now = now or timezone.now()
    result = {k: v for k, v in doc.items() if k != "crm"}
    result["crm_segments"] = sorted(
        code for code, expires in doc.get("crm", []) if _membership_in_force(expires, now)
    )
    return result


def _membership_in_force(expires: Any, now: datetime) -> bool:
    """A CRM code counts without expiry or until it; an unreadable expiry drops only that code."""
    if not expires:
        return True
    parsed = _parse(expires)
    return parsed is not None and parsed > now


def forget_customer(user_id: int) -> None:
    """Drop a customer's cached document after their profile or CRM codes changed."""
    cache.delete(customer_key(user_id))


def _parse(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed
