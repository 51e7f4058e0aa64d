"""Taking product applications (leads): submission, reference numbers, abuse limits.

An application is the catalogue's conversion. `submit_application` is the one place that saves
one; marketing measurement plugs in at `record_conversion`.
"""

import logging
import secrets
import time
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

if TYPE_CHECKING:
    from products.models import ProductApplication, ProductPage

logger = logging.getLogger(__name__)

SESSION_KEY = "products.last_application"
# Letters and digits a customer can read out on the phone without confusing 0/O or 1/I.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_RANDOM_LENGTH = 6

# How many applications one address may send per window; settings may override for events
# such as a branch kiosk sharing one address.
RATE_LIMIT = getattr(settings, "PRODUCT_APPLICATION_RATE_LIMIT", 5)
RATE_LIMIT_WINDOW = getattr(settings, "PRODUCT_APPLICATION_RATE_WINDOW", 3600)

UTM_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign")


def new_reference(on: date | None = None) -> str:
    """A reference like AP20261125K7Q2MX: 'AP', the local date, and six random characters."""
    on = on or timezone.localdate()
    random_part = "".join(
        secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_RANDOM_LENGTH)
    )
    return f"AP{on:%Y%m%d}{random_part}"


def submit_application(
    *,
    product: "ProductPage",
    details: dict[str, Any],
    user: AbstractBaseUser | None = None,
    visitor_id: str = "",
    source: dict[str, str] | None = None,
) -> "ProductApplication":
    """Save a customer's application for `product` and record it as a conversion.

    `details` are the cleaned fields of the application form. The conversion is recorded only
    once the application is committed, so a rolled-back request never counts.
    """
    from products.models import ProductApplication

    source = source or {}
    fields = {
        "product": product,
        "product_title": product.title,
        "applicant_name": details["applicant_name"],
        "mobile_phone": details["mobile_phone"],
        "city": details["city"],
        "amount_requested": details.get("amount_requested"),
        "preferred_contact_time": details["preferred_contact_time"],
        "consent_to_contact": bool(details["consent_to_contact"]),
        "user": user,
        "visitor_id": visitor_id,
        "source": source.get("source", "")[:255],
        **{name: source.get(name, "")[:100] for name in UTM_PARAMETERS},
    }
    for _attempt in range(5):
        try:
            with transaction.atomic():
                application = ProductApplication.objects.create(reference=new_reference(), **fields)
            break
        except IntegrityError:  # a reference collision: ~1 in 10^9 per day, so just draw again
            continue
    else:  # pragma: no cover - five collisions in a row means something else is wrong
        raise RuntimeError("Could not allocate a unique application reference")
    transaction.on_commit(lambda: record_conversion(application))
    return application


def record_conversion(application: "ProductApplication") -> None:
    """Hook point: tell marketing that a visitor converted by applying for a product.

    Called once per committed application. Today it only logs; the tracking work replaces the
    body with an explicit event (type "application", properties: product id, product type,
    reference) for the application's visitor, so campaigns and experiments can count the lead.
    Keep it side-effect-only and fast: it runs inside the customer's request.
    """
    logger.info(
        "product application %s for %s (%s)",
        application.reference,
        application.product_id,
        application.product.product_type if application.product else "",
    )
    from targeting.tracking.ingestion import record_server_event

    customer_ref = f"user-{application.user_id}" if application.user_id else ""
    if not (application.visitor_id or customer_ref):
        return  # no consent and not signed in: nobody to attribute the lead to
    try:
        record_server_event(
            "application",
            visitor_id=application.visitor_id,
            customer_ref=customer_ref,
            at=application.created_at,
            properties={
                "product": application.product.slug if application.product else "unknown",
                "product_type": application.product.product_type if application.product else "",
                "reference": application.reference,
            },
        )
    except Exception:  # measurement must never break the customer's application
        logger.exception("could not record application %s as an event", application.reference)


def client_address(request: HttpRequest) -> str:
    """The address to rate-limit by.

    REMOTE_ADDR only: X-Forwarded-For is spoofable unless it comes from a trusted proxy, and the
    targeting work owns that trust decision; switch to its resolver once it exists.
    """
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def source_from_request(request: HttpRequest) -> dict[str, str]:
    """Where the applicant came from: the campaign parameters on the apply URL, if any."""
    source = {name: request.GET.get(name, "") for name in UTM_PARAMETERS}
    source["source"] = request.GET.get("source", "")
    return source


def _rate_key(address: str) -> str:
    window = int(time.time() // RATE_LIMIT_WINDOW)
    return f"products:apply-rate:{address}:{window}"


def rate_limit_exceeded(address: str) -> bool:
    """True when this address has already sent its allowance of applications this hour."""
    return (cache.get(_rate_key(address)) or 0) >= RATE_LIMIT


def count_submission(address: str) -> None:
    """Count one submission from `address` against its hourly allowance."""
    key = _rate_key(address)
    if not cache.add(key, 1, timeout=RATE_LIMIT_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # the key expired between add and incr; start a new count
            cache.set(key, 1, timeout=RATE_LIMIT_WINDOW)
