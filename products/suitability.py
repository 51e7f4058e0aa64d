"""Suitability for the catalogue: risk assessments and the gate in front of an application.

The check itself is the engine's (``targeting.engine.suitability.check_suitability``), the same
one page slots, the decide API and pushes use; this module stores what the questionnaire gives,
tells the engine the customer's tolerance, and decides what the application form must do.

Settings (read at call time):

* ``RISK_ASSESSMENT_VALIDITY_DAYS`` (365): how long an assessment stays in force;
* ``RISK_ASSESSMENT_REMINDER_DAYS`` (30): how long before expiry the customer is reminded;
* ``SUITABILITY_MAX_GAP`` (1): how many levels above the tolerance an application is still
  accepted with an explicit acknowledgement; beyond it the application is refused.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from products.choices import RISK_RATED_TYPES
from products.questionnaire import QUESTIONNAIRE_VERSION, Result
from products.risk import RiskAssessment, SuitabilityRecord
from targeting.engine.suitability import Suitability, check_suitability, risk_number
from targeting.profiles import forget_customer
from targeting.tracking.ingestion import record_server_event
from targeting.tracking.models import CustomerProfile

if TYPE_CHECKING:
    from products.models import ProductApplication, ProductPage

logger = logging.getLogger(__name__)

DEFAULT_VALIDITY_DAYS = 365
DEFAULT_REMINDER_DAYS = 30


def validity() -> timedelta:
    return timedelta(days=int(getattr(settings, "RISK_ASSESSMENT_VALIDITY_DAYS", 365)))


def reminder_lead() -> timedelta:
    return timedelta(days=int(getattr(settings, "RISK_ASSESSMENT_REMINDER_DAYS", 30)))


def max_gap() -> int:
    return int(getattr(settings, "SUITABILITY_MAX_GAP", 1))


def latest_assessment(user: Any) -> RiskAssessment | None:
    """The customer's most recent assessment, in force or not; None when anonymous or never."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return RiskAssessment.objects.filter(user_id=user.pk).first()


def current_assessment(user: Any, now: datetime | None = None) -> RiskAssessment | None:
    """The assessment in force: the latest one, if it has not expired."""
    latest = latest_assessment(user)
    if latest is None or latest.valid_until <= (now or timezone.now()):
        return None
    return latest


def record_assessment(user: Any, result: Result, now: datetime | None = None) -> RiskAssessment:
    """Store a completed questionnaire and make its tolerance the customer's, for every channel.

    The tolerance goes into the customer profile the engine reads (``profile.risk_tolerance``),
    so page slots, the decide API and pushes apply it from the next decision on.
    """
    now = now or timezone.now()
    with transaction.atomic():
        assessment = RiskAssessment.objects.create(
            user=user,
            questionnaire_version=QUESTIONNAIRE_VERSION,
            answers=result.answers,
            score=result.score,
            tolerance=result.tolerance,
            assessed_at=now,
            valid_until=now + validity(),
        )
        set_profile_tolerance(user, result.tolerance)
    record_event(user, "risk_assessment", {"tolerance": result.tolerance})
    return assessment


def set_profile_tolerance(user: Any, tolerance: int) -> None:
    """Write the tolerance into the customer's profile and drop its cached document."""

    # A user without a customer record gets one that does not claim they are a customer yet
    # (``profile.is_customer`` stays false until the CRM says so).
    profile, _created = CustomerProfile.objects.get_or_create(
        user=user, defaults={"is_customer": False}
    )
    if profile.risk_tolerance != tolerance:
        profile.risk_tolerance = tolerance
        profile.save(update_fields=["risk_tolerance", "updated_at"])
    transaction.on_commit(lambda: forget_customer(user.pk))


def record_event(user: Any, type_: str, properties: dict[str, Any]) -> None:
    """Record a suitability event for the customer (push triggers may react to it)."""
    try:
        record_server_event(type_, customer_ref=f"user-{user.pk}", properties=properties)
    except Exception:  # measurement and triggers must never break the questionnaire
        logger.exception("could not record %s for user %s", type_, user.pk)


# --------------------------------------------------------------------------------------------
# The application gate


