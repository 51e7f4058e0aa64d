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
def test_an_unknown_placement_is_404_as_in_decide(credit_card_offer, marketer_client):
    response = marketer_client.post(URL, {"placements": ["no-such-slot"]}, format="json")

    assert response.status_code == 404
    assert "no-such-slot" in response.json()["errors"]["placements"]


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["request", "attributes", "placements"])
def test_a_null_part_is_400_naming_it(marketer_client, key):
    response = marketer_client.post(URL, {key: None}, format="json")

    assert response.status_code == 400
    assert key in response.json()["errors"]


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

    # When a marketer passes the customer's id, username and number as the visitor
    for visitor in (str(vip.pk), "vip-demo", "C0009999", f"customer-{vip.pk}"):
        body = {"request": {"visitor": visitor}, "placements": []}
        response = marketer_client.post(URL, body, format="json")

        # Then it is not a browser visitor id, and nothing of that customer comes back
        assert response.status_code == 400
        assert "request.visitor" in response.json()["errors"]
        assert "VIP-PLATINUM" not in response.content.decode()

    # And naming them in the landing URL reads nothing either
    body = {"request": {"url": f"/?user={vip.pk}&customer=C0009999"}, "placements": []}
    response = marketer_client.post(URL, body, format="json")
    assert response.status_code == 200
    assert "VIP-PLATINUM" not in response.content.decode()
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


# --- Stored profiles are personal data (issue 8, item 5) ---------------------------------------

BROWSER_ID = "b2" * 16
SEARCH = "房贷逾期怎么办"


@pytest.fixture
def stored_visitors(db):
    """A browser visitor and a signed-in customer's folded profile, both with a search term."""
    from tests.targeting.factories import VisitorProfileFactory

    VisitorProfileFactory(visitor_id=BROWSER_ID, data={"visits": 3, "searches": [SEARCH]})
    VisitorProfileFactory(visitor_id="customer-7", data={"visits": 9, "searches": [SEARCH]})


def profile_reader(user):
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="view_visitorprofile"))
    return user


@pytest.mark.parametrize("role", ["reviewer_client", "marketer_client"])
def test_without_the_visitors_permission_a_stored_visitor_is_403(
    credit_card_offer, stored_visitors, request, role
):
    # Given a compliance reviewer or marketer, who get 403 on the visitors API
    client = request.getfixturevalue(role)
    assert client.get(f"/api/v1/visitors/{BROWSER_ID}").status_code == 403

    # When they simulate that visitor
    response = client.post(URL, {"request": {"visitor": BROWSER_ID}}, format="json")

    # Then the answer is 403 naming the field, with nothing of the visitor's behaviour
    assert response.status_code == 403
    assert "tracking.view_visitorprofile" in response.json()["errors"]["request.visitor"]
    assert SEARCH not in response.content.decode()


def test_a_customer_id_is_400_even_for_a_profile_reader(
    credit_card_offer, stored_visitors, marketer
):
    from tests.targeting.api.conftest import client_for

    client = client_for(profile_reader(marketer))

    response = client.post(URL, {"request": {"visitor": "customer-7"}}, format="json")

    assert response.status_code == 400
    # (unprefixed paths speak the site's default language, Chinese)
    assert "浏览器访客 ID" in response.json()["errors"]["request.visitor"]
    assert SEARCH not in response.content.decode()


def test_a_profile_reader_simulates_a_stored_browser_visitor(
    credit_card_offer, stored_visitors, marketer
):
    from tests.targeting.api.conftest import client_for

    client = client_for(profile_reader(marketer))

    response = client.post(URL, {"request": {"visitor": BROWSER_ID}}, format="json")

    assert response.status_code == 200
    assert response.json()["attributes"]["behaviour.searches"] == [SEARCH]


# --- Hostile bodies (issue 8, item 9) ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"attributes": {"profile.age": 1e309}}', "attributes.profile.age"),
        ('{"attributes": {"profile.age": NaN}}', "attributes.profile.age"),
        ('{"attributes": {"profile.age": -Infinity}}', "attributes.profile.age"),
        ('{"attributes": {"profile.age": 1' + "0" * 400 + "}}", "attributes.profile.age"),
        ('{"attributes": {"profile.age": 1' + "0" * 5000 + "}}", "body"),
        ('{"attributes": {"profile.occupation": "a\\u0000b"}}', "attributes.profile.occupation"),
        ('{"request": {"url": "/\\u0000"}}', "request.url"),
        ('{"request": {"url": "http://[::1"}}', "request.url"),
        ('{"request": {"url": "/' + "a" * 5000 + '"}}', "request.url"),
        ('{"request": {"at": "9999-12-31T23:59:59-23:59"}}', "request.at"),
        ('{"request": {"at": "2999-01-01T00:00"}}', "request.at"),
        ('{"placements": ["\\u001b[2J"]}', "placements[0]"),
        ("[" * 100_000 + "]" * 100_000, "body"),
        ('{"attributes": ' + "[" * 40 + "]" * 40 + "}", "attributes" + "[0]" * 32),
        ('{"request": {"url": "/"}', "body"),
    ],
)
def test_hostile_bodies_are_400_naming_the_field(marketer_client, raw, field):
    response = marketer_client.post(URL, raw, content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.django_db
def test_an_oversized_body_is_413_before_it_is_read(marketer_client, settings):
    settings.API_MAX_BODY_BYTES = 1000

    response = marketer_client.post(
        URL, '{"request": {"user_agent": "' + "a" * 2000 + '"}}', content_type="application/json"
    )

    assert response.status_code == 413
    assert "body" in response.json()["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["3", 3.5, True])
def test_a_whole_number_attribute_takes_only_a_json_whole_number(marketer_client, value):
    body = {"attributes": {"profile.risk_tolerance": value}}

    response = marketer_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert "attributes.profile.risk_tolerance" in response.json()["errors"]
