"""Listening's admin menu (社会化侦听), URLs, viewsets and its customer-history hook."""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from community.listening import admin_views, intents
from community.listening.viewsets import NoiseRuleViewSet, RoutingRuleViewSet

noise_rules = NoiseRuleViewSet()
routing_rules = RoutingRuleViewSet()


@hooks.register("register_admin_urls")
def register_listening_urls() -> list:
    return [
        path("listening/", admin_views.dashboard, name="listening_dashboard"),
        path(
            "listening/alerts/<int:pk>/acknowledge/",
            admin_views.acknowledge_alert,
            name="listening_acknowledge",
        ),
        path("listening/queue/", admin_views.queue, name="listening_queue"),
        path("listening/items/<int:pk>/", admin_views.item_detail, name="listening_item"),
        path("listening/import/", admin_views.import_posts, name="listening_import"),
    ]


@hooks.register("register_admin_viewset")
def register_listening_viewsets() -> list:
    return [noise_rules, routing_rules]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args: Any, permission: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request: Any) -> bool:
        return request.user.has_perm(self.permission)


class ListeningMenu(SubmenuMenuItem):
    def is_shown(self, request: Any) -> bool:
        return any(item.is_shown(request) for item in self.menu.menu_items_for_request(request))


@hooks.register("register_admin_menu_item")
def listening_menu() -> MenuItem:
    items = [
        PermissionMenuItem(
            _("Dashboard"),
            reverse("listening_dashboard"),
            name="listening-dashboard",
            icon_name="view",
            order=100,
            permission=admin_views.DASHBOARD,
        ),
        PermissionMenuItem(
            _("Team queues"),
            reverse("listening_queue"),
            name="listening-queue",
            icon_name="tasks",
            order=200,
            permission=admin_views.RESPOND,
        ),
        PermissionMenuItem(
            _("Import posts"),
            reverse("listening_import"),
            name="listening-import",
            icon_name="upload",
            order=300,
            permission=admin_views.IMPORT,
        ),
        PermissionMenuItem(
            _("Noise rules"),
            reverse(noise_rules.get_url_name("index")),
            name="listening-noise",
            icon_name="cross",
            order=400,
            permission="listening.change_noiserule",
        ),
        PermissionMenuItem(
            _("Routing rules"),
            reverse(routing_rules.get_url_name("index")),
            name="listening-routing",
            icon_name="redirect",
            order=500,
            permission="listening.change_routingrule",
        ),
    ]
    return ListeningMenu(
        _("Social listening"), Menu(items=items), name="listening", icon_name="view", order=650
    )


@hooks.register("register_customer_history")
def purchase_intent_as_history(user_id: int) -> dict[str, list[str]]:
    """Targeting's ``listening.purchase_intent``: product types the customer showed intent for."""
    return {"listening_intents": intents.product_types(user_id)}
