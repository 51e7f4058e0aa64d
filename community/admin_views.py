"""Wagtail admin views: the moderation queue and the complaint queue.

Wagtail already requires admin access for every URL registered through `register_admin_urls`;
each view here also checks the community permission its work needs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community import complaints, moderation
from community.access import is_complaint_handler, is_moderator
from community.forms import SuspensionForm, refuse_nul_characters
from community.models import (
    OPEN_STATUSES,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    ModerationAction,
    Post,
)
from community.posting import PostingError


def _requires(check: Callable[[Any], bool]) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


moderator_required = _requires(is_moderator)
complaint_handler_required = _requires(is_complaint_handler)


# Moderation ---------------------------------------------------------------------------------


@moderator_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    page = Paginator(moderation.queue(), 25).get_page(request.GET.get("p"))
    return render(
        request,
        "community/admin/moderation_queue.html",
        {"page_title": _("Moderation queue"), "header_icon": "warning", "page_obj": page},
    )


@moderator_required
def moderation_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.select_related("topic", "topic__board", "author"), pk=pk)
    member = getattr(post.author, "community_member", None)
    return render(
        request,
        "community/admin/moderation_post.html",
        {
            "page_title": _("Moderate post"),
            "header_icon": "warning",
            "post": post,
            "member": member,
            "reports": post.reports.select_related("reporter"),
            "history": ModerationAction.objects.filter(
                Q(post=post) | Q(member=post.author)
            ).select_related("moderator")[:20],
            "complaint_categories": ComplaintCategory.choices,
            "complaint_channels": ComplaintChannel.choices,
        },
    )


@moderator_required
@require_POST
@refuse_nul_characters
def moderation_act(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.select_related("topic", "author"), pk=pk)
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "").strip()
    user = request.user
    try:
        if action == "approve":
            moderation.approve(post, user, reason)
        elif action == "hide":
            moderation.hide(post, user, reason)
        elif action == "unhide":
            moderation.unhide(post, user, reason)
        elif action == "dismiss":
            moderation.dismiss_reports(post, user, reason)
        elif action == "delete":
            moderation.delete(post, user, reason)
            messages.success(request, _("Deleted."))
            return redirect("community_moderation:queue")
        elif action == "edit":
            moderation.edit(post, user, request.POST.get("body", ""), reason)
        elif action == "warn":
            moderation.warn(post.author, user, reason)
        elif action == "suspend":
            form = SuspensionForm(request.POST)
            if not form.is_valid():
                raise ValueError(
                    _("Days: enter a whole number from %(min)s to %(max)s.")
                    % {"min": moderation.MIN_SUSPENSION_DAYS, "max": moderation.MAX_SUSPENSION_DAYS}
                )
            moderation.suspend(post.author, user, form.cleaned_data["days"], reason)
        elif action == "complaint":
            complaint = complaints.complaint_from_post(
                post,
                user,
                request.POST.get("category", ComplaintCategory.OTHER),
                request.POST.get("channel", ComplaintChannel.ONLINE),
            )
            messages.success(
                request,
                _("Complaint %(number)s registered.") % {"number": complaint.tracking_number},
            )
            return redirect("community_moderation:post", pk=post.pk)
        else:
            raise ValueError(_("Unknown action."))
    except (ValueError, PostingError, complaints.ComplaintError) as exc:
        messages.error(request, str(exc))
        return redirect("community_moderation:post", pk=post.pk)
    messages.success(request, _("Done: %(action)s.") % {"action": action})
    return redirect("community_moderation:post", pk=post.pk)


@moderator_required
def moderation_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(ModerationAction.objects.select_related("moderator"), 50).get_page(
        request.GET.get("p")
    )
    return render(
        request,
        "community/admin/moderation_log.html",
        {"page_title": _("Moderation log"), "header_icon": "list-ul", "page_obj": page},
    )


# Complaints ---------------------------------------------------------------------------------


@complaint_handler_required
def complaint_queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    items = Complaint.objects.select_related("customer", "assigned_to")
    status = request.GET.get("status", "open")
    if status == "open":
        items = items.filter(status__in=OPEN_STATUSES)
    elif status in ComplaintStatus.values:
        items = items.filter(status=status)
    category = request.GET.get("category", "")
    if category in ComplaintCategory.values:
        items = items.filter(category=category)
    overdue_ids = set(Complaint.objects.overdue(now).values_list("pk", flat=True))
    if request.GET.get("overdue") == "1":
        items = items.filter(pk__in=overdue_ids)
    if request.GET.get("mine") == "1":
        items = items.filter(assigned_to=request.user)
    # Sorted by the next due date: the first-response deadline until answered, then resolution.
    items = items.annotate(
        answered=Case(
            When(first_responded_at__isnull=True, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("answered", "first_response_due", "resolution_due")
    page = Paginator(items, 30).get_page(request.GET.get("p"))
    for complaint in page.object_list:
        complaint.overdue = complaint.pk in overdue_ids
    return render(
        request,
        "community/admin/complaint_queue.html",
        {
            "page_title": _("Complaints"),
            "header_icon": "mail",
            "page_obj": page,
            "statuses": ComplaintStatus.choices,
            "categories": ComplaintCategory.choices,
            "filters": {
                "status": status,
                "category": category,
                "overdue": request.GET.get("overdue", ""),
                "mine": request.GET.get("mine", ""),
            },
        },
    )


@complaint_handler_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(
        Complaint.objects.select_related("customer", "assigned_to", "product", "source_post"),
        pk=pk,
    )
    return render(
        request,
        "community/admin/complaint_detail.html",
        {
            "page_title": _("Complaint %(number)s") % {"number": complaint.tracking_number},
            "header_icon": "mail",
            "complaint": complaint,
            "events": complaint.events.select_related("actor"),
            "next_statuses": [
                (value, label)
                for value, label in ComplaintStatus.choices
                if complaints.can_transition(complaint, value)
            ],
            "overdue": complaint.is_overdue(),
        },
    )


@complaint_handler_required
@require_POST
@refuse_nul_characters
def complaint_act(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(Complaint, pk=pk)
    if request.POST.get("action") == "assign":
        complaints.assign(complaint, request.user)
        messages.success(request, _("Assigned to you."))
        return redirect("community_complaints:detail", pk=pk)
    try:
        complaints.staff_update(
            complaint,
            request.user,
            to_status=request.POST.get("status", ""),
            message=request.POST.get("message", ""),
            public=request.POST.get("visibility", "public") == "public",
        )
    except complaints.ComplaintError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Complaint updated."))
    return redirect("community_complaints:detail", pk=pk)
