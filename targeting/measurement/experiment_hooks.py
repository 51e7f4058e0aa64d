"""Wagtail hooks of the experiment pages (imported by ``wagtail_hooks``): admin URLs and an
"Experiments" item in the Reports menu, shown to holders of ``measurement.view_report``, and
the four-eyes guard on publishing a declared winner."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from targeting.measurement import experiment_views
from targeting.measurement.models.approval import winner_declarers
from targeting.models import Campaign


@hooks.register("register_admin_urls")
def register_experiment_urls() -> list[Any]:
    return [path("measurement/experiments/", include(experiment_views.urlpatterns))]


class ExperimentsMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return bool(request.user.has_perm(experiment_views.VIEW_PERMISSION))


@hooks.register("register_reports_menu_item")
def register_experiments_menu_item() -> MenuItem:
    return ExperimentsMenuItem(
        _("Experiments"),
        reverse("measurement_experiments"),
        name="experiments",
        icon_name="tasks",
        order=720,
    )


@hooks.register("before_edit_snippet")
def refuse_publishing_own_winner(request: Any, instance: Any) -> HttpResponse | None:
    """Four eyes also on "Publish": whoever declares a winner (in this form, or in a draft
    since the live version) may not publish it themselves, which would skip compliance; they
    submit it for approval, and another reviewer approves (``FourEyesApprovalTask``)."""
    if request.method != "POST" or "action-publish" not in request.POST:
        return None
    if not isinstance(instance, Campaign) or instance.pk is None:
        return None
    raw = request.POST.get("winner", "")
    try:
        posted = int(raw) if raw else None
    except (TypeError, ValueError):
        return None  # the form reports the bad value by its field
    row = Campaign.objects.filter(pk=instance.pk).select_related("latest_revision").first()
    if row is None or posted == row.winner_id:
        return None
    latest = row.latest_revision
    drafted = (latest.content or {}).get("winner") if latest is not None else row.winner_id
    declarers = set()
    if latest is not None and drafted == posted:
        declarers = winner_declarers(row, None, latest)
    if posted != drafted or request.user.pk in declarers:
        messages.error(
            request,
            # Translated now, in the user's admin language; a lazy text would be translated
            # when the message is stored, after the view's language is gone.
            gettext(
                "winner: whoever declares a winner cannot publish it. Submit the campaign for "
                "approval; another compliance reviewer approves it."
            ),
        )
        return redirect(reverse("wagtailsnippets_targeting_campaign:edit", args=[instance.pk]))
    return None
