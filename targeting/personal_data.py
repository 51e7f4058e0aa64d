"""Targeting's part of a customer's personal data: the CRM segment memberships imported for them.

Registered with tracking's registry (``targeting.tracking.personal_data``) from
``TargetingConfig.ready``. Memberships are keyed by the CRM customer number, which tracking
resolves into ``Subject.customer_number`` before any part runs.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from targeting.models import CrmMembership
from targeting.profiles import forget_customer
from targeting.tracking import personal_data


def export_crm(subject: personal_data.Subject) -> dict[str, Any]:
    if not subject.customer_number:
        return {"memberships": []}
    rows = CrmMembership.objects.filter(customer_ref=subject.customer_number).order_by("code")
    return {
        "memberships": [
            {
                "code": row.code,
                "expires_at": row.expires_at.isoformat() if row.expires_at else None,
                "imported_at": row.imported_at.isoformat(),
            }
            for row in rows
        ]
    }


def erase_crm(subject: personal_data.Subject) -> None:
    """Delete the memberships: a later CRM import re-adds them only if the CRM still sends them
    (the CRM is the bank's system of record and erases on its own side)."""
    if subject.customer_number:
        CrmMembership.objects.filter(customer_ref=subject.customer_number).delete()
    user_id = subject.user_id
    transaction.on_commit(lambda: forget_customer(user_id))


def register() -> None:
    personal_data.register(
        "crm",
        label=_("Customer groups the bank's CRM put you in"),
        export=export_crm,
        erase=erase_crm,
        order=100,
    )
