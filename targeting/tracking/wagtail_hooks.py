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
    ]


class HistoryMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return request.user.has_perm(admin_views.HISTORY_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_history_menu_item() -> MenuItem:
    return HistoryMenuItem(
        _("Customer history"), reverse("tracking_customer_search"), icon_name="history", order=252
    )
