"""A known customer's data: merging a browser's history on sign-in, interaction history, and
tracking's own parts of the personal-data registry (``personal_data``): the profiles, browsers,
events and history, and the account itself."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.models import EmailAddress
from axes.models import (  # type: ignore[import-untyped]  # django-axes ships no types
    AccessAttempt,
    AccessFailureLog,
    AccessLog,
)
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import APIToken, ModelLogEntry
from wagtail.users.models import UserProfile

from targeting.tracking import buffer, personal_data
from targeting.tracking.documents import (
    BEHAVIOUR_TTL,
    behaviour_key,
    customer_profile_key,
    merge_documents,
)
from targeting.tracking.models import (
    CustomerProfile,
    CustomerVisitor,
    Interaction,
    RawEvent,
    VisitorProfile,
)

logger = logging.getLogger("targeting.tracking")


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


def interaction_history(user: Any, limit: int = 200) -> list[Interaction]:
    """The customer's timeline across channels, newest first."""
    return list(Interaction.objects.filter(user=user).order_by("-at", "-id")[:limit])


def export_customer_data(user: Any) -> dict[str, Any]:
    """Everything the portal keeps about a customer: every registered part (``personal_data``)."""
    return personal_data.export_document(user)


def erase_customer(user: Any) -> list[str]:
    """Erase a customer's personal data everywhere and close the account (every registered
    part, in one transaction; see ``personal_data.erase`` and docs/privacy.md)."""
    return personal_data.erase(user)


# Tracking's own parts of the registry --------------------------------------------------------


def customer_identifiers(user: Any) -> dict[str, Any]:
    """The browsers (visitor ids) and the CRM customer number tracking knows the customer by."""
    number = (
        CustomerProfile.objects.filter(user=user).values_list("customer_number", flat=True).first()
    )
    visitor_ids = list(
        CustomerVisitor.objects.filter(user=user).values_list("visitor_id", flat=True)
    )
    return {
        "visitor_ids": visitor_ids,
        "customer_refs": [number] if number else [],
        "customer_number": number or "",
    }


_PROFILE_FIELDS = (
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
)


def _profile_keys(subject: personal_data.Subject) -> list[str]:
    return [customer_profile_key(subject.user_id), *subject.visitor_ids]


def _events_of(subject: personal_data.Subject) -> Q:
    return Q(visitor_id__in=subject.visitor_ids) | Q(customer_ref__in=subject.customer_refs)


def export_tracking(subject: personal_data.Subject) -> dict[str, Any]:
    """Declared profile, browsers, behaviour profiles, interaction history, raw events."""
    profile = CustomerProfile.objects.filter(user_id=subject.user_id).first()
    return {
        "profile": {name: getattr(profile, name) for name in _PROFILE_FIELDS} if profile else None,
        "visitor_ids": list(subject.visitor_ids),
        "behaviour": dict(
            VisitorProfile.objects.filter(visitor_id__in=_profile_keys(subject)).values_list(
                "visitor_id", "data"
            )
        ),
        "interaction_history": [
            {"at": i.at.isoformat(), "channel": i.channel, "type": i.type, "details": i.properties}
            for i in Interaction.objects.filter(user_id=subject.user_id).order_by("at", "id")
        ],
        "events": [
            {
                "at": e.at.isoformat(),
                "type": e.type,
                "channel": e.channel,
                "visitor": e.visitor_id,
                "customer": e.customer_ref,
                "properties": e.properties,
            }
            for e in RawEvent.objects.filter(_events_of(subject)).order_by("at", "id")
        ],
    }


def erase_tracking(subject: personal_data.Subject) -> None:
    """Delete profiles, raw events (the Redis buffer is drained into them first), interaction
    history and the visitor links; the cached documents go once the erasure commits."""
    try:
        buffer.drain()
    except Exception:  # Redis down: nothing buffered can be stored now, and none was lost
        logger.warning("personal data: the event buffer could not be drained before erasure")
    keys = _profile_keys(subject)
    RawEvent.objects.filter(_events_of(subject)).delete()
    VisitorProfile.objects.filter(visitor_id__in=keys).delete()
    Interaction.objects.filter(user_id=subject.user_id).delete()
    CustomerVisitor.objects.filter(user_id=subject.user_id).delete()
    CustomerProfile.objects.filter(user_id=subject.user_id).delete()
    # targeting's own part forgets its cached customer document (tracking cannot reach it).
    transaction.on_commit(lambda: cache.delete_many([behaviour_key(k) for k in keys]))


def export_account(subject: personal_data.Subject) -> dict[str, Any]:
    user = subject.user
    return {
        "username": subject.username,
        "email": subject.email,
        "first_name": getattr(user, "first_name", ""),
        "last_name": getattr(user, "last_name", ""),
        "date_joined": user.date_joined.isoformat() if getattr(user, "date_joined", None) else None,
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user_id=subject.user_id).order_by("id")
        ],
        "two_step_devices": [
            d.name for d in TOTPDevice.objects.filter(user_id=subject.user_id).order_by("id")
        ],
    }


def erase_account(subject: personal_data.Subject) -> None:
    """Close the account: deactivated and stripped rather than deleted, so the records the bank
    keeps (complaints, moderation log) still point at one (nameless) account and the username
    cannot be taken over. Its sign-in records, e-mail addresses, two-step devices, admin
    profile and the names in admin history go too; every session ends (the password hash
    changed, so Django no longer accepts them)."""
    user = get_user_model().objects.select_for_update().get(pk=subject.user_id)
    user.is_active = False
    user.set_unusable_password()
    setattr(user, get_user_model().USERNAME_FIELD, subject.erased_name)
    for name in ("email", "first_name", "last_name"):
        if hasattr(user, name):
            setattr(user, name, "")
    user.save()
    EmailAddress.objects.filter(user_id=subject.user_id).delete()
    TOTPDevice.objects.filter(user_id=subject.user_id).delete()
    APIToken.objects.filter(user_id=subject.user_id).delete()
    names = [n for n in (subject.username, subject.email) if n and n != subject.erased_name]
    if names:
        AccessAttempt.objects.filter(username__in=names).delete()
        AccessFailureLog.objects.filter(username__in=names).delete()
        AccessLog.objects.filter(username__in=names).delete()
    profiles = list(UserProfile.objects.filter(user_id=subject.user_id))
    avatars = [(p.avatar.storage, p.avatar.name) for p in profiles if p.avatar]
    UserProfile.objects.filter(user_id=subject.user_id).delete()
    user_type = ContentType.objects.get_for_model(get_user_model())
    ModelLogEntry.objects.filter(content_type=user_type, object_id=str(subject.user_id)).update(
        label=subject.erased_name
    )
    LogEntry.objects.filter(content_type=user_type, object_id=str(subject.user_id)).update(
        object_repr=subject.erased_name, change_message=""
    )

    def delete_avatars() -> None:
        for storage, name in avatars:
            storage.delete(name)

    transaction.on_commit(delete_avatars)


def register_parts() -> None:
    """Tracking's parts of the personal-data registry (from ``TrackingConfig.ready``)."""
    personal_data.add_identifiers(customer_identifiers)
    personal_data.register(
        "tracking",
        label=_("Your profile, browsers, behaviour on the site and history across channels"),
        export=export_tracking,
        erase=erase_tracking,
        order=500,
    )
    personal_data.register(
        "account",
        label=_("Your account: user name, e-mail addresses, sign-in"),
        export=export_account,
        erase=erase_account,
        order=1000,
    )
