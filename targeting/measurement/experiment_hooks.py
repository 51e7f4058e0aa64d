"""Wagtail hooks of the experiment pages (imported by ``wagtail_hooks``): admin URLs and an
"Experiments" item in the Reports menu, shown to holders of ``measurement.view_report``."""

from __future__ import annotations

from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from targeting.measurement import experiment_views


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
