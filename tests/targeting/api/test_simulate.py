"""POST /api/v1/simulate: marketing staff describe a visitor and see what the engine would do."""

from __future__ import annotations

import pytest

from tests.targeting.api.conftest import BAIDU_GBK_REFERRER
from tests.targeting.conftest import IPHONE
from tests.targeting.factories import CrmMembershipFactory, CustomerProfileFactory, UserFactory

URL = "/api/v1/simulate"


@pytest.mark.django_db
def test_an_anonymous_caller_is_refused(anonymous_client):
    response = anonymous_client.post(URL, {}, format="json")

    assert response.status_code == 401


@pytest.mark.django_db
def test_a_customer_is_refused(customer_client):
    response = customer_client.post(URL, {}, format="json")

    assert response.status_code == 403


@pytest.mark.django_db
def test_a_marketer_sees_what_a_baidu_searcher_would_get_and_why(
    credit_card_offer, marketer_client
):
    # Given a marketer describing a phone visitor from a Baidu search for 信用卡
    body = {
        "request": {"referrer": BAIDU_GBK_REFERRER, "user_agent": IPHONE, "at": "2026-03-07T20:30"},
        "placements": ["home-hero"],
    }

    # When they simulate
    response = marketer_client.post(URL, body, format="json")

    # Then the answer has the resolved attributes, the audiences, the decision and why
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"attributes", "segments", "decisions", "explain"}
    assert answer["attributes"]["source.keyword"] == "信用卡"
    assert answer["attributes"]["device.type"] == "mobile"
    assert answer["attributes"]["time.hour"] == 20
    assert answer["segments"] == ["baidu-credit-card"]
    hero = answer["decisions"]["home-hero"]
    assert hero["campaign"] == "credit-card-offer"
    assert "信用卡新客礼" in hero["creative"]["html"]
    assert answer["explain"]["segments"]["baidu-credit-card"]["result"] is True
    assert answer["explain"]["campaigns"]["home-hero"]["campaigns"][0]["chosen"] is True


@pytest.mark.django_db
def test_a_compliance_reviewer_may_simulate_too(credit_card_offer, reviewer_client):
    response = reviewer_client.post(URL, {"attributes": {"source.keyword": "房贷"}}, format="json")

    assert response.status_code == 200
    assert response.json()["decisions"]["home-hero"]["campaign"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"request": {"at": "next tuesday"}}, "request.at"),
        ({"request": {"ip": "999.1.1.1"}}, "request.ip"),
        ({"request": {"cookie": "x"}}, "request.cookie"),
        ({"attributes": {"profile.shoe_size": 42}}, "attributes.profile.shoe_size"),
        ({"attributes": {"profile.age": "old"}}, "attributes.profile.age"),
        ({"placements": ["no-such-slot"]}, "placements"),
        ({"placements": "home-hero"}, "placements"),
        ({"request": "baidu"}, "request"),
        ({"visitor": "abc"}, "visitor"),
    ],
)
def test_a_bad_field_is_400_naming_it(credit_card_offer, marketer_client, body, field):
    response = marketer_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.django_db
def test_a_body_that_is_not_an_object_is_400(marketer_client):
    response = marketer_client.post(URL, ["home-hero"], format="json")

    assert response.status_code == 400
    assert "body" in response.json()["errors"]


@pytest.mark.django_db
def test_a_real_customers_crm_codes_never_leak_into_a_simulation(
    credit_card_offer, marketer_client
):
    # Given a VIP customer with a CRM membership
    vip = UserFactory(username="vip-demo")
    CustomerProfileFactory(user=vip, customer_number="C0009999", age=52, income_band="very_high")
    CrmMembershipFactory(customer_ref="C0009999", code="VIP-PLATINUM")

    # When a marketer passes the customer's id, username and number wherever they can
    for visitor in (str(vip.pk), "vip-demo", "C0009999"):
        body = {
            "request": {"visitor": visitor, "url": f"/?user={vip.pk}&customer=C0009999"},
            "placements": [],
        }
        response = marketer_client.post(URL, body, format="json")

        # Then nothing of that customer comes back
        assert response.status_code == 200
        text = response.content.decode()
        assert "VIP-PLATINUM" not in text
        attributes = response.json()["attributes"]
        assert not attributes.get("crm.segments")
        assert attributes.get("profile.age") is None
        assert attributes.get("profile.income_band") is None


@pytest.mark.django_db
def test_a_signed_in_marketer_simulates_nobody_but_the_described_visitor(
    credit_card_offer, client, marketer
):
    # Even a marketer who is also a customer only sees the described visitor, never themself.
    CustomerProfileFactory(user=marketer, customer_number="C0000042", age=33)
    CrmMembershipFactory(customer_ref="C0000042", code="STAFF-VIP")
    client.force_login(marketer)

    response = client.post(URL, {}, content_type="application/json")

    assert response.status_code == 200
    assert "STAFF-VIP" not in response.content.decode()
    assert response.json()["attributes"].get("profile.age") is None
