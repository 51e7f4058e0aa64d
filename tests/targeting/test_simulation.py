"""simulate(): a described visitor through the real providers, with overrides, never a customer."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from targeting.simulation import SimulationError, SimulationForbidden, simulate
from tests.targeting.conftest import CHENGDU_IP, IPHONE
from tests.targeting.factories import (
    CreativeFactory,
    CustomerProfileFactory,
    PlacementFactory,
    SegmentFactory,
    VisitorProfileFactory,
    live_campaign,
    publish,
)


@pytest.fixture
def baidu_card_offer(db):
    hero = PlacementFactory(slug="home-hero")
    segment = publish(
        SegmentFactory(
            slug="baidu-credit-card",
            rule={
                "all": [
                    {"attr": "source.search_engine", "op": "eq", "value": "baidu"},
                    {"attr": "source.keyword", "op": "contains", "value": "信用卡"},
                ]
            },
        )
    )
    creative = publish(CreativeFactory(headline="Card offer"))
    return live_campaign(hero, creative, include=[segment], slug="card-offer")


def test_a_baidu_gbk_referrer_yields_the_keyword_and_the_campaign(baidu_card_offer):
    # Given a visitor coming from a Baidu search for 信用卡, encoded in GBK as Baidu does
    referrer = "https://www.baidu.com/s?ie=gbk&wd=" + quote("信用卡".encode("gbk"))

    # When the engine simulates them
    answer = simulate({"referrer": referrer, "user_agent": IPHONE}, {}, None)

    # Then the keyword is decoded, the audience matches and the hero shows the campaign
    assert answer["attributes"]["source.search_engine"] == "baidu"
    assert answer["attributes"]["source.keyword"] == "信用卡"
    assert answer["attributes"]["device.type"] == "mobile"
    assert answer["segments"] == ["baidu-credit-card"]
    hero = answer["decisions"]["home-hero"]
    assert hero["campaign"] == "card-offer"
    assert "Card offer" in hero["creative"]["html"]
    assert set(answer) == {"attributes", "segments", "decisions", "explain"}
    assert answer["explain"]["segments"]["baidu-credit-card"]["result"] is True


def test_attributes_override_what_the_request_says(baidu_card_offer):
    referrer = "https://www.baidu.com/s?wd=" + quote("信用卡")
    answer = simulate({"referrer": referrer}, {"source.keyword": "房贷"}, ["home-hero"])
    assert answer["attributes"]["source.keyword"] == "房贷"
    assert answer["segments"] == []
    assert answer["decisions"]["home-hero"]["campaign"] is None
    why = answer["explain"]["campaigns"]["home-hero"]["campaigns"][0]["reason"]
    assert "baidu-credit-card" in why


def test_a_visitor_id_feeds_behaviour_from_the_stored_profile(db):
    VisitorProfileFactory(
        visitor_id="f" * 32,
        data={"visits": 4, "pageviews": 9, "categories": {"wealth": "2026-03-01T10:00:00+08:00"}},
    )
    answer = simulate({"visitor": "f" * 32}, {}, [], may_read_profiles=True)
    assert answer["attributes"]["behaviour.visits"] == 4
    assert answer["attributes"]["behaviour.categories"] == ["wealth"]


def test_a_simulation_never_reads_a_real_customers_profile(db, django_assert_num_queries):
    # Given a real customer with a profile
    CustomerProfileFactory(income_band="very_high", age=50)

    # When a visitor is simulated (the snapshot warm), even one claiming a customer id
    simulate({}, {}, [])
    with django_assert_num_queries(0):
        answer = simulate({"url": "/?customer=1"}, {"profile.age": 30}, [])

    # Then profile facts come only from the given attributes
    assert answer["attributes"]["profile.age"] == 30
    assert answer["attributes"]["profile.income_band"] is None


def test_time_and_ip_go_through_the_real_providers(db, geoip_db):
    answer = simulate({"ip": CHENGDU_IP, "at": "2026-03-07T20:30"}, {}, [])
    assert answer["attributes"]["geo.region"] == "CN-SC"
    assert answer["attributes"]["geo.city"] == "成都"  # resolved from GeoIP's English name
    assert answer["attributes"]["time.hour"] == 20
    assert answer["attributes"]["time.is_weekend"] is True


@pytest.mark.parametrize(
    ("spec", "attributes", "field"),
    [
        ({"at": "yesterday"}, {}, "request.at"),
        ({"ip": "999.1.1.1"}, {}, "request.ip"),
        ({"colour": "red"}, {}, "request.colour"),
        ({}, {"profile.age": "old"}, "attributes.profile.age"),
        ({}, {"nope.nothing": 1}, "attributes.nope.nothing"),
    ],
)
def test_bad_input_names_the_field(db, spec, attributes, field):
    with pytest.raises(SimulationError) as caught:
        simulate(spec, attributes, [])
    assert caught.value.field == field


def test_the_time_is_taken_in_the_site_time_zone(db):
    answer = simulate(
        {"at": datetime(2026, 3, 9, 8, 0, tzinfo=ZoneInfo("UTC")).isoformat()}, {}, []
    )
    assert answer["attributes"]["time.hour"] == 16


# --- Stored profiles are personal data (issue 8, item 5) ---------------------------------------

BROWSER_ID = "a1" * 16
SEARCH = "房贷逾期怎么办"


@pytest.fixture
def stored_visitors(db):
    """A browser visitor and a signed-in customer's folded profile, both with a search term."""
    VisitorProfileFactory(visitor_id=BROWSER_ID, data={"visits": 3, "searches": [SEARCH]})
    VisitorProfileFactory(visitor_id="customer-7", data={"visits": 9, "searches": [SEARCH]})


