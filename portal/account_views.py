"""The signed-in customer's own pages: the account overview and "my applications".

They only gather what other apps keep about the customer (applications, complaints, messages)
and link to where each is handled; nothing here changes data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from community.models import OPEN_STATUSES, Complaint, Notification
from products.choices import ApplicationStatus
from products.models import ProductApplication

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a str or a lazy translation; types only

#: What each application status means to the applicant, in the words of the confirmation page.
APPLICATION_STATUS_EXPLANATIONS: dict[str, StrOrPromise] = {
    ApplicationStatus.NEW: _(
        "Received. A customer manager will call you, usually within one working day."
    ),
    ApplicationStatus.CONTACTED: _("A customer manager has contacted you and is working on it."),
    ApplicationStatus.APPROVED: _("Approved. Your customer manager will tell you the next steps."),
    ApplicationStatus.DECLINED: _(
        "Not approved this time. Call us if you would like to know more."
    ),
}


def _customer(request: HttpRequest) -> Any:
    """The signed-in customer (the views are login_required; the stubs type it with anonymous)."""
    return request.user


@login_required
@never_cache
def account_home(request: HttpRequest) -> HttpResponse:
    """My account: what is open for me now, and the way to each of my pages."""
    user = _customer(request)
    return render(
        request,
        "portal/account_home.html",
        {
            "open_applications": ProductApplication.objects.filter(user=user)
            .exclude(status__in=[ApplicationStatus.APPROVED, ApplicationStatus.DECLINED])
            .count(),
            "open_complaints": Complaint.objects.filter(
                customer=user, status__in=OPEN_STATUSES
            ).count(),
            "unread_messages": Notification.objects.filter(
                recipient=user, read_at__isnull=True
            ).count(),
        },
    )


@login_required
@never_cache
def my_applications(request: HttpRequest) -> HttpResponse:
    """My applications: each one's reference, product, date and where it stands."""
    applications = ProductApplication.objects.filter(user=_customer(request)).select_related(
        "product"
    )
    rows = [
        (application, APPLICATION_STATUS_EXPLANATIONS.get(application.status, ""))
        for application in applications[:100]
    ]
    return render(request, "portal/my_applications.html", {"rows": rows})
