"""Staff views: a customer's interaction history across channels (``tracking.view_interaction``),
and their personal data, downloaded or erased for them by customer service
(``tracking.export_personal_data``, ``tracking.erase_personal_data``; docs/privacy.md).

Marketers without the permissions see aggregates and audiences elsewhere, never these pages.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from targeting.tracking import personal_data
from targeting.tracking.audit import record_request
from targeting.tracking.customers import interaction_history
from targeting.tracking.models import CustomerProfile, PersonalDataRequest

HISTORY_PERMISSION = "tracking.view_interaction"


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm(HISTORY_PERMISSION):
        raise PermissionDenied


def customer_search(request: HttpRequest) -> HttpResponse:
    """Find a customer by username, email or customer number."""
    _require_any(request, HISTORY_PERMISSION, EXPORT_PERMISSION, ERASE_PERMISSION)
    query = request.GET.get("q", "").strip()[:100]
    results = []
    if query:
        user_ids = set(
            CustomerProfile.objects.filter(customer_number__iexact=query).values_list(
                "user_id", flat=True
            )
        )
        results = list(
            get_user_model()
            .objects.filter(
                Q(username__icontains=query) | Q(email__iexact=query) | Q(pk__in=user_ids)
            )
            .order_by("username")[:50]
        )
    return render(
        request,
        "targeting/tracking/admin/customer_search.html",
        {
            "query": query,
            "results": results,
            "can_view_history": request.user.has_perm(HISTORY_PERMISSION),
            "can_handle_personal_data": any(
                request.user.has_perm(p) for p in (EXPORT_PERMISSION, ERASE_PERMISSION)
            ),
        },
    )


def customer_timeline(request: HttpRequest, user_id: int) -> HttpResponse:
    """One customer's timeline, newest first."""
    _require(request)
    customer = get_object_or_404(get_user_model(), pk=user_id)
    return render(
        request,
        "targeting/tracking/admin/customer_timeline.html",
        {
            "customer": customer,
            "profile": CustomerProfile.objects.filter(user=customer).first(),
            "interactions": interaction_history(customer),
        },
    )


# Personal data for customer service: the customer's download and erasure, done for them -------

EXPORT_PERMISSION = "tracking.export_personal_data"
ERASE_PERMISSION = "tracking.erase_personal_data"
PERSONAL_DATA_PERMISSIONS = (EXPORT_PERMISSION, ERASE_PERMISSION)
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}\Z")


class CaseReferenceForm(forms.Form):
    """Every request customer service makes for a customer names the case it answers."""

    reference = forms.CharField(
        label=_("Case reference"),
        max_length=40,
        help_text=_("The ticket or letter this request answers, e.g. CS-2026-001234."),
        error_messages={
            "required": _("Case reference: give the ticket or letter this request answers."),
            "max_length": _(
                "Case reference: letters, digits and . _ / - only, at most 40 characters."
            ),
            "null_characters_not_allowed": _(
                "Case reference: letters, digits and . _ / - only, at most 40 characters."
            ),
        },
    )

    def clean_reference(self) -> str:
        value = self.cleaned_data["reference"].strip()
        if not REFERENCE.match(value):
            raise forms.ValidationError(
                _("Case reference: letters, digits and . _ / - only, at most 40 characters.")
            )
        return value


class StaffEraseForm(CaseReferenceForm):
    confirm = forms.CharField(label=_("Type the customer's username to confirm"), max_length=150)

    def __init__(self, *args: Any, username: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.username = username

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value != self.username:
            raise forms.ValidationError(
                _("That is not this customer's username; nothing was erased.")
            )
        return value


def _require_any(request: HttpRequest, *permissions: str) -> None:
    if not any(request.user.has_perm(p) for p in permissions):
        raise PermissionDenied


def _customer_or_404(user_id: int) -> Any:
    return get_object_or_404(get_user_model(), pk=user_id)


def _is_staff_account(user: Any) -> bool:
    # Staff accounts carry the admin's history and are closed by the administrators' own
    # procedure, never from the customer-service tool.
    return bool(user.is_staff or user.is_superuser)


def personal_data_page(request: HttpRequest, user_id: int) -> HttpResponse:
    """What the portal keeps about one customer (by part), their requests so far, and the
    download and erasure forms for staff who hold the permission."""
    _require_any(request, *PERSONAL_DATA_PERMISSIONS)
    customer = _customer_or_404(user_id)
    return _render_personal_data(request, customer)


def _render_personal_data(
    request: HttpRequest,
    customer: Any,
    export_form: CaseReferenceForm | None = None,
    erase_form: StaffEraseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_export = request.user.has_perm(EXPORT_PERMISSION)
    can_erase = request.user.has_perm(ERASE_PERMISSION) and not _is_staff_account(customer)
    return render(
        request,
        "targeting/tracking/admin/personal_data.html",
        {
            "customer": customer,
            "is_staff_account": _is_staff_account(customer),
            "parts": personal_data.parts(),
            "requests": PersonalDataRequest.objects.filter(customer=customer).select_related(
                "staff"
            )[:50],
            "export_form": (export_form or CaseReferenceForm(prefix="export"))
            if can_export
            else None,
            "erase_form": (
                erase_form or StaffEraseForm(prefix="erase", username=customer.get_username())
            )
            if can_erase
            else None,
            "can_view_history": request.user.has_perm(HISTORY_PERMISSION),
        },
        status=status,
    )


@require_POST
def personal_data_export(request: HttpRequest, user_id: int) -> HttpResponse:
    """The customer's ZIP, handed to customer service, logged with the case reference."""
    _require_any(request, EXPORT_PERMISSION)
    customer = _customer_or_404(user_id)
    form = CaseReferenceForm(request.POST, prefix="export")
    if not form.is_valid():
        return _render_personal_data(request, customer, export_form=form, status=400)
    archive = personal_data.export_archive(customer)
    record_request(
        customer,
        PersonalDataRequest.Kind.EXPORT,
        staff=request.user,
        reference=form.cleaned_data["reference"],
        parts=[p.name for p in personal_data.parts()],
    )
    response = HttpResponse(archive, content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="customer-{customer.pk}-data-{stamp}.zip"'
    )
    return response


@require_POST
def personal_data_erase(request: HttpRequest, user_id: int) -> HttpResponse:
    """Erase the customer for them (their written request on file), logged with the case."""
    _require_any(request, ERASE_PERMISSION)
    customer = _customer_or_404(user_id)
    if _is_staff_account(customer):
        raise PermissionDenied
    form = StaffEraseForm(request.POST, prefix="erase", username=customer.get_username())
    if not form.is_valid():
        return _render_personal_data(request, customer, erase_form=form, status=400)
    parts = personal_data.erase(customer)
    record_request(
        customer,
        PersonalDataRequest.Kind.ERASE,
        staff=request.user,
        reference=form.cleaned_data["reference"],
        parts=parts,
    )
    messages.success(request, _("The customer's data was erased and the account closed."))
    return redirect("tracking_personal_data", user_id=customer.pk)
