"""GET /api/v1/decide: the page's decision for the requesting visitor, over HTTP."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from tests.targeting.api.conftest import BAIDU_GBK_REFERRER, client_for
from tests.targeting.conftest import IPHONE
from tests.targeting.factories import (
    CreativeFactory,
    CrmMembershipFactory,
    CustomerProfileFactory,
    PlacementFactory,
    SegmentFactory,
    UserFactory,
    live_campaign,
    publish,
)

URL = "/api/v1/decide"


@pytest.mark.django_db
def test_a_baidu_credit_card_searcher_gets_the_credit_card_campaign(
    credit_card_offer, anonymous_client
):
    # Given an anonymous visitor arriving from a Baidu search for 信用卡 (GBK-encoded)
    # When the app asks what the home hero shows them
    response = anonymous_client.get(
        URL, {"placement": "home-hero"}, HTTP_REFERER=BAIDU_GBK_REFERRER, HTTP_USER_AGENT=IPHONE
    )

    # Then it is the credit-card campaign's creative, with the slot's HTML
    assert response.status_code == 200
    answer = response.json()
    assert answer["placement"] == "home-hero"
    assert answer["campaign"] == "credit-card-offer"
    assert answer["segments"] == ["baidu-credit-card"]
    assert answer["creative"]["headline"] == "信用卡新客礼"
    assert "信用卡新客礼" in answer["creative"]["html"]
    assert 'data-campaign="credit-card-offer"' in answer["creative"]["html"]


@pytest.mark.django_db
def test_the_answer_is_private_and_names_its_audience_for_a_cdn(
    credit_card_offer, anonymous_client
):
    response = anonymous_client.get(
        URL, {"placement": "home-hero"}, HTTP_REFERER=BAIDU_GBK_REFERRER
    )

    assert "private" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"cookie", "user-agent", "referer"} <= vary
    assert "baidu-credit-card" in response["X-Audience-Key"]


@pytest.mark.django_db
def test_visitors_of_the_same_audience_share_the_audience_key(credit_card_offer, anonymous_client):
    first = anonymous_client.get(URL, {"placement": "home-hero"}, HTTP_REFERER=BAIDU_GBK_REFERRER)
    second = anonymous_client.get(
        URL, {"placement": "home-hero"}, HTTP_REFERER=BAIDU_GBK_REFERRER, HTTP_USER_AGENT=IPHONE
    )
    other = anonymous_client.get(URL, {"placement": "home-hero"})

    assert first["X-Audience-Key"] == second["X-Audience-Key"]
    assert first["X-Audience-Key"] != other["X-Audience-Key"]


@pytest.mark.django_db
def test_a_visitor_no_campaign_targets_gets_the_default_content(
    credit_card_offer, anonymous_client
):
    # Given a visitor who typed the address (no referrer)
    response = anonymous_client.get(URL, {"placement": "home-hero"})

    # Then the placement's default content applies
    assert response.status_code == 200
    assert response.json() == {
        "placement": "home-hero",
        "campaign": None,
        "creative": None,
        "segments": [],
    }


@pytest.mark.django_db
def test_an_unknown_placement_is_404_naming_the_placement(credit_card_offer, anonymous_client):
    response = anonymous_client.get(URL, {"placement": "no-such-slot"})

    assert response.status_code == 404
    assert "no-such-slot" in response.json()["errors"]["placement"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{}, {"placement": ""}])
def test_a_missing_placement_is_400_naming_the_parameter(query, anonymous_client):
    response = anonymous_client.get(URL, query)

    assert response.status_code == 400
    assert "placement" in response.json()["errors"]


@pytest.mark.django_db
def test_an_engine_failure_falls_back_to_the_default_content(
    credit_card_offer, anonymous_client, monkeypatch
):
    # Given an engine that fails while deciding
    def broken(*args, **kwargs):
        raise RuntimeError("rule blew up")

    # (rendering holds the engine's decide: patched where it is looked up)
    monkeypatch.setattr(importlib.import_module("targeting.rendering"), "decide", broken)

    # When a visitor the campaign targets asks
    response = anonymous_client.get(
        URL, {"placement": "home-hero"}, HTTP_REFERER=BAIDU_GBK_REFERRER
    )

    # Then the answer is the default content, not an error
    assert response.status_code == 200
    assert response.json()["campaign"] is None
    assert response.json()["creative"] is None


@pytest.mark.django_db
def test_personalisation_switched_off_gives_the_default_content(
    credit_card_offer, anonymous_client, settings
):
    settings.TARGETING_ENABLED = False

    response = anonymous_client.get(
        URL, {"placement": "home-hero"}, HTTP_REFERER=BAIDU_GBK_REFERRER
    )

    assert response.status_code == 200
    assert response.json()["campaign"] is None


@pytest.mark.django_db
def test_a_stale_api_token_does_not_stop_a_public_decision(credit_card_offer, anonymous_client):
    # Decisions are for the visitor; an app's leftover Authorization header must not break them.
    response = anonymous_client.get(
        URL, {"placement": "home-hero"}, HTTP_AUTHORIZATION="Token not-a-real-token"
    )

    assert response.status_code == 200


@pytest.mark.django_db
def test_a_warm_anonymous_decision_makes_no_database_query(
    credit_card_offer, anonymous_client, django_assert_num_queries
):
    # Given a warm process (snapshot built, slot HTML cached)
    anonymous_client.get(URL, {"placement": "home-hero"}, HTTP_REFERER=BAIDU_GBK_REFERRER)

    # When another anonymous visitor without cookies asks
    with django_assert_num_queries(0):
        response = anonymous_client.get(
            URL, {"placement": "home-hero"}, HTTP_REFERER=BAIDU_GBK_REFERRER
        )

    # Then they get the campaign without touching the database
    assert response.json()["campaign"] == "credit-card-offer"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/creatives/0.5/", "/api/v1/nothing-here"])
def test_an_unknown_api_path_is_a_json_404(marketer_client, path):
    response = marketer_client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


# --- The signed-in customer and channel systems (issue 9, item 8) ---------------------------


@pytest.fixture
def vip_offer(db):
    """The VIP campaign in the home hero, and 孙先生, a VIP customer (CRM number C0000001)."""
    hero = PlacementFactory(slug="home-hero", default_headline="欢迎来到 Portal Bank")
    vip = publish(
        SegmentFactory(
            slug="vip",
            name="VIP 客户",
            rule={"attr": "crm.segments", "op": "contains", "value": "VIP"},
        )
    )
    creative = publish(CreativeFactory(headline="尊享理财", cta_label="了解更多"))
    live_campaign(hero, creative, include=[vip], slug="vip-wealth")
    profile = CustomerProfileFactory(customer_number="C0000001", user__username="vip_sun")
    CrmMembershipFactory(customer_ref="C0000001", code="VIP")
    return profile.user


@pytest.fixture
def channel_system(db):
    """The mobile app's back end: an API user allowed to ask for customers."""
    system = UserFactory(username="mobile-app")
    system.user_permissions.add(
        Permission.objects.get(codename="decide_for_customer", content_type__app_label="targeting")
    )
    return system


