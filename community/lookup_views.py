"""Following a complaint by its tracking number and a one-time code, without signing in.

The views only validate the forms and call `community.lookup`; see that module for the limits.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from community import lookup
from community.forms import refuse_nul_characters
from community.models import Complaint, ComplaintStatus
from targeting.tracking.clientaddr import client_ip

PENDING_KEY = "complaint_lookup_pending"


class LookupRequestForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=30,
        help_text=_("On your receipt or in our text message, e.g. TS20250312004711."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    contact = forms.CharField(
        label=_("Mobile number or e-mail"),
        max_length=254,
        help_text=_("The one you gave when you complained. We send the code there."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "email"}),
    )

    def clean_tracking_number(self) -> str:
        number = lookup.normalise_tracking_number(self.cleaned_data["tracking_number"])
        if not number:
            raise forms.ValidationError(
                _("A tracking number is TS followed by 14 digits."), code="invalid"
            )
        return number

    def clean_contact(self) -> str:
        if lookup.parse_contact(self.cleaned_data["contact"]) is None:
            raise forms.ValidationError(
                _("Enter an 11-digit mobile number or an e-mail address."), code="invalid"
            )
        return self.cleaned_data["contact"]


class LookupCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code.isascii() or not code.isdigit():
            raise forms.ValidationError(_("The code has six digits."), code="invalid")
        return code


def _refused(
    request: HttpRequest, template: str, context: dict, exc: lookup.LookupRefused
) -> HttpResponse:
    status = 429 if exc.retry_after else 400
    response = render(request, template, {**context, "refusal": str(exc)}, status=status)
    if exc.retry_after:
        response["Retry-After"] = str(exc.retry_after)
    return response


@never_cache
@refuse_nul_characters
def lookup_start(request: HttpRequest) -> HttpResponse:
    """Step 1: tracking number and contact; a code goes out if they belong together."""
    form = LookupRequestForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["tracking_number"]
        try:
            lookup.request_code(number, form.cleaned_data["contact"], client_ip(request))
        except lookup.LookupRefused as exc:
            return _refused(request, "community/complaint_lookup.html", context, exc)
        request.session[PENDING_KEY] = number
        return HttpResponseRedirect(reverse("community:complaint_lookup_code"))
    return render(
        request, "community/complaint_lookup.html", context, status=400 if form.errors else 200
    )


@never_cache
@refuse_nul_characters
def lookup_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code; the same answer for a wrong code and for a number that does not exist."""
    number = request.session.get(PENDING_KEY) or ""
    if not number:
        return HttpResponseRedirect(reverse("community:complaint_lookup"))
    form = LookupCodeForm(request.POST or None)
    context = {"form": form, "number": number, "minutes": int(lookup.CODE_TTL.seconds // 60)}
    if request.method == "POST" and form.is_valid():
        try:
            complaint = lookup.verify_code(number, form.cleaned_data["code"], client_ip(request))
        except lookup.LookupRefused as exc:
            return _refused(request, "community/complaint_lookup_code.html", context, exc)
        request.session.pop(PENDING_KEY, None)
        lookup.allow_in_session(request.session, complaint)
        return HttpResponseRedirect(
            reverse("community:complaint_lookup_result", args=[complaint.tracking_number])
        )
    return render(
        request,
        "community/complaint_lookup_code.html",
        context,
        status=400 if form.errors else 200,
    )


@never_cache
def lookup_result(request: HttpRequest, number: str) -> HttpResponse:
    """Step 3: the complaint, read-only, for as long as this session was allowed to see it."""
    if not lookup.allowed_in_session(request.session, number):
        return HttpResponseRedirect(reverse("community:complaint_lookup"))
    complaint = get_object_or_404(Complaint, tracking_number=number)
    return render(
        request,
        "community/complaint_lookup_result.html",
        {
            "complaint": complaint,
            "events": complaint.events.filter(public=True),
            "statuses": ComplaintStatus,
            "view_minutes": int(lookup.VIEW_TTL.seconds // 60),
        },
    )
