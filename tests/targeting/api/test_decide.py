"""GET /api/v1/decide: the page's decision for the requesting visitor, over HTTP."""

from __future__ import annotations

import importlib

import pytest

from tests.targeting.api.conftest import BAIDU_GBK_REFERRER
from tests.targeting.conftest import IPHONE

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

    monkeypatch.setattr(importlib.import_module("targeting.engine.decide"), "decide", broken)

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
