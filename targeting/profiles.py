"""Visitor and customer profiles read into the engine's attributes.

Only reads: the stored documents and the customer profile belong to the tracking app
(``targeting.tracking.documents`` shapes a document, ``targeting.tracking.folding`` stores it).
A decision costs at most one cache read per family (behaviour, customer), never one query per
segment. The customer's document adds what targeting itself knows (imported CRM codes) and what
other apps register as the customer's history (the products app: the products applied for).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from wagtail import hooks

from targeting.models import CrmMembership
from targeting.tracking.documents import behaviour_key, behaviour_view, parse_time
from targeting.tracking.folding import stored_behaviour
from targeting.tracking.models import CustomerProfile

logger = logging.getLogger("targeting")

CUSTOMER_TTL = 60 * 5
#: A Wagtail hook through which an app adds to a customer's history: each function takes a user
#: id and returns ``{"applications": [product slug, ...]}`` (the keys of ``history.*``), or
#: ``{"listening_intents": [product type, ...]}`` (``listening.purchase_intent``).
CUSTOMER_HISTORY_HOOK = "register_customer_history"
HISTORY_FAMILIES = ("applications", "listening_intents")


def customer_key(user_id: int) -> str:
    return f"targeting:customer:{user_id}"


def load_behaviour(visitor_id: str | None) -> dict[str, Any] | None:
    """The engine's behaviour loader: the visitor's profile, one cache read."""
    return behaviour_view(stored_behaviour(visitor_id))


def cached_behaviour(visitor_id: str | None) -> dict[str, Any] | None:
    """The visitor's profile if the cache holds it, else None (unknown): never a query, for work
    done after the response (``targeting.audiences.record_page_view``)."""
    if not visitor_id:
        return None
    data = cache.get(behaviour_key(visitor_id))
    return None if data is None else behaviour_view(data)


def customer_document(user: Any) -> dict[str, Any]:
    """Build the customer document (profile, CRM, history) from the database."""
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
    doc.update(_history(user.pk))
    return doc


def _history(user_id: int) -> dict[str, list[str]]:
    """What other apps register as the customer's history (``CUSTOMER_HISTORY_HOOK``).

    A failing source is logged and counts as empty: a decision never fails because of it."""
    history: dict[str, set[str]] = {family: set() for family in HISTORY_FAMILIES}
    for source in hooks.get_hooks(CUSTOMER_HISTORY_HOOK):
        try:
            found: Mapping[str, Any] = source(user_id)
        except Exception:
            logger.exception("targeting: customer history source %r failed", source)
            continue
        for family, values in found.items():
            if family in history:
                history[family].update(str(v) for v in values if v)
    return {family: sorted(values) for family, values in history.items()}


def load_customer(
    user: Any, now: datetime | None = None, cached_only: bool = False
) -> dict[str, Any] | None:
    """The signed-in customer's attributes for the engine: one cache read; None when anonymous
    (and, with ``cached_only``, when the cache does not hold them: then never a query).

    CRM memberships are cached with their expiry and filtered here, so an expired code stops
    counting at once without a cache invalidation.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    key = customer_key(user.pk)
    doc = cache.get(key)
    if doc is None and cached_only:
        return None
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
    parsed = parse_time(expires)
    return parsed is not None and parsed > now


def forget_customer(user_id: int) -> None:
    """Drop a customer's cached document after their profile or CRM codes changed."""
    cache.delete(customer_key(user_id))
