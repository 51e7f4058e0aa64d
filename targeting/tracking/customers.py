"""A known customer's data: merging a browser's history on sign-in, download, erasure, history."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from targeting.models import CrmMembership
from targeting.tracking.models import CustomerProfile, VisitorProfile
from targeting.tracking.documents import BEHAVIOUR_TTL, behaviour_key
from targeting.profiles import forget_customer
from targeting.tracking.documents import customer_profile_key
from targeting.tracking.models import CustomerVisitor, Interaction, RawEvent

logger = logging.getLogger("targeting.tracking")

_COUNTERS = ("visits", "sessions", "pageviews", "clicks", "forms_started", "forms_submitted")
_RECENT_LISTS = {"searches": 20, "clicked_campaigns": 50, "applications": 50}
_LATEST_MAPS = ("categories", "tags", "channels")


def merge_documents(into: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """Combine two behaviour documents: counts add up, recency keeps the latest, lists union."""
    merged = dict(into)
    for key in _COUNTERS:
        if key in other or key in into:
            merged[key] = int(into.get(key, 0)) + int(other.get(key, 0))
    for key, limit in _RECENT_LISTS.items():
        items = [i for i in (into.get(key) or []) if i not in (other.get(key) or [])]
        merged[key] = (items + list(other.get(key) or []))[-limit:]
    for key in _LATEST_MAPS:
        combined = dict(into.get(key) or {})
        for name, when in (other.get(key) or {}).items():
            if str(when) > str(combined.get(name, "")):
                combined[name] = when
        if combined:
            merged[key] = combined
    impressions = dict(into.get("impressions") or {})
    for name, count in (other.get("impressions") or {}).items():
        impressions[name] = int(impressions.get(name, 0)) + int(count)
    if impressions:
        merged["impressions"] = impressions
    # The session and "last seen" state is the more recent document's.
    if str(other.get("last_seen") or "") > str(into.get("last_seen") or ""):
        for key in (
            "last_seen",
            "previous_seen",
            "session_started",
            "session_pageviews",
            "last_visit_day",
        ):
            if key in other:
                merged[key] = other[key]
    return merged


def merge_visitor_into_customer(visitor_id: str | None, user: Any) -> None:
    """On sign-in: this browser's anonymous history becomes the customer's.

    The visitor id is linked to the customer (for download and erasure) and the browser's
    behaviour is merged into the customer's cross-device profile, which targeting reads while
    they are signed in. The merged document is never copied back into the browser's profile:
    the next person on a shared browser must not inherit it. Signing in again on the same
    browser merges nothing twice.
    """
    if not visitor_id or user is None or not user.is_authenticated:
        return
    with transaction.atomic():
        link, created = CustomerVisitor.objects.get_or_create(user=user, visitor_id=visitor_id)
        if not created:
            return
        key = customer_profile_key(user.pk)
        VisitorProfile.objects.bulk_create(
            [VisitorProfile(visitor_id=k, data={}) for k in sorted({key, visitor_id})],
            ignore_conflicts=True,
        )
        rows = {
            p.visitor_id: p
            for p in VisitorProfile.objects.select_for_update()
            .filter(visitor_id__in=[key, visitor_id])
            .order_by("visitor_id")
        }
        customer, browser = rows[key], rows[visitor_id]
        merged = merge_documents(customer.data or {}, browser.data or {})
        customer.data = merged
        customer.save(update_fields=["data", "updated_at"])
    transaction.on_commit(lambda: cache.set(behaviour_key(key), merged, BEHAVIOUR_TTL))


def _customer_refs(user: Any) -> list[str]:
    refs = [f"user-{user.pk}"]
    number = (
        CustomerProfile.objects.filter(user=user).values_list("customer_number", flat=True).first()
    )
    if number:
        refs.append(number)
    return refs


def interaction_history(user: Any, limit: int = 200) -> list[Interaction]:
    """The customer's timeline across channels, newest first."""
    return list(Interaction.objects.filter(user=user).order_by("-at", "-id")[:limit])


