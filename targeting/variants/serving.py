"""Serving a page to an audience: the canonical page, or its variant for a visitor in the variant's
audience, decided from the targeting snapshot with no query for an anonymous visitor.

Called by the Wagtail hooks (``wagtail_hooks``): inside the ``on_serve_page`` chain, after
Wagtail's view-restriction check of the canonical page, and before any other ``before_serve_page``
hook for a variant page reached by its own URL (it has none: the visitor goes to the canonical).
Anything that fails (the snapshot, a rule, loading or rendering the variant) is logged on the
``targeting`` logger and the canonical page is served: marketing never breaks a page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from wagtail.models import Page

from targeting.rendering import note_segment
from targeting.snapshot import get_snapshot
from targeting.variants.snapshot import VariantSpec

logger = logging.getLogger("targeting")

#: ``request.page_variant``: the variant being served (or previewed) in place of its page; the
#: base template reads it for ``<link rel="canonical">``.
REQUEST_ATTR = "page_variant"

#: What a variant takes from its canonical page while it is served in its place: the URL, the
#: place in the tree (breadcrumbs, menus) and the translations (language switcher, hreflang).
SERVED_AS_FIELDS = ("url_path", "path", "depth", "slug", "translation_key", "locale_id")


@dataclass(frozen=True)
class ServedVariant:
    """The variant a request shows instead of its canonical page."""

    canonical_id: int
    canonical_url: str
    segment: str
    link: int


def choose_variant(request: HttpRequest | None, page_id: int) -> VariantSpec | None:
    """The variant of ``page_id`` this visitor gets: the highest-priority one whose audience the
    visitor is in; None for the canonical page. Every audience that decides it is noted for the
    page cache (``segment:<slug>``), so the cached page is keyed by it. If any audience fails to
    evaluate, the canonical page is served (and the page is not stored). No query."""
    try:
        specs = get_snapshot().variants.by_page.get(page_id, ())
    except Exception:
        logger.exception("targeting: page %s served without its variants", page_id)
        return None
    chosen: VariantSpec | None = None
    failed = False
    for spec in specs:
        hit = note_segment(request, spec.segment)
        if hit is None:
            failed = True
        elif hit and chosen is None:
            chosen = spec
    return None if failed else chosen


def load_variant(spec: VariantSpec) -> Page | None:
    """The live variant page, as its own type (one query; the content type is cached)."""
    model = ContentType.objects.get_for_id(spec.content_type_id).model_class()
    if model is None or not issubclass(model, Page):
        return None
    return model._default_manager.live().filter(pk=spec.page_id).first()  # type: ignore[attr-defined]


def _never_saved(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("a variant shown in its canonical page's place is never saved or deleted")


def serve_as(variant: Page, canonical: Page) -> Page:
    """Make ``variant`` (an in-memory instance) stand in for ``canonical``: same id, URL, tree place
    and translations, its own content. The instance can no longer be saved (it would overwrite
    the canonical page)."""
    for name in SERVED_AS_FIELDS:
        setattr(variant, name, getattr(canonical, name))
    # The canonical page's id too: Wagtail tells a page from its tree neighbours by id
    # (ancestors "inclusive=False", siblings, translations), so with the variant's own id the
    # canonical page would show as its own breadcrumb, its own sibling and its own translation.
    variant.id = canonical.id
    for link in variant._meta.parents.values():
        if link is not None:
            setattr(variant, link.attname, canonical.id)
    variant.save = _never_saved
    variant.delete = _never_saved
    return variant


def rebound(args: Any, canonical: Page, variant: Page) -> tuple[Any, ...]:
    """The route's arguments with the canonical page's own methods bound to the variant: a
    routable page routes to a view method of the canonical page, which would render it."""
    out = []
    for arg in args or ():
        if getattr(arg, "__self__", None) is canonical and hasattr(arg, "__func__"):
            arg = arg.__func__.__get__(variant, type(variant))
        out.append(arg)
    return tuple(out)


def variant_response(
    page: Page, request: HttpRequest, args: Any, kwargs: Any
) -> HttpResponse | None:
    """The variant's response for this visitor, or None to serve the canonical page."""
    if request.method not in ("GET", "HEAD") or getattr(request, "is_preview", False):
        return None  # a form's POST is the canonical page's; previews choose their version
    spec = choose_variant(request, page.pk)
    if spec is None:
        return None
    noted = getattr(request, "slots_rendered", None)
    before = dict(noted) if isinstance(noted, dict) else None
    try:
        variant = load_variant(spec)
        if variant is None:
            return None
        serve_as(variant, page)
        served = ServedVariant(page.pk, page.get_full_url(request) or "", spec.segment, spec.link)
        setattr(request, REQUEST_ATTR, served)
        response = variant.serve(request, *rebound(args, page, variant), **kwargs)
        render = getattr(response, "render", None)
        if callable(render):
            render()  # fail here, where the canonical page can still be served
        return response
    except Exception:
        logger.exception(
            "targeting: variant %s of page %s failed; the page itself is served",
            spec.page_id,
            page.pk,
        )
        if hasattr(request, REQUEST_ATTR):
            delattr(request, REQUEST_ATTR)
        if before is not None and isinstance(noted, dict):
            # The variant's slots are not the page's: forget them, keep what decided it.
            noted.clear()
            noted.update(before)
        return None


def canonical_redirect(page: Page, request: HttpRequest) -> HttpResponse | None:
    """A variant page reached by its own URL: redirect to its canonical page (404 if that is not
    live). None for any other page. The snapshot answers without a query for other pages."""
    if getattr(request, "is_preview", False):
        return None
    try:
        canonical_id = get_snapshot().variants.canonical_of.get(page.pk)
    except Exception:
        # The variant is private (a view restriction), so Wagtail still refuses it.
        logger.exception("targeting: could not tell whether page %s is a variant", page.pk)
        return None
    if canonical_id is None:
        return None
    canonical = Page.objects.live().filter(pk=canonical_id).first()
    url = canonical.get_url(request) if canonical is not None else None
    if not url:
        raise Http404
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(f"{url}?{query}" if query else url)
