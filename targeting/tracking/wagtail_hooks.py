"""Admin menu and URLs of tracking (imported by ``targeting/wagtail_hooks.py``)."""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from targeting.tracking import admin_views


@hooks.register("register_admin_urls")
def register_tracking_admin_urls() -> list:
    return [
        path("targeting/customers/", admin_views.customer_search, name="tracking_customer_search"),
        path(
            "targeting/customers/<int:user_id>/",
            admin_views.customer_timeline,
            name="tracking_customer_timeline",
        ),
        path(
            "targeting/customers/<int:user_id>/personal-data/",
            admin_views.personal_data_page,
            name="tracking_personal_data",
        ),
        path(
            "targeting/customers/<int:user_id>/personal-data/download/",
            admin_views.personal_data_export,
            name="tracking_personal_data_export",
        ),
        path(
            "targeting/customers/<int:user_id>/personal-data/erase/",
            admin_views.personal_data_erase,
            name="tracking_personal_data_erase",
        ),
    ]


@hooks.register("register_log_actions")
def register_personal_data_log_actions(actions: Any) -> None:
    actions.register_action(
        "tracking.personal_data.export", _("Download customer data"), _("Customer data downloaded")
    )
    actions.register_action(
        "tracking.personal_data.erase", _("Erase customer data"), _("Customer data erased")
    )


class HistoryMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return any(
            request.user.has_perm(p)
            for p in (admin_views.HISTORY_PERMISSION, *admin_views.PERSONAL_DATA_PERMISSIONS)
        )


@hooks.register("register_admin_menu_item")
def register_history_menu_item() -> MenuItem:
    return HistoryMenuItem(
        _("Customer history"), reverse("tracking_customer_search"), icon_name="history", order=252
    )