def export_customer_data(user: Any) -> dict[str, Any]:
    """Everything the portal keeps about a customer, as a JSON-ready document."""
    from products.models import ProductApplication

    profile = CustomerProfile.objects.filter(user=user).first()
    visitor_ids = list(
        CustomerVisitor.objects.filter(user=user).values_list("visitor_id", flat=True)
    )
    behaviour = dict(
        VisitorProfile.objects.filter(
            visitor_id__in=[customer_profile_key(user.pk), *visitor_ids]
        ).values_list("visitor_id", "data")
    )
    memberships = []
    if profile and profile.customer_number:
        memberships = [
            {"code": code, "expires_at": expires.isoformat() if expires else None}
            for code, expires in CrmMembership.objects.filter(
                customer_ref=profile.customer_number
            ).values_list("code", "expires_at")
        ]
    profile_fields = [
        "customer_number",
        "is_customer",
        "age",
        "gender",
        "income_band",
        "occupation",
        "region",
        "products",
        "interests",
        "risk_tolerance",
        "preferences",
        "purchases",
    ]
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.get_username(),
            "email": getattr(user, "email", ""),
            "date_joined": user.date_joined.isoformat()
            if getattr(user, "date_joined", None)
            else None,
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "profile": {name: getattr(profile, name) for name in profile_fields} if profile else None,
        "crm_memberships": memberships,
        "visitor_ids": visitor_ids,
        "behaviour": behaviour,
        "interaction_history": [
            {
                "at": i.at.isoformat(),
                "channel": i.channel,
                "type": i.type,
                "details": i.properties,
            }
            for i in Interaction.objects.filter(user=user).order_by("at", "id")
        ],
        "applications": [
            {
                "reference": a.reference,
                "product": a.product_title,
                "submitted_at": a.created_at.isoformat(),
                "status": a.status,
                "name": a.applicant_name,
                "mobile_phone": a.mobile_phone,
                "city": a.city,
                "amount_requested": str(a.amount_requested)
                if a.amount_requested is not None
                else None,
            }
            for a in ProductApplication.objects.filter(user=user).order_by("created_at")
        ],
    }


def erase_customer(user: Any) -> None:
    """Erase a customer's personal data and close the account.

    Deletes the customer profile, CRM memberships, interaction history, behaviour profiles and
    raw events of their browsers and customer references; anonymises their applications (the
    bank keeps the lead's reference, product and status for its records, without the person).
    The account is deactivated and stripped of personal data rather than deleted, so that forum
    posts and complaints other people replied to keep their threads (shown as by an erased
    account) and the username cannot be taken over by someone else.
    """
    from products.models import ProductApplication

    with transaction.atomic():
        refs = _customer_refs(user)
        profile = CustomerProfile.objects.filter(user=user).first()
        if profile and profile.customer_number:
            CrmMembership.objects.filter(customer_ref=profile.customer_number).delete()
        visitor_ids = list(
            CustomerVisitor.objects.filter(user=user).values_list("visitor_id", flat=True)
        )
        RawEvent.objects.filter(Q(visitor_id__in=visitor_ids) | Q(customer_ref__in=refs)).delete()
        profile_keys = [customer_profile_key(user.pk), *visitor_ids]
        VisitorProfile.objects.filter(visitor_id__in=profile_keys).delete()
        Interaction.objects.filter(user=user).delete()
        CustomerVisitor.objects.filter(user=user).delete()
        CustomerProfile.objects.filter(user=user).delete()
        ProductApplication.objects.filter(user=user).update(
            user=None,
            applicant_name="",
            mobile_phone="",
            city="",
            visitor_id="",
            amount_requested=None,
        )
        user_model = get_user_model()
        user.is_active = False
        user.set_unusable_password()
        setattr(user, user_model.USERNAME_FIELD, f"erased-{user.pk}")
        for name in ("email", "first_name", "last_name"):
            if hasattr(user, name):
                setattr(user, name, "")
        user.save()
        _delete_allauth_emails(user)
    cache.delete_many([behaviour_key(k) for k in profile_keys])
    forget_customer(user.pk)


def _delete_allauth_emails(user: Any) -> None:
    try:
        from allauth.account.models import EmailAddress
    except ImportError:  # pragma: no cover - allauth is installed
        return
    EmailAddress.objects.filter(user=user).delete()
