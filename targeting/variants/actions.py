"""Creating a page variant: copy the page beside it, keep the copy private, link it to an audience."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from wagtail.actions.delete_page import DeletePageAction
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.coreutils import find_available_slug
from wagtail.log_actions import log
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
        log(
            instance=canonical,
            action="variants.create",
            user=user,
            data={"variant": copy.pk, "audience": segment.name, "priority": priority},
        )
    return link


def change_variant(link: PageVariant, segment: Segment, priority: int, user: Any) -> PageVariant:
    """Give an existing variant another audience or priority. The link's save bumps the snapshot
    version (``signals``), so the next request is served, and the page cache keyed, by the new
    audience. Logged in the canonical page's history. Raises ``VariantRefused``."""
    before = {"audience": link.segment.name, "priority": link.priority}
    if (
        PageVariant.objects.filter(canonical_id=link.canonical_id, segment=segment)
        .exclude(pk=link.pk)
        .exists()
    ):
        raise VariantRefused(_("This page already has a variant for this audience."))
    if (link.segment_id, link.priority) == (segment.pk, priority):
        return link
    link.segment, link.priority = segment, priority
    try:
        with transaction.atomic():
            link.save(update_fields=["segment", "priority"])
            log(
                instance=link.canonical.specific,
                action="variants.change",
                user=user,
                data={
                    "variant": link.variant_id,
                    "before": before,
                    "audience": segment.name,
                    "priority": priority,
                },
            )
    except IntegrityError:  # another editor gave the page a variant for it meanwhile
        raise VariantRefused(_("This page already has a variant for this audience.")) from None
    return link


def remove_variant(link: PageVariant, user: Any, delete_page: bool) -> None:
    """Unlink a variant: its audience gets the canonical page from the next request. With
    ``delete_page`` the variant page is deleted (Wagtail's delete action, logged); without it the
    page is unpublished and stays a private draft beside the canonical page, to reuse or delete.
    Permission to delete the page is the caller's to check (``may_delete_variant_page``)."""
    canonical = link.canonical.specific
    variant = link.variant.specific
    with transaction.atomic():
        log(
            instance=canonical,
            action="variants.remove",
            user=user,
            data={
                "variant": variant.pk,
                "title": variant.get_admin_display_title(),
                "audience": link.segment.name,
                "page_deleted": delete_page,
            },
        )
        link.delete()
        if delete_page:
            DeletePageAction(variant, user=user).execute(skip_permission_checks=True)
        else:
            keep_private(variant)
            if variant.live:
                # Taking the page down is part of unlinking it (it was served nowhere else), not
                # a publishing decision: no publish permission is needed, as none is to link it.
                UnpublishPageAction(variant, user=user).execute(skip_permission_checks=True)


def may_delete_variant_page(link: PageVariant, user: Any) -> bool:
    return bool(link.variant.permissions_for_user(user).can_delete())


def delete_variants_of_deleted_pages(pairs: Iterable[tuple[int, int]]) -> int:
    """Delete the variant pages (``(variant id, canonical id)`` pairs) whose canonical page is
    gone: a canonical page deleted takes its variants with it (``signals``). A variant whose
    canonical page still exists is kept, so a deletion that failed part-way never takes another
    page's variants; one deleted with the canonical page (the same section) is not found again.
    Logged as Wagtail logs a deleted page, by the admin user deleting the canonical page."""
    pairs = list(pairs)
    canonical_ids = {canonical for _variant, canonical in pairs}
    alive = set(Page.objects.filter(pk__in=canonical_ids).values_list("pk", flat=True))
    orphans = {variant for variant, canonical in pairs if canonical not in alive}
    deleted = 0
    for page in Page.objects.filter(pk__in=orphans).specific():
        DeletePageAction(page).execute(skip_permission_checks=True)
        deleted += 1
    return deleted
