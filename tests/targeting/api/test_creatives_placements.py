"""Creatives and placements over the API: clean HTML only, in-use objects are kept."""

from __future__ import annotations

from targeting.models import Creative, Placement
from tests.targeting.factories import CreativeFactory, PlacementFactory, live_campaign, publish


def test_a_creative_keeps_only_the_markup_editors_may_use(marketer_client):
    body = {
        "name": "信用卡",
        "headline": "新客礼",
        "body": '<p onclick="steal()">年费<b>全免</b><script>alert(1)</script>'
        '<a href="javascript:alert(1)">点我</a><h1>大</h1></p>',
        "cta_label": "立即申请",
        "cta_url": "/products/credit-card/",
        "publish": True,
    }

    response = marketer_client.post("/api/v1/creatives/", body, format="json")

    assert response.status_code == 201, response.content
    stored = Creative.objects.get(pk=response.json()["id"]).body
    assert "<b>全免</b>" in stored
    for unsafe in ("<script", "onclick", "javascript:", "<h1"):
        assert unsafe not in stored
    assert response.json()["live"] is True


def test_a_creative_link_must_be_safe(marketer_client):
    body = {"name": "x", "headline": "x", "cta_label": "Go", "cta_url": "javascript:alert(1)"}

    response = marketer_client.post("/api/v1/creatives/", body, format="json")

    assert response.status_code == 400
    assert "cta_url" in response.json()


def test_a_creative_with_a_label_but_no_link_is_400_naming_the_link(marketer_client):
    response = marketer_client.post(
        "/api/v1/creatives/", {"name": "x", "headline": "x", "cta_label": "Go"}, format="json"
    )

    assert response.status_code == 400
    assert "cta_url" in response.json()


def test_a_creative_in_a_campaign_cannot_be_deleted(marketer_client):
    creative = publish(CreativeFactory())
    live_campaign(PlacementFactory(slug="home-hero"), creative, slug="salary-card")

    response = marketer_client.delete(f"/api/v1/creatives/{creative.pk}/")

    assert response.status_code == 409
    assert "salary-card" in response.json()["detail"]
    assert Creative.objects.filter(pk=creative.pk).exists()


def test_a_placement_is_created_with_clean_default_content(marketer_client):
    body = {
        "name": "首页侧栏",
        "slug": "home-sidebar",
        "kind": "sidebar",
        "default_headline": "欢迎",
        "default_body": "<p>存款<i>利率</i><img src=x onerror=alert(1)></p>",
        "default_link_label": "了解",
        "default_link_url": "/products/",
    }

    response = marketer_client.post("/api/v1/placements/", body, format="json")

    assert response.status_code == 201, response.content
    placement = Placement.objects.get(slug="home-sidebar")
    assert placement.default_body == "<p>存款<i>利率</i></p>"


def test_a_placement_kind_outside_the_choices_is_400(marketer_client):
    response = marketer_client.post(
        "/api/v1/placements/", {"name": "x", "slug": "x", "kind": "popup"}, format="json"
    )

    assert response.status_code == 400
    assert "kind" in response.json()


def test_a_placement_in_use_cannot_be_deleted(marketer_client):
    live_campaign(PlacementFactory(slug="home-hero"), slug="salary-card")

    response = marketer_client.delete("/api/v1/placements/home-hero/")

    assert response.status_code == 409
    assert Placement.objects.filter(slug="home-hero").exists()


def test_a_taken_placement_slug_is_a_400_naming_it(marketer_client):
    body = {"name": "首页横幅二", "slug": "dup-slot", "kind": "banner"}
    assert marketer_client.post("/api/v1/placements/", body, format="json").status_code == 201
    response = marketer_client.post("/api/v1/placements/", body, format="json")
    assert response.status_code == 400
    assert "slug" in response.json()
