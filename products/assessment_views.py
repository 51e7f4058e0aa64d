"""The customer's risk questionnaire (风险测评): take it, see the result and the history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from products import suitability
from products.forms import RiskQuestionnaireForm
from products.questionnaire import QUESTIONNAIRE_VERSION, TOLERANCE_LABELS
from products.risk import RiskAssessment

HISTORY_LENGTH = 10


def _next_url(request: HttpRequest) -> str:
    """Where to go once done: a path on this site only (never an open redirect)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if "\x00" in candidate or len(candidate) > 500 or not candidate.startswith("/"):
        return ""
    if not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return candidate


@login_required
@require_http_methods(["GET", "POST"])
def risk_assessment(request: HttpRequest) -> HttpResponse:
    """GET: the questionnaire with the current result; POST: score it, store it, go on."""
    next_url = _next_url(request)
    form = RiskQuestionnaireForm()
    if request.method == "POST":
        form = RiskQuestionnaireForm(request.POST)
        if form.is_valid():
            suitability.record_assessment(request.user, form.result())
            if next_url:
                return redirect(next_url)
            return redirect("products:risk_assessment")
    history = list(RiskAssessment.objects.filter(user_id=request.user.pk or 0)[:HISTORY_LENGTH])
    current = suitability.current_assessment(request.user)
    response = TemplateResponse(
        request,
        "products/risk_assessment.html",
        {
            "form": form,
            "next_url": next_url,
            "current": current,
            "latest": history[0] if history else None,
            "history": history,
            "version": QUESTIONNAIRE_VERSION,
            "tolerance_labels": TOLERANCE_LABELS,
        },
    )
    if request.method == "POST":
        response.status_code = 400  # the form had errors
    return response
