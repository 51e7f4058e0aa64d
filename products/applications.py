"""Taking product applications (leads): submission, reference numbers, abuse limits.

An application is the catalogue's conversion. `submit_application` is the one place that saves
one; marketing measurement plugs in at `record_conversion`.
"""

import logging
import re
import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from products.models import ProductApplication, ProductPage
from products.suitability import Gate, record_suitability
from targeting.tracking.attribution import last_touch
from targeting.tracking.clientaddr import client_key
from targeting.tracking.ingestion import record_server_event
from targeting.tracking.ratelimit import exceeded, hit

logger = logging.getLogger(__name__)

SESSION_KEY = "products.last_application"
# Letters and digits a customer can read out on the phone without confusing 0/O or 1/I.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_RANDOM_LENGTH = 6

# How many applications one address may send per window (PRODUCT_APPLICATION_RATE_LIMIT and
# PRODUCT_APPLICATION_RATE_WINDOW in settings, read at call time), e.g. more for a branch kiosk.
DEFAULT_RATE_LIMIT = 5
DEFAULT_RATE_WINDOW = 3600

UTM_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign")
# Campaign parameters are labels, not text: letters (any script), digits and a few separators.
# Anything else (a formula's "=", markup, control characters) is dropped rather than stored and
# later exported to a marketer's spreadsheet.
UTM_MAX_LENGTH = 100
_UTM_VALUE = re.compile(r"[\w.\-+ ]+")


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
    gate: "Gate | None" = None,
    acknowledgement: str = "",
) -> "ProductApplication":
    """Save a customer's application for `product` and record it as a conversion.

    `details` are the cleaned fields of the application form. The conversion is recorded only
    once the application is committed, so a rolled-back request never counts. For an investment
    product, `gate` (``suitability.application_gate``) is stored with it as its suitability
    record, with the `acknowledgement` the applicant confirmed when the product is above their
    tolerance; a refused or unassessed gate never gets here (the form's view stops it), and is
    refused again here.
    """
    if gate is not None and gate.action in ("assess", "refuse"):
        raise ValueError(f"application not allowed: suitability gate says {gate.action}")
    if gate is not None and gate.needs_acknowledgement and not details.get("risk_acknowledgement"):
        raise ValueError("application above the risk tolerance without an acknowledgement")
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
        **attribution_fields(visitor_id),
        "source": clean_source_value(source.get("source", ""), 255),
        **{name: clean_source_value(source.get(name, "")) for name in UTM_PARAMETERS},
    }
    for _attempt in range(5):
        try:
            with transaction.atomic():
                application = ProductApplication.objects.create(reference=new_reference(), **fields)
                if gate is not None:
                    record_suitability(application, gate, acknowledged=True, text=acknowledgement)
            break
        except IntegrityError:  # a reference collision: ~1 in 10^9 per day, so just draw again
            continue
    else:  # pragma: no cover - five collisions in a row means something else is wrong
        raise RuntimeError("Could not allocate a unique application reference")
    transaction.on_commit(lambda: record_conversion(application))
    return application


def record_conversion(application: "ProductApplication") -> None:
    """Tell marketing that a visitor converted by applying for a product.

    Called once per committed application. It logs the lead and records an "application" event
    (properties: product slug, product type, reference) for the application's visitor and
    signed-in customer, so campaigns and experiments can count the lead. Keep it
    side-effect-only and fast: it runs inside the customer's request.
    """
    logger.info(
        "product application %s for %s (%s)",
        application.reference,
        application.product_id,
        application.product.product_type if application.product else "",
    )
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
                **application_attribution(application),
            },
        )
    except Exception:  # measurement must never break the customer's application
        logger.exception("could not record application %s as an event", application.reference)


def attribution_fields(visitor_id: str) -> dict[str, str]:
    """The campaign touch an application by this visitor is attributed to, as row fields.

    The last click, else the last seen impression, within the attribution window
    (``targeting.tracking.attribution``); nothing without a visitor id (no consent). One indexed
    query; a failure leaves the application unattributed rather than refused.
    """
    if not visitor_id:
        return {}
    try:
        touch = last_touch(visitor_id, timezone.now())
    except Exception:  # attribution must never break the customer's application
        logger.exception("could not attribute an application of visitor %s", visitor_id)
        return {}
    if touch is None:
        return {}
    return {
        "attributed_campaign": touch.campaign,
        "attributed_creative": touch.creative,
        "attributed_placement": touch.placement,
        "attributed_segment": touch.segment,
        "attributed_touch": "click" if touch.kind == "click" else "view",
    }


def application_attribution(application: "ProductApplication") -> dict[str, str]:
    """The row's attribution as the application event's properties (measurement counts it)."""
    if not application.attributed_campaign:
        return {}
    values = {
        "campaign": application.attributed_campaign,
        "creative": application.attributed_creative,
        "placement": application.attributed_placement,
        "segment": application.attributed_segment,
        "touch": application.attributed_touch,
    }
    return {key: value for key, value in values.items() if value}


def clean_source_value(value: str, max_length: int = UTM_MAX_LENGTH) -> str:
    """A campaign label fit to store: empty unless it is a short run of word characters, digits,
    dots, dashes, pluses and spaces (what UTM builders produce)."""
    value = (value or "").strip()
    if not value or len(value) > max_length or not _UTM_VALUE.fullmatch(value):
        return ""
    return value


def client_address(request: HttpRequest) -> str:
    """The address to rate-limit by: the client behind our trusted proxies (``clientaddr``)."""
    return client_key(request)


def source_from_request(request: HttpRequest) -> dict[str, str]:
    """Where the applicant came from: the campaign parameters on the apply URL, if any."""
    source = {name: clean_source_value(request.GET.get(name, "")) for name in UTM_PARAMETERS}
    source["source"] = clean_source_value(request.GET.get("source", ""), 255)
    return source


def rate_limit() -> tuple[int, int]:
    """(applications, seconds) one address may send, from settings at call time."""
    return (
        int(getattr(settings, "PRODUCT_APPLICATION_RATE_LIMIT", DEFAULT_RATE_LIMIT)),
        int(getattr(settings, "PRODUCT_APPLICATION_RATE_WINDOW", DEFAULT_RATE_WINDOW)),
    )


def rate_limit_minutes() -> int:
    """The window of the rate limit in whole minutes, for the "try again later" page."""
    return max(1, rate_limit()[1] // 60)


def _rate_key(address: str) -> str:
    return f"products:apply:{address}"


def rate_limit_exceeded(address: str) -> bool:
    """True when this address has already sent its allowance of applications this window."""
    limit, window = rate_limit()
    return exceeded(_rate_key(address), limit, window) is not None


def count_submission(address: str) -> None:
    """Count one submission from `address` against its allowance."""
    limit, window = rate_limit()
    hit(_rate_key(address), limit, window)


def applied_product_slugs(user_id: int) -> dict[str, list[str]]:
    """The slugs of the products a customer applied for, as targeting's customer history reads
    them (``history.applications``): every application of theirs, whatever its status."""
    slugs = ProductApplication.objects.filter(user_id=user_id).values_list(
        "product__slug", flat=True
    )
    return {"applications": sorted({slug for slug in slugs if slug})}
