"""Staff views: a customer's interaction history across channels (``tracking.view_interaction``).

Marketers without the permission see aggregates and audiences elsewhere, never this timeline.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from targeting.tracking.models import CustomerProfile
from targeting.tracking.customers import interaction_history

HISTORY_PERMISSION = "tracking.view_interaction"


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm(HISTORY_PERMISSION):
        raise PermissionDenied


def customer_search(request: HttpRequest) -> HttpResponse:
    """Find a customer by username, email or customer number."""
    _require(request)
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
        {"query": query, "results": results},
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