def test_a_signed_in_vip_customer_gets_the_vip_campaign_as_on_the_page(vip_offer):
    # Given the VIP customer signed in to the portal (the session the pages use)
    browser = APIClient()
    browser.force_login(vip_offer)
    # When the page's script asks what the home hero shows them
    response = browser.get(URL, {"placement": "home-hero"})
    # Then it is the VIP campaign, as the page shows, not the default content
    assert response.status_code == 200
    assert response.json()["campaign"] == "vip-wealth"
    assert response.json()["segments"] == ["vip"]
    # and an anonymous visitor still gets the default
    assert APIClient().get(URL, {"placement": "home-hero"}).json()["campaign"] is None


def test_a_channel_system_decides_for_a_customer_with_its_token(vip_offer, channel_system):
    # Given the app's back end with a token allowed to decide for customers
    # When it asks for customer C0000001
    response = client_for(channel_system).get(
        URL, {"placement": "home-hero", "customer": "C0000001"}
    )
    # Then it gets what that customer would see, answered privately per token
    assert response.status_code == 200
    assert response.json()["campaign"] == "vip-wealth"
    assert "authorization" in {v.strip().lower() for v in response["Vary"].split(",")}
    assert "private" in response["Cache-Control"]


def test_deciding_for_a_customer_needs_a_token_with_the_permission(vip_offer, channel_system):
    query = {"placement": "home-hero", "customer": "C0000001"}
    # Given callers without the right: anonymous, a token without the permission, and a
    # signed-in session (even the customer's own: only systems ask for others)
    session = APIClient()
    session.force_login(vip_offer)
    plain = UserFactory(username="reports")
    for client in (APIClient(), client_for(plain), session):
        # When they ask for a customer
        response = client.get(URL, query, HTTP_ACCEPT_LANGUAGE="zh-hans")
        # Then they are refused with a 403 naming the parameter, and learn nothing
        assert response.status_code == 403
        assert response.json()["errors"] == {
            "customer": "代客户请求决策需要具有 targeting.decide_for_customer 权限的 API 令牌。"
        }


def test_an_invalid_token_asking_for_a_customer_is_401(vip_offer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get(URL, {"placement": "home-hero", "customer": "C0000001"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert list(response.json()["errors"]) == ["customer"]


@pytest.mark.parametrize(
    "value",
    ["", "C0000001\x00", "C\n1", "x" * 41, "<script>", "../C1", "C 1", "１２３", "-C1"],
)
def test_a_hostile_customer_value_is_400_naming_it(vip_offer, channel_system, value):
    response = client_for(channel_system).get(URL, {"placement": "home-hero", "customer": value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["customer"]


def test_two_customer_values_are_400(vip_offer, channel_system):
    response = client_for(channel_system).get(
        URL + "?placement=home-hero&customer=C0000001&customer=C0000002"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["customer"]


def test_an_unknown_customer_number_is_404_naming_it(vip_offer, channel_system):
    response = client_for(channel_system).get(
        URL, {"placement": "home-hero", "customer": "C9999999"}
    )
    assert response.status_code == 404
    assert list(response.json()["errors"]) == ["customer"]
