"""Audience estimates over stored profiles, and the competing-campaigns warning."""

from __future__ import annotations

import pytest
from django.urls import reverse

from targeting.audiences import estimate
from tests.targeting.factories import (
    CrmMembershipFactory,
    CustomerProfileFactory,
    PlacementFactory,
    SegmentFactory,
    VisitorProfileFactory,
    live_campaign,
    publish,
)


@pytest.mark.django_db
def test_customers_are_counted_with_their_crm_memberships():
    # Given three customers, two of them VIP in the CRM
    for number in ("C1", "C2"):
        CustomerProfileFactory(customer_number=number)
        CrmMembershipFactory(customer_ref=number, code="VIP")
    CustomerProfileFactory(customer_number="C3")
    VisitorProfileFactory(data={"visits": 3})

    # When the VIP audience is estimated
    answer = estimate({"attr": "crm.segments", "op": "contains", "value": "VIP"})

    # Then the two VIPs match among the four known profiles
    assert answer["customers"] == {"matched": 2, "total": 3, "sampled": 3}
    assert answer["matched"] == 2
    assert answer["total"] == 4


@pytest.mark.django_db
def test_request_conditions_are_unknown_in_an_estimate():
    VisitorProfileFactory(data={"visits": 1})
    mobile = {"attr": "device.type", "op": "eq", "value": "mobile"}
    assert estimate(mobile)["visitors"]["matched"] == 0
    assert estimate({"not": mobile})["visitors"]["matched"] == 1


@pytest.mark.django_db
def test_estimate_follows_references_to_live_segments():
    publish(
        SegmentFactory(slug="regulars", rule={"attr": "behaviour.visits", "op": "gte", "value": 3})
    )
    VisitorProfileFactory(data={"visits": 5})
    VisitorProfileFactory(data={"visits": 1})
    assert estimate({"segment": "regulars"})["visitors"]["matched"] == 1


@pytest.mark.django_db
def test_the_campaign_listing_warns_about_campaigns_competing_for_a_slot(client, marketer):
    # Given two live campaigns of equal priority for everyone in the same placement
    hero = PlacementFactory(slug="home-hero")
    live_campaign(hero, slug="spring", name="Spring offer", priority=10)
    live_campaign(hero, slug="summer", name="Summer offer", priority=10)
    client.force_login(marketer)

    # When the marketer opens the campaign listing
    response = client.get(reverse("wagtailsnippets_targeting_campaign:list"))

    # Then a warning names both, and each campaign shows its status
    html = response.content.decode()
    assert "targeting-conflicts" in html
    assert "Spring offer" in html and "Summer offer" in html
    assert html.count("targeting-conflicts") == 1


@pytest.mark.django_db
def test_no_warning_when_priorities_differ(client, marketer):
    hero = PlacementFactory(slug="home-hero")
    live_campaign(hero, slug="spring", priority=10)
    live_campaign(hero, slug="summer", priority=20)
    client.force_login(marketer)
    response = client.get(reverse("wagtailsnippets_targeting_campaign:list"))
    assert "targeting-conflicts" not in response.content.decode()
