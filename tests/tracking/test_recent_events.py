"""Recent channel events folded into the profile's window and read as rule attributes (issue 11
item 1): events API -> fold -> the customer's document -> the engine, bounded and hostile-proof."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.utils import timezone

from targeting.tracking.documents import (
    RECENT_CARD_TRANSACTIONS,
    customer_profile_key,
    fold_event,
    merge_documents,
)
from targeting.tracking.models import CustomerProfile, VisitorProfile
from targeting.visitors import Visitor
from tests.targeting.factories import UserFactory
from tests.tracking.conftest import event, post_batch

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)


def card(at: datetime, mcc: str = "4511", amount: float = 100.0) -> tuple:
    return ("card_transaction", at, {"merchant_category_code": mcc, "amount": amount})


def fold(*events: tuple) -> dict:
    data: dict = {}
    for type_, at, properties in events:
        data = fold_event(data, type_, at, properties)
    return data


def test_the_window_is_bounded():
    data = fold(*(card(NOW - timedelta(minutes=i)) for i in range(50)))
    assert len(data["recent"]["card"]) == RECENT_CARD_TRANSACTIONS
    # every day's spend is kept, whatever the count
    assert data["recent"]["card_days"][NOW.date().isoformat()]["4511"] == [50, 5000.0]
    many_days = fold(*(card(NOW - timedelta(days=i)) for i in range(60)))
    assert len(many_days["recent"]["card_days"]) == 31
    many_mccs = fold(*(card(NOW, mcc=f"{5000 + i}") for i in range(40)))
    assert len(many_mccs["recent"]["card_days"][NOW.date().isoformat()]) == 21  # 20 + "0000"
    many_views = fold(
        *(("page_view", NOW, {"category": f"c{i}"}) for i in range(40)),
    )
    assert len(many_views["recent"]["views"]) == 20
    assert len(json.dumps(many_days)) < 4000


def test_a_late_old_event_does_not_widen_the_window():
    data = fold(card(NOW), card(NOW - timedelta(days=45), mcc="5812"))
    assert list(data["recent"]["card_days"]) == [NOW.date().isoformat()]


@pytest.mark.parametrize("amount", [float("nan"), float("inf"), -5, 10**20, True, "100", None])
def test_a_hostile_amount_counts_the_transaction_but_no_money(amount):
    data = fold(card(NOW, amount=amount))
    assert data["recent"]["card_days"][NOW.date().isoformat()]["4511"] == [1, 0.0]


@pytest.mark.parametrize("mcc", ["45\x0011", "451", "45111", "abcd", "４５１１", None, 4511])
def test_a_malformed_merchant_code_is_not_folded(mcc):
    assert "recent" not in fold(card(NOW, mcc=mcc))


def test_merging_a_browser_into_a_customer_keeps_both_windows():
    browser = fold(("page_view", NOW, {"category": "wealth"}))
    customer = fold(card(NOW), ("app_open", NOW, {}))
    merged = merge_documents(customer, browser)["recent"]
    assert merged["views"] == {"wealth": {NOW.date().isoformat(): 1}}
    assert merged["app_days"] == [NOW.date().isoformat()]
    assert merged["card"][0][1] == "4511"


@pytest.mark.django_db
def test_channel_events_from_the_api_become_the_customers_attributes(channel_system, client):
    # Given a customer known to the CRM as C0001, and the card and branch systems' events
    user = UserFactory(username="travel_fan")
    CustomerProfile.objects.create(user=user, customer_number="C0001")
    now = timezone.now()
    events = [
        event(
            "card_transaction",
            at=now - timedelta(hours=2),
            customer="C0001",
            channel="pos",
            properties={"merchant_category_code": "4511", "amount": 4200.5},
        ),
        event(
            "branch_queue_swipe",
            customer="C0001",
            channel="branch",
            properties={"branch": "BJ-001"},
        ),
        event("app_open", customer="C0001", channel="app"),
    ]
    _user, token = channel_system
    assert post_batch(client, events, HTTP_AUTHORIZATION=token).status_code == 200
    # Then they are folded into the customer's cross-device document...
    document = VisitorProfile.objects.get(visitor_id=customer_profile_key(user.pk)).data
    assert document["recent"]["branch"][1] == "BJ-001"
    # ...and a page request of that customer reads them as attributes
    request = RequestFactory().get("/")
    request.user = user
    request.COOKIES["consent"] = "necessary,analytics"
    visitor = Visitor(request)
    visitor.id = visitor.id or "c" * 32
    ctx = visitor.context
    assert ctx.get("card.last_category") == "travel"
    assert ctx.get("card.hours_since_last") in (1, 2)
    assert ctx.get("card.spend_30d.travel") == 4200
    assert ctx.get("branch.last") == "BJ-001"
    assert ctx.get("app.opened_30d") is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("properties", "field"),
    [
        ({"merchant_category_code": "45\u00001", "amount": 1}, "merchant_category_code"),
        ({"merchant_category_code": "4511", "amount": 1e13}, "amount"),
        ({"merchant_category_code": "4511", "amount": "12"}, "amount"),
        ({"merchant_category_code": 4511}, "merchant_category_code"),
    ],
)
def test_the_events_api_refuses_hostile_card_events_naming_the_field(
    channel_system, client, properties, field
):
    _user, token = channel_system
    bad = event("card_transaction", customer="C0001", channel="pos", properties=properties)
    response = post_batch(client, [bad], HTTP_AUTHORIZATION=token)
    assert response.status_code in (200, 400)
    rejected = response.json()["rejected"]
    assert len(rejected) == 1 and field in json.dumps(rejected[0])
    assert not VisitorProfile.objects.exists()


@pytest.mark.django_db
def test_an_anonymous_decision_on_channel_rules_costs_no_query(django_assert_num_queries):
    # Given a visitor without consent and a rule over the new attributes
    from targeting.engine.rules import compile_rule

    rule = compile_rule(
        {
            "any": [
                {"attr": "card.last_category", "op": "eq", "value": "travel"},
                {"attr": "behaviour.unapplied_categories_7d", "op": "contains", "value": "wealth"},
            ]
        }
    )
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert rule(Visitor(request).context) is False