def is_investment(product: ProductPage) -> bool:
    """Wealth management and distributed insurance and funds: the products suitability covers."""
    return product.product_type in RISK_RATED_TYPES and risk_number(product.risk_level) is not None


@dataclass(frozen=True)
class Gate:
    """What the application form must do for one customer and product."""

    #: "open" (apply normally), "assess" (questionnaire first), "acknowledge" (show the
    #: mismatch and require the acknowledgement) or "refuse" (beyond the configured gap).
    action: str
    check: Suitability | None = None
    assessment: RiskAssessment | None = None

    @property
    def needs_acknowledgement(self) -> bool:
        return self.action == "acknowledge"


def application_gate(product: ProductPage, user: Any, now: datetime | None = None) -> Gate:
    """The gate in front of an application for ``product`` by ``user`` (None: anonymous)."""
    if not is_investment(product):
        return Gate("open")
    assessment = current_assessment(user, now)
    if assessment is None:
        return Gate("assess")
    check = check_suitability(product.risk_level, assessment.tolerance, max_gap())
    if check.refused:
        return Gate("refuse", check, assessment)
    if check.needs_acknowledgement:
        return Gate("acknowledge", check, assessment)
    return Gate("open", check, assessment)


def questionnaire_url(next_url: str = "") -> str:
    """The risk questionnaire, coming back to ``next_url`` (a path on this site) when done."""
    url = reverse("products:risk_assessment")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def acknowledgement_text(product: ProductPage, gate: Gate) -> str:
    """The words the customer confirms, stored verbatim with the application."""
    if gate.check is None or gate.assessment is None:
        raise ValueError("acknowledgement_text needs a gate with a check and an assessment")
    return _(
        "I understand that %(product)s is rated R%(risk)s, above my risk tolerance "
        "C%(tolerance)s from my risk assessment of %(date)s, that it is not suitable for me "
        "according to that assessment, and I choose to apply on my own decision."
    ) % {
        "product": product.title,
        "risk": gate.check.product_risk,
        "tolerance": gate.assessment.tolerance,
        "date": timezone.localtime(gate.assessment.assessed_at).date().isoformat(),
    }


def record_suitability(
    application: ProductApplication, gate: Gate, acknowledged: bool, text: str = ""
) -> SuitabilityRecord | None:
    """Store how an investment application stood against the applicant's assessment."""
    if gate.check is None or gate.assessment is None or gate.check.product_risk is None:
        return None
    mismatch = gate.check.gap > 0
    return SuitabilityRecord.objects.create(
        application=application,
        assessment=gate.assessment,
        product_risk=gate.check.product_risk,
        tolerance=gate.assessment.tolerance,
        mismatch=mismatch,
        acknowledged_at=timezone.now() if mismatch and acknowledged else None,
        acknowledgement_text=text if mismatch else "",
    )


# --------------------------------------------------------------------------------------------
# Re-assessment reminders


def send_reassessment_reminders(now: datetime | None = None) -> int:
    """Remind each customer whose assessment in force expires within the reminder lead time
    (or expired since the last run) once: a ``risk_assessment_due`` event for the customer,
    which push triggers turn into a message. Returns how many were reminded."""
    now = now or timezone.now()
    due = RiskAssessment.objects.filter(
        user__isnull=False, reminder_sent_at__isnull=True, valid_until__lte=now + reminder_lead()
    ).order_by("user_id", "-assessed_at", "-pk")
    reminded = 0
    seen: set[int] = set()
    for assessment in due.iterator():
        user_id = assessment.user_id
        if user_id is None or user_id in seen:
            continue
        seen.add(user_id)
        latest = RiskAssessment.objects.filter(user_id=user_id).first()
        if latest is None or latest.pk != assessment.pk:
            continue  # re-assessed since: nothing to remind
        updated = RiskAssessment.objects.filter(
            pk=assessment.pk, reminder_sent_at__isnull=True
        ).update(reminder_sent_at=now)
        if not updated:
            continue  # another worker got there first
        record_server_event(
            "risk_assessment_due",
            customer_ref=f"user-{assessment.user_id}",
            properties={
                "expires": timezone.localtime(assessment.valid_until).date().isoformat(),
                "tolerance": assessment.tolerance,
            },
        )
        reminded += 1
    return reminded
