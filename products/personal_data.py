"""Products' part of a customer's personal data: their product applications.

Registered with tracking's registry (``targeting.tracking.personal_data``) from
``ProductsConfig.ready``. An application is the customer's when it was made signed in, or from a
browser they later signed in with (its visitor id is linked to them).

Erasure keeps the application as an anonymous record (reference, product, status, dates,
campaign attribution) because the bank keeps its lead and conversion records for its retention
period (docs/privacy.md); the person (name, phone, city, amount, account, browser) goes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from products.models import ProductApplication
from targeting.tracking import personal_data


def _applications(subject: personal_data.Subject) -> QuerySet[ProductApplication]:
    mine = Q(user_id=subject.user_id)
    if subject.visitor_ids:
        mine |= Q(visitor_id__in=subject.visitor_ids)
    return ProductApplication.objects.filter(mine)


def export_applications(subject: personal_data.Subject) -> dict[str, Any]:
    return {
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
                "preferred_contact_time": a.preferred_contact_time,
                "consent_to_contact": a.consent_to_contact,
                "source": a.source,
                "utm_source": a.utm_source,
                "utm_medium": a.utm_medium,
                "utm_campaign": a.utm_campaign,
            }
            for a in _applications(subject).order_by("created_at", "id")
        ]
    }


def erase_applications(subject: personal_data.Subject) -> None:
    _applications(subject).update(
        user=None,
        applicant_name="",
        mobile_phone="",
        city="",
        visitor_id="",
        amount_requested=None,
        consent_to_contact=False,
    )


def register() -> None:
    personal_data.register(
        "products",
        label=_("Your product applications"),
        export=export_applications,
        erase=erase_applications,
        order=100,
    )
