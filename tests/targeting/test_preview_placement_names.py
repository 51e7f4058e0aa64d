"""The preview as a visitor names each placement as marketers know it (issue 12, marketer walk:
the table listed home-hero, contact-side... by slug only)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.targeting.factories import CampaignFactory, CreativeFactory, PlacementFactory, publish


def test_the_preview_shows_each_placements_name(marketer):
    placement = PlacementFactory(slug="home-hero", name="首页头图")
    campaign = CampaignFactory.build(slug="year-end-wealth", name="年末理财推广")
    campaign.save()
    campaign.placements.set([placement])
    publish(CreativeFactory())
    client = Client()
    client.force_login(marketer)
    response = client.get(
        reverse("targeting_preview"),
        {"run": "1", "device": "iphone-safari", "url": "/?<script>alert(1)</script>"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "首页头图 <code>home-hero</code>" in html
    assert "<script>alert(1)</script>" not in html


def test_the_preview_stays_closed_to_staff_without_the_permission(outsider):
    client = Client()
    client.force_login(outsider)
    assert client.get(reverse("targeting_preview"), {"run": "1"}).status_code == 302