def test_without_the_visitors_permission_a_stored_profile_is_not_read(stored_visitors):
    with pytest.raises(SimulationForbidden) as caught:
        simulate({"visitor": BROWSER_ID}, {}, [])
    assert caught.value.field == "request.visitor"


@pytest.mark.parametrize("visitor", ["customer-7", "customer-7" + "0" * 22, "../" + "a" * 29])
def test_only_browser_visitor_ids_are_accepted_even_with_the_permission(stored_visitors, visitor):
    with pytest.raises(SimulationError) as caught:
        simulate({"visitor": visitor}, {}, [], may_read_profiles=True)
    assert caught.value.field == "request.visitor"


def test_with_the_permission_a_browser_visitors_searches_are_read(stored_visitors):
    answer = simulate({"visitor": BROWSER_ID}, {}, [], may_read_profiles=True)
    assert answer["attributes"]["behaviour.searches"] == [SEARCH]


def preview(client, user, **fields):
    client.force_login(user)
    return client.get(
        reverse("targeting_preview"),
        {"run": "1", "device": "iphone-safari", **fields},
    )


def test_a_reviewer_previewing_a_stored_visitor_sees_an_error_and_no_search_terms(
    client, reviewer, stored_visitors
):
    # Given a compliance reviewer, who may preview but not read visitor profiles
    # When they preview as a stored browser visitor
    response = preview(client, reviewer, visitor=BROWSER_ID)

    # Then the form says why, and nothing of that visitor's behaviour is on the page
    assert response.status_code == 200
    assert "tracking.view_visitorprofile" in str(response.context["form"].errors["visitor"])
    assert SEARCH not in response.content.decode()
    assert response.context["result"] is None


def test_a_customer_id_in_the_preview_is_refused_even_for_profile_readers(
    client, marketer, stored_visitors
):
    marketer.user_permissions.add(Permission.objects.get(codename="view_visitorprofile"))

    response = preview(client, marketer, visitor="customer-7")

    # (the admin speaks the staff member's language: Chinese by default)
    assert "浏览器访客 ID" in str(response.context["form"].errors["visitor"])
    assert SEARCH not in response.content.decode()


def test_a_profile_reader_previews_a_stored_browser_visitor(client, marketer, stored_visitors):
    marketer.user_permissions.add(Permission.objects.get(codename="view_visitorprofile"))

    response = preview(client, marketer, visitor=BROWSER_ID)

    assert response.context["result"]["attributes"]["behaviour.searches"] == [SEARCH]


# --- Hostile values (issue 8, item 9) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "attributes", "field"),
    [
        ({"url": "http://[::1"}, {}, "request.url"),
        ({"visitor": ""}, {}, "request.visitor"),
        ({"ip": ""}, {}, "request.ip"),
        ({"at": ""}, {}, "request.at"),
        ({"referrer": None}, {}, "request.referrer"),
        ({"url": "https://bank.example:99999/"}, {}, "request.url"),
        ({"url": "/?q=\x00"}, {}, "request.url"),
        ({"url": "/" + "a" * 5000}, {}, "request.url"),
        ({"referrer": "https://www.baidu.com/\x01"}, {}, "request.referrer"),
        ({"user_agent": "Mozilla\x00"}, {}, "request.user_agent"),
        ({"at": "9999-12-31T23:59:59-23:59"}, {}, "request.at"),
        ({"at": "0001-01-01T00:00:00+14:00"}, {}, "request.at"),
        ({"at": "2999-01-01T00:00"}, {}, "request.at"),
        ({}, {"profile.age": float("inf")}, "attributes.profile.age"),
        ({}, {"profile.age": float("nan")}, "attributes.profile.age"),
        ({}, {"profile.age": 10**400}, "attributes.profile.age"),
        ({}, {"profile.age": "9" * 5000}, "attributes.profile.age"),
        ({}, {"profile.occupation": "teacher\x00"}, "attributes.profile.occupation"),
        ({}, {"crm.segments": ["VIP", "\x1b[31m"]}, "attributes.crm.segments"),
        ({}, {"crm.segments": [["deep"]]}, "attributes.crm.segments"),
        ({}, {"time.date": "99999-01-01"}, "attributes.time.date"),
    ],
)
def test_hostile_values_are_refused_naming_the_field(db, spec, attributes, field):
    with pytest.raises(SimulationError) as caught:
        simulate(spec, attributes, [])
    assert caught.value.field == field


def test_the_audience_estimate_gives_a_reviewer_counts_never_stored_profiles(
    client, reviewer, stored_visitors
):
    # Given a reviewer without the visitors permission estimating a rule on search terms
    import json

    client.force_login(reviewer)
    rule = {"attr": "behaviour.searches", "op": "contains", "value": SEARCH}

    # When they ask for the estimate
    response = client.post(reverse("targeting_audience_estimate"), {"rule": json.dumps(rule)})

    # Then they get counts only: no visitor id and no stored behaviour comes back
    assert response.status_code == 200
    text = response.content.decode()
    assert BROWSER_ID not in text
    assert "customer-7" not in text
    assert "searches" not in text
    assert response.json()["visitors"]["matched"] == 2
