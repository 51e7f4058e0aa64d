"""Admin views of page variants: a page's variants, creating one, previewing each version.

They only coordinate: check the page permission, validate the form, call ``actions``, render.
Every view needs the right to edit the canonical page; without it Wagtail's "permission denied"
answers (a redirect to the admin's home page with a message).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from wagtail.actions.copy_page import CopyPagePermissionError
from wagtail.admin.auth import permission_denied
from wagtail.models import Page

from targeting.variants.actions import (
    VariantRefused,
    change_variant,
    create_variant,
    may_create_variant,
    may_delete_variant_page,
    remove_variant,
)
from targeting.variants.forms import ChangeVariantForm, CreateVariantForm, RemoveVariantForm
from targeting.variants.models import PageVariant
from targeting.variants.serving import REQUEST_ATTR, ServedVariant, serve_as

#: Primary keys are 32-bit here; a larger number in the URL is no page (never a database error).
MAX_ID = 2**31 - 1


def _page_or_404(page_id: int) -> Page:
    if page_id > MAX_ID:
        raise Http404
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        raise Http404
    return page.specific


def _may_edit(page: Page, request: HttpRequest) -> bool:
    return bool(page.permissions_for_user(request.user).can_edit())


def index(request: HttpRequest, page_id: int) -> HttpResponse:
    """The page's variants, with their audiences, state and a preview of each version."""
    page = _page_or_404(page_id)
    if not _may_edit(page, request):
        return permission_denied(request)
    links = list(
        PageVariant.objects.filter(canonical=page)
        .select_related("segment", "variant")
        .order_by("-priority", "pk")
    )
    return render(
        request,
        "variants/index.html",
        {
            "page": page,
            "links": links,
            "may_create": may_create_variant(page, request.user),
        },
    )


def create(request: HttpRequest, page_id: int) -> HttpResponse:
    """Create a variant for an audience: copy the page as a private draft and link it."""
    page = _page_or_404(page_id)
    if not may_create_variant(page, request.user):
        return permission_denied(request)
    form = CreateVariantForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        segment = form.cleaned_data["segment"]
        try:
            link = create_variant(page, segment, request.user, form.cleaned_data["priority"])
        except CopyPagePermissionError:
            return permission_denied(request)
        except VariantRefused as refused:
            form.add_error("segment", str(refused))
        else:
            messages.success(
                request,
                _(
                    "Variant of “%(page)s” for the audience “%(audience)s” created as a draft: "
                    "edit it and publish it to serve it."
                )
                % {"page": page.get_admin_display_title(), "audience": segment.name},
            )
            return redirect("wagtailadmin_pages:edit", link.variant_id)
    status = 400 if form.is_bound else 200
    return render(request, "variants/create.html", {"page": page, "form": form}, status=status)


def _link_or_404(page: Page, link_id: int) -> PageVariant:
    if link_id > MAX_ID:
        raise Http404
    link = (
        PageVariant.objects.filter(pk=link_id, canonical=page)
        .select_related("segment", "variant")
        .first()
    )
    if link is None:
        raise Http404
    return link


def change(request: HttpRequest, page_id: int, link_id: int) -> HttpResponse:
    """Change a variant's audience or priority (the same right as creating one)."""
    page = _page_or_404(page_id)
    if not may_create_variant(page, request.user):
        return permission_denied(request)
    link = _link_or_404(page, link_id)
    initial = {"segment": link.segment_id, "priority": link.priority}
    form = ChangeVariantForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        segment = form.cleaned_data["segment"]
        try:
            change_variant(link, segment, form.cleaned_data["priority"], request.user)
        except VariantRefused as refused:
            form.add_error("segment", str(refused))
        else:
            messages.success(
                request,
                _(
                    "The variant “%(variant)s” is now served to the audience “%(audience)s” "
                    "with priority %(priority)s, from the next request."
                )
                % {
                    "variant": link.variant.get_admin_display_title(),
                    "audience": segment.name,
                    "priority": link.priority,
                },
            )
            return redirect("variants_index", page.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "variants/change.html", {"page": page, "link": link, "form": form}, status=status
    )


def remove(request: HttpRequest, page_id: int, link_id: int) -> HttpResponse:
    """Remove a variant: its audience gets this page again; its page is kept or deleted."""
    page = _page_or_404(page_id)
    if not may_create_variant(page, request.user):
        return permission_denied(request)
    link = _link_or_404(page, link_id)
    may_delete = may_delete_variant_page(link, request.user)
    form = RemoveVariantForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        delete_page = form.cleaned_data["page"] == RemoveVariantForm.DELETE
        if delete_page and not may_delete:
            form.add_error("page", _("You may not delete the variant page; keep it instead."))
        else:
            title = link.variant.get_admin_display_title()
            audience = link.segment.name
            remove_variant(link, request.user, delete_page)
            if delete_page:
                text = _(
                    "The variant “%(variant)s” for the audience “%(audience)s” was removed and "
                    "its page deleted. The audience gets this page from the next request."
                )
            else:
                text = _(
                    "The variant “%(variant)s” for the audience “%(audience)s” was removed. Its "
                    "page is kept as an unpublished private draft beside this page. The audience "
                    "gets this page from the next request."
                )
            messages.success(request, text % {"variant": title, "audience": audience})
            return redirect("variants_index", page.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "variants/remove.html",
        {"page": page, "link": link, "form": form, "may_delete": may_delete},
        status=status,
    )


def preview(request: HttpRequest, page_id: int, link_id: int | None = None) -> HttpResponse:
    """One version of the page as its audience would get it at the page's URL, from the latest
    draft: the page itself (other visitors) or one variant (its audience)."""
    page = _page_or_404(page_id)
    if not _may_edit(page, request):
        return permission_denied(request)
    shown = page.get_latest_revision_as_object()
    attrs = {}
    if link_id is not None:
        if link_id > MAX_ID:
            raise Http404
        link = PageVariant.objects.filter(pk=link_id, canonical=page).select_related("segment")
        found = link.first()
        if found is None:
            raise Http404
        variant = _page_or_404(found.variant_id).get_latest_revision_as_object()
        shown = serve_as(variant, page)
        canonical_url = page.get_full_url(request) or ""
        attrs[REQUEST_ATTR] = ServedVariant(page.pk, canonical_url, found.segment.slug, found.pk)
    response = shown.make_preview_request(request, extra_request_attrs=attrs)
    return response
