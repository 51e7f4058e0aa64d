"""The community in the Wagtail admin: boards, the moderation queue, the complaint queue."""

from __future__ import annotations

from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from community import admin_intake, admin_views
from community.access import is_complaint_handler, is_moderator
from community.models import Board, Category

moderation_urls = [
    path("", admin_views.moderation_queue, name="queue"),
    path("log/", admin_views.moderation_log, name="log"),
    path("post/<int:pk>/", admin_views.moderation_post, name="post"),
    path("post/<int:pk>/act/", admin_views.moderation_act, name="act"),
]
complaint_urls = [
    path("", admin_views.complaint_queue, name="queue"),
    path("<int:pk>/", admin_views.complaint_detail, name="detail"),
    path("<int:pk>/act/", admin_views.complaint_act, name="act"),
    path("register/", admin_intake.complaint_register, name="register"),
    path("<int:pk>/receipt/", admin_intake.complaint_receipt, name="receipt"),
]


@hooks.register("register_admin_urls")
def register_community_admin_urls() -> list[Any]:
    return [
        path("community/moderation/", include((moderation_urls, "community_moderation"))),
        path("community/complaints/", include((complaint_urls, "community_complaints"))),
    ]


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users the check admits."""

    def __init__(self, *args: Any, check: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.check = check

    def is_shown(self, request: Any) -> bool:
        return self.check(request.user)


@hooks.register("register_admin_menu_item")
def moderation_menu_item() -> MenuItem:
    return PermissionMenuItem(
        _("Moderation"),
        reverse("community_moderation:queue"),
        icon_name="warning",
        order=450,
        check=is_moderator,
    )


@hooks.register("register_admin_menu_item")
def complaints_menu_item() -> MenuItem:
    return PermissionMenuItem(
        _("Complaints"),
        reverse("community_complaints:queue"),
        icon_name="mail",
        order=460,
        check=is_complaint_handler,
    )


class CategoryViewSet(ModelViewSet):
    model = Category
    name = "community_categories"
    url_prefix = "community/categories"
    icon = "folder-open-inverse"
    form_fields = ["name", "slug", "sort_order"]
    list_display = ["name", "slug", "sort_order"]
    add_to_admin_menu = False


class BoardViewSet(ModelViewSet):
    model = Board
    name = "community_boards"
    url_prefix = "community/boards"
    icon = "group"
    form_fields = [
        "category", "name", "slug", "description", "qa_mode", "read_access", "post_access",
        "segment", "crm_code", "targeting_category", "sort_order",
    ]  # fmt: skip
    list_display = ["name", "category", "read_access", "post_access", "qa_mode"]
    list_filter = ["category", "qa_mode", "read_access"]


class CommunityViewSetGroup(ModelViewSetGroup):
    items = (BoardViewSet, CategoryViewSet)
    menu_label = _("Community boards")
    menu_icon = "group"
    menu_order = 440


@hooks.register("register_admin_viewset")
def register_community_viewsets() -> ModelViewSetGroup:
    return CommunityViewSetGroup()
