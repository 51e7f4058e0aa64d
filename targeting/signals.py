"""Bump the snapshot version when anything the live snapshot is built from changes.

Wagtail's publish/unpublish signals cover segments, creatives and campaigns going live or not;
post_save/post_delete cover placements (not draft-managed), deletions, and the inline creatives
of a campaign; page publish/unpublish/delete cover creatives' links to pages. A bump only makes
each process rebuild on its next check, so a spurious bump costs one rebuild, never a wrong slot.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, published, unpublished

from targeting import approval
from targeting.models import Campaign, CampaignCreative, Creative, Placement, Segment
from targeting.profiles import forget_customer
from targeting.snapshot import bump_version
from targeting.tracking.models import CustomerProfile


def _bump(sender: Any, **kwargs: Any) -> None:
    bump_version()


def _forget_customer(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_customer(instance.user_id)


def connect() -> None:
    from wagtail.models import Page

    uid = "targeting-snapshot"
    for model in (Segment, Creative, Campaign):
        published.connect(_bump, sender=model, dispatch_uid=f"{uid}-pub-{model.__name__}")
        unpublished.connect(_bump, sender=model, dispatch_uid=f"{uid}-unpub-{model.__name__}")
    for model in (Segment, Creative, Campaign, Placement, CampaignCreative):
        post_save.connect(_bump, sender=model, dispatch_uid=f"{uid}-save-{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"{uid}-del-{model.__name__}")
    # A creative's translation published from wagtail-localize goes to compliance (approval.py).
    published.connect(
        approval.translation_published, sender=Creative, dispatch_uid="targeting-localize-pub"
    )
    page_published.connect(_bump, dispatch_uid=f"{uid}-page-pub")
    page_unpublished.connect(_bump, dispatch_uid=f"{uid}-page-unpub")
    post_delete.connect(_bump, sender=Page, dispatch_uid=f"{uid}-page-del")
    post_save.connect(_forget_customer, sender=CustomerProfile, dispatch_uid="targeting-customer")
    post_delete.connect(
        _forget_customer, sender=CustomerProfile, dispatch_uid="targeting-customer-del"
    )
