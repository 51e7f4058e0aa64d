"""Wagtail wiring of page variants: serving, the direct URL of a variant, the editor's buttons and
the admin views."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.contrib import messages
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter

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
            "variants/page/<int:page_id>/<int:link_id>/change/",
            admin_views.change,
            name="variants_change",
        ),
        path(
            "variants/page/<int:page_id>/<int:link_id>/remove/",
            admin_views.remove,
            name="variants_remove",
        ),
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


@hooks.register("before_delete_page")
def warn_variants_go_with_the_page(request: Any, page: Any) -> None:
    """The delete confirmation says which variant pages go with the page (``signals`` deletes
    them); the message after the deletion says it again."""
    titles = [
        link.variant.get_admin_display_title()
        for link in PageVariant.objects.filter(canonical_id=page.pk).select_related("variant")
    ]
    if not titles:
        return
    text = ngettext(
        "This page has %(count)s audience variant; it is deleted with the page: %(titles)s.",
        "This page has %(count)s audience variants; they are deleted with the page: %(titles)s.",
        len(titles),
    ) % {"count": len(titles), "titles": "、".join(f"“{t}”" for t in titles)}
    if request.method == "POST":
        request.variants_deleted_with_page = text
    else:
        messages.warning(request, text)


@hooks.register("after_delete_page")
def tell_variants_went_with_the_page(request: Any, page: Any) -> None:
    text = getattr(request, "variants_deleted_with_page", None)
    if text:
        messages.info(request, text)


class _VariantLog(LogFormatter):
    def _data(self, log_entry: Any) -> dict[str, Any]:
        data = log_entry.data
        return data if isinstance(data, dict) else {}


@hooks.register("register_log_actions")
def register_variant_log_actions(actions: Any) -> None:
    @actions.register_action("variants.create")
    class Created(_VariantLog):
        label = _("Create an audience variant")

        def format_message(self, log_entry: Any) -> str:
            data = self._data(log_entry)
            return gettext(
                "Audience variant created for “%(audience)s” (priority %(priority)s)"
            ) % {"audience": data.get("audience", ""), "priority": data.get("priority", "")}

    @actions.register_action("variants.change")
    class Changed(_VariantLog):
        label = _("Change an audience variant")

        def format_message(self, log_entry: Any) -> str:
            data = self._data(log_entry)
            before = data.get("before") or {}
            return gettext(
                "Audience variant changed: audience “%(old_audience)s” → “%(audience)s”, "
                "priority %(old_priority)s → %(priority)s"
            ) % {
                "old_audience": before.get("audience", ""),
                "audience": data.get("audience", ""),
                "old_priority": before.get("priority", ""),
                "priority": data.get("priority", ""),
            }

    @actions.register_action("variants.remove")
    class Removed(_VariantLog):
        label = _("Remove an audience variant")

        def format_message(self, log_entry: Any) -> str:
            data = self._data(log_entry)
            values = {"title": data.get("title", ""), "audience": data.get("audience", "")}
            if data.get("page_deleted"):
                return (
                    gettext(
                        "Audience variant “%(title)s” for “%(audience)s” removed, its page deleted"
                    )
                    % values
                )
            return (
                gettext(
                    "Audience variant “%(title)s” for “%(audience)s” removed, its page kept as a "
                    "private draft"
                )
                % values
            )
