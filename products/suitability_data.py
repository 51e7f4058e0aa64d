"""Suitability's part of a customer's personal data: their risk assessments.

Registered with tracking's registry (``targeting.tracking.personal_data``). Erasure keeps each
assessment and suitability record as an anonymous record (the bank must keep its suitability
evidence for the regulator's retention period, docs/privacy.md): the link to the customer goes,
the answers (option codes, nothing identifying once unlinked) and results stay.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from products.risk import RiskAssessment
from targeting.tracking import personal_data


def export_assessments(subject: personal_data.Subject) -> dict[str, Any]:
    return {
        "risk_assessments": [
            {
                "assessed_at": a.assessed_at.isoformat(),
                "valid_until": a.valid_until.isoformat(),
                "questionnaire_version": a.questionnaire_version,
                "answers": a.answers,
                "score": a.score,
                "tolerance": f"C{a.tolerance}",
            }
            for a in RiskAssessment.objects.filter(user_id=subject.user_id).order_by("assessed_at")
        ]
    }


def erase_assessments(subject: personal_data.Subject) -> None:
    RiskAssessment.objects.filter(user_id=subject.user_id).update(user=None)


def register() -> None:
    personal_data.register(
        "risk_assessments",
        label=_("Your risk assessments"),
        export=export_assessments,
        erase=erase_assessments,
        order=100,
    )
