"""Factories of the targeting models; ``publish`` helpers make them live as the admin would."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from targeting.models import Campaign, CampaignCreative, Creative, CrmMembership, Placement, Segment
from targeting.tracking.models import CustomerProfile, VisitorProfile


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class SegmentFactory(DjangoModelFactory):
    class Meta:
        model = Segment

    name = factory.Sequence(lambda n: f"Audience {n}")
    slug = factory.Sequence(lambda n: f"audience-{n}")
    rule = factory.LazyFunction(lambda: {"attr": "device.type", "op": "eq", "value": "mobile"})
    enabled = True


class PlacementFactory(DjangoModelFactory):
    class Meta:
        model = Placement
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Placement {n}")
    slug = factory.Sequence(lambda n: f"placement-{n}")
    kind = "hero"
    default_headline = "Default headline"
    default_body = "<p>Default text</p>"


class CreativeFactory(DjangoModelFactory):
    class Meta:
        model = Creative

    name = factory.Sequence(lambda n: f"Creative {n}")
    headline = factory.Sequence(lambda n: f"Offer {n}")
    body = "<p>Great offer</p>"
    cta_label = "Apply"
    cta_url = "/products/"


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    priority = 10
    weight = 1


class VisitorProfileFactory(DjangoModelFactory):
    class Meta:
        model = VisitorProfile

    visitor_id = factory.Sequence(lambda n: f"{n:032x}")
    data = factory.LazyFunction(dict)


class CustomerProfileFactory(DjangoModelFactory):
    class Meta:
        model = CustomerProfile

    user = factory.SubFactory(UserFactory)
    customer_number = factory.Sequence(lambda n: f"C{n:07d}")


class CrmMembershipFactory(DjangoModelFactory):
    class Meta:
        model = CrmMembership

    customer_ref = "C0000001"
    code = "VIP"


def publish(obj: Any) -> Any:
    """Save a revision and publish it, as "Publish" in the admin does."""
    obj.save_revision().publish()
    obj.refresh_from_db()
    return obj


def live_campaign(
    placement: Placement,
    creative: Creative | None = None,
    include: list[Segment] | None = None,
    exclude: list[Segment] | None = None,
    **fields: Any,
) -> Campaign:
    """A published campaign showing one published creative in ``placement``."""
    creative = creative or publish(CreativeFactory())
    if not creative.live:
        publish(creative)
    campaign = CampaignFactory.build(**fields)
    campaign.placements = [placement]
    campaign.include_segments = include or []
    campaign.exclude_segments = exclude or []
    campaign.campaign_creatives = [CampaignCreative(creative=creative, weight=1)]
    campaign.save()
    return publish(campaign)
