"""Wagtail wiring of page variants: serving, the direct URL of a variant, the editor's buttons and
the admin views."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from targeting.variants import admin_views
from targeting.variants.actions import may_create_variant
from targeting.variants.models import PageVariant
from targeting.variants.serving import canonical_redirect, variant_response


@hooks.register("before_serve_page", order=-100)
def redirect_variant_url(page: Any, request: Any, serve_args: Any, serve_kwargs: Any) -> Any:
    """A variant has no URL of its own: its visitors go to the canonical page (which serves them
    the variant if they are in its audience). First, so nothing counts the variant's view."""
    return canonical_redirect(page, request)


@hooks.register("on_serve_page", order=100)
def serve_audience_variant(callback: Callable[..., Any]) -> Callable[..., Any]:
    """Serve the visitor's variant in the canonical page's place. Inside Wagtail's view-restriction
    check (order 0): a private canonical page is checked before any variant of it is served."""

    def inner(page: Any, request: Any, serve_args: Any, serve_kwargs: Any) -> Any:
        response = variant_response(page, request, serve_args, serve_kwargs)
        if response is not None:
            return response
        return callback(page, request, serve_args, serve_kwargs)

    return inner


def _buttons(page: Any, user: Any) -> Iterator[Button]:
    if page.is_root() or not page.permissions_for_user(user).can_edit():
        return
    link = PageVariant.objects.filter(variant_id=page.pk).first()
    if link is not None:
        yield Button(
            _("Page this variant replaces"),
            reverse("wagtailadmin_pages:edit", args=[link.canonical_id]),
            icon_name="arrow-left",
            priority=80,
        )
        return
    yield Button(
        _("Audience variants"),
        reverse("variants_index", args=[page.pk]),
        icon_name="group",
        priority=80,
    )
    if may_create_variant(page, user):
        yield Button(
            _("Create a variant for an audience"),
            reverse("variants_create", args=[page.pk]),
            icon_name="copy",
            priority=81,
        )


@hooks.register("register_page_header_buttons")
def variant_header_buttons(
    page: Any, user: Any, view_name: str | None = None, next_url: str | None = None
) -> Iterator[Button]:
    yield from _buttons(page, user)


@hooks.register("register_admin_urls")
def register_variant_urls() -> list[Any]:
    return [
        path("variants/page/<int:page_id>/", admin_views.index, name="variants_index"),
        path("variants/page/<int:page_id>/create/", admin_views.create, name="variants_create"),
        path(
            "variants/page/<int:page_id>/preview/",
            admin_views.preview,
            name="variants_preview_canonical",
        ),
        path(
            "variants/page/<int:page_id>/preview/<int:link_id>/",
            admin_views.preview,
            name="variants_preview",
        ),
    ]
