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

from targeting.variants.actions import VariantRefused, create_variant, may_create_variant
from targeting.variants.forms import CreateVariantForm
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
