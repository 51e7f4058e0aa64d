"""Customer service registers a complaint taken by phone or at a branch (Wagtail admin).

The caller may have no online account: the complaint then carries their name and contact, the
receipt gives them its tracking number, and they follow it on the website with that number and a
one-time code sent to the contact (community.lookup).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community import complaints, lookup
from community.admin_views import complaint_handler_required
from community.forms import refuse_nul_characters
from community.models import Complaint, ComplaintCategory, ComplaintChannel

MOBILE_VALIDATOR = RegexValidator(
    lookup.MOBILE,
    message=gettext_lazy("Enter an 11-digit mainland China mobile number, e.g. 13800138000."),
)
#: Where a complaint taken by staff can have come in.
STAFF_CHANNELS = [
    (ComplaintChannel.PHONE.value, ComplaintChannel.PHONE.label),
    (ComplaintChannel.BRANCH.value, ComplaintChannel.BRANCH.label),
]


class ComplaintIntakeForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("Received by"), choices=STAFF_CHANNELS)
    contact_name = forms.CharField(label=gettext_lazy("Customer's name"), max_length=50)
    contact_phone = forms.CharField(
        label=gettext_lazy("Customer's mobile number"),
        max_length=11,
        validators=[MOBILE_VALIDATOR],
        help_text=gettext_lazy("The tracking number and the one-time codes are sent here."),
    )
    contact_email = forms.EmailField(label=gettext_lazy("Customer's e-mail"), required=False)
    customer_username = forms.CharField(
        label=gettext_lazy("Online banking user name"),
        max_length=150,
        required=False,
        help_text=gettext_lazy(
            "Only if the customer has an online account: the complaint then also shows there."
        ),
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=ComplaintCategory.choices)
    description = forms.CharField(
        label=gettext_lazy("What the customer says"), max_length=5000, widget=forms.Textarea
    )

    def clean_customer_username(self) -> object:
        name = self.cleaned_data["customer_username"].strip()
        if not name:
            return None
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(gettext_lazy("No online account has this user name."))
        return user


#: What a link may fill in ahead (social listening's "Open as a complaint" passes the post).
PREFILLED = ("description", "customer_username", "category")


@complaint_handler_required
@refuse_nul_characters
def complaint_register(request: HttpRequest) -> HttpResponse:
    initial = {
        name: request.GET[name][:5000]
        for name in PREFILLED
        if name in request.GET and "\x00" not in request.GET[name]
    }
    form = ComplaintIntakeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        complaint = complaints.file_complaint(
            data["customer_username"],
            category=data["category"],
            channel=data["channel"],
            description=data["description"],
            filed_by=request.user,
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            contact_email=data["contact_email"],
        )
        lookup.send_acknowledgement(complaint)
        messages.success(
            request,
            _("Complaint %(number)s registered; the customer was sent its number by text.")
            % {"number": complaint.tracking_number},
        )
        return redirect("community_complaints:receipt", pk=complaint.pk)
    return render(
        request,
        "community/admin/complaint_register.html",
        {
            "page_title": _("Register a complaint by phone or at a branch"),
            "header_icon": "mail",
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@complaint_handler_required
def complaint_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """What to read out to the caller, or print for the customer at the branch."""
    complaint = get_object_or_404(Complaint, pk=pk)
    return render(
        request,
        "community/admin/complaint_receipt.html",
        {
            "page_title": _("Receipt for complaint %(number)s")
            % {"number": complaint.tracking_number},
            "header_icon": "mail",
            "complaint": complaint,
            "lookup_url": request.build_absolute_uri("/community/complaints/lookup/"),
        },
    )
