"""The customer's risk assessment where other pages show it (the profile page, issue 11 item 4).

The questionnaire is the only way to set a risk tolerance: other pages show the assessment in
force, when it expires and a link to take the questionnaire again, never a field of their own.
"""

from __future__ import annotations

from typing import Any

from django import template

from products import suitability

register = template.Library()


@register.inclusion_tag("products/includes/risk_assessment_summary.html", takes_context=True)
def risk_assessment_summary(context: Any, next_url: str = "") -> dict[str, Any]:
    """The signed-in customer's assessment in force (or the expired one), with the retake link."""
    request = context.get("request")
    user = getattr(request, "user", None)
    latest = suitability.latest_assessment(user)
    current = latest if latest is not None and latest.is_valid else None
    return {
        "current": current,
        "latest": latest,
        "questionnaire_url": suitability.questionnaire_url(next_url),
    }
