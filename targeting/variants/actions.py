"""Creating a page variant: copy the page beside it, keep the copy private, link it to an audience."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.coreutils import find_available_slug
from wagtail.models import Page, PageViewRestriction

from targeting.models import Segment
from targeting.variants.models import PageVariant

#: Room left in Wagtail's 255-character slug for the audience's slug and a counter.
SLUG_BASE_MAX = 120


class VariantRefused(Exception):
    """The variant cannot be created; the message says why, in the editor's language."""


def is_variant(page: Page) -> bool:
    return PageVariant.objects.filter(variant_id=page.pk).exists()


def may_create_variant(page: Page, user: Any) -> bool:
    """Only someone who may edit the page, and add a page beside it (the copy), creates variants."""
    if page.is_root():
        return False
    parent = page.get_parent()
    return bool(
        page.permissions_for_user(user).can_edit()
        and parent is not None
        and parent.permissions_for_user(user).can_add_subpage()
    )


def keep_private(page: Page) -> None:
    """A variant is served only in its canonical page's place: a view restriction keeps it out of
    every list of public pages (sitemap, search results, menus and indexes use ``public()``)."""
    if not PageViewRestriction.objects.filter(page=page).exists():
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)


def create_variant(canonical: Page, segment: Segment, user: Any, priority: int = 0) -> PageVariant:
    """Copy ``canonical`` as a draft beside it, private, named after the audience, and link it.

    The editor then edits and publishes the copy like any page; it is served to the audience
    from the next snapshot (publishing bumps it). Raises ``VariantRefused``.
    """
    canonical = canonical.specific
    if is_variant(canonical):
        raise VariantRefused(_("A page variant cannot have variants of its own."))
    if PageVariant.objects.filter(canonical=canonical, segment=segment).exists():
        raise VariantRefused(_("This page already has a variant for this audience."))
    parent = canonical.get_parent()
    if parent is None:
        raise VariantRefused(_("The root page cannot have variants."))
    slug = find_available_slug(parent, f"{canonical.slug[:SLUG_BASE_MAX]}-{segment.slug}")
    with transaction.atomic():
        copy = canonical.copy(
            to=parent,
            update_attrs={"slug": slug, "show_in_menus": False},
            keep_live=False,
            copy_revisions=False,
            user=user,
        )
        keep_private(copy)
        link = PageVariant.objects.create(
            canonical=canonical, variant=copy, segment=segment, priority=priority
        )
    return link
