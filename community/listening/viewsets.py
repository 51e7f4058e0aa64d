"""The analysts' lists in the admin: noise rules and routing rules (Wagtail model viewsets)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from community.listening.models import NoiseRule, RoutingRule


class NoiseRuleViewSet(ModelViewSet):
    model = NoiseRule
    icon = "cross"
    menu_label = _("Noise rules")
    add_to_admin_menu = False
    list_display = ["name", "kind", "reason", "active"]
    list_filter = ["kind", "reason", "active"]
    search_fields = ["name", "pattern"]
    form_fields = ["name", "kind", "pattern", "reason", "active"]
    name = "listening_noise_rules"


class RoutingRuleViewSet(ModelViewSet):
    model = RoutingRule
    icon = "redirect"
    menu_label = _("Routing rules")
    add_to_admin_menu = False
    list_display = ["topic", "product_type", "source", "team", "priority", "active"]
    list_filter = ["topic", "active"]
    form_fields = [
        "topic",
        "product_type",
        "source",
        "team",
        "draft_complaint",
        "priority",
        "active",
    ]
    name = "listening_routing_rules"
