"""Peer parity (issue 14 item 8): the kinds of rule wagtail-personalisation tests for its own
segments (time, day, device, referral, query, visit count, signed in, country), written as our
rules and checked the way a marketer would, through POST /api/v1/simulate.

Each test describes a visitor who should match and one who should not, so each can fail.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission

from targeting.tracking.documents import fold_event
from targeting.tracking.models import VisitorProfile
from tests.targeting.api.conftest import client_for
from tests.targeting.conftest import CHENGDU_IP, DESKTOP, IPHONE
from tests.targeting.factories import PlacementFactory, SegmentFactory, publish

URL = "/api/v1/simulate"


@pytest.fixture
def audience(db):
    """Publish one audience with the given rule; the simulation answers whether it matched."""
    PlacementFactory(slug="home-hero")

    def make(rule: dict[str, Any]) -> str:
        return publish(SegmentFactory(slug="peer-rule", rule=rule)).slug

    return make


def matched(client, request: dict[str, Any] | None = None, attributes: dict | None = None) -> bool:
    body = {"request": request or {}, "attributes": attributes or {}, "placements": []}
    response = client.post(URL, body, format="json")
    assert response.status_code == 200, response.content
    return "peer-rule" in response.json()["segments"]


def test_time_of_day(audience, marketer_client):
    # Between 09:00 and 17:59 (the peer's time rule: a start and an end time)
    audience({"attr": "time.hour", "op": "between", "value": [9, 17]})

    assert matched(marketer_client, {"at": "2026-03-09T10:15"}) is True
    assert matched(marketer_client, {"at": "2026-03-09T18:00"}) is False


def test_time_across_midnight(audience, marketer_client):
    audience({"attr": "time.hour", "op": "between", "value": [22, 5]})

    assert matched(marketer_client, {"at": "2026-03-09T23:30"}) is True
    assert matched(marketer_client, {"at": "2026-03-09T12:00"}) is False


def test_day_of_week(audience, marketer_client):
    # Mondays and Fridays (the peer's day rule: ticked weekdays)
    audience({"attr": "time.weekday", "op": "in", "value": [1, 5]})

    assert matched(marketer_client, {"at": "2026-03-09T12:00"}) is True  # a Monday
    assert matched(marketer_client, {"at": "2026-03-10T12:00"}) is False  # a Tuesday


def test_device(audience, marketer_client):
    audience({"attr": "device.type", "op": "eq", "value": "mobile"})

    assert matched(marketer_client, {"user_agent": IPHONE}) is True
    assert matched(marketer_client, {"user_agent": DESKTOP}) is False


def test_referral_by_regular_expression(audience, marketer_client):
    audience(
        {"attr": "source.referrer", "op": "matches", "value": r"^https?://([^/]+\.)?zhihu\.com/"}
    )

    assert matched(marketer_client, {"referrer": "https://www.zhihu.com/question/42"}) is True
    assert matched(marketer_client, {"referrer": "https://zhihu.example.com/"}) is False


def test_query_parameter(audience, marketer_client):
    audience({"attr": "source.query", "key": "query", "op": "eq", "value": "value"})

    assert matched(marketer_client, {"url": "/?foo=1&query=value&bar=2"}) is True
    assert matched(marketer_client, {"url": "/?query=other"}) is False


def test_several_query_parameters(audience, marketer_client):
    audience(
        {
            "all": [
                {"attr": "source.query", "key": "campaign", "op": "eq", "value": "spring"},
                {"attr": "source.query", "key": "channel", "op": "eq", "value": "sms"},
            ]
        }
    )

    assert matched(marketer_client, {"url": "/?channel=sms&x=y&campaign=spring"}) is True
    assert matched(marketer_client, {"url": "/?campaign=spring"}) is False


@pytest.mark.parametrize(
    ("op", "count", "views", "expected"),
    [("gt", 2, 3, True), ("gt", 2, 2, False), ("lt", 2, 1, True), ("eq", 2, 2, True)],
)
def test_visit_count_of_one_page(audience, marketer_client, op, count, views, expected):
    # The peer's visit-count rule: more than / less than / equal to N visits of one page
    audience({"attr": "behaviour.page_visits", "key": "/cards/", "op": op, "value": count})

    attributes = {"behaviour.page_visits": {"/cards/": views, "/loans/": 9}}
    assert matched(marketer_client, attributes=attributes) is expected


def test_visit_count_from_a_stored_visitor(audience, marketer):
    # Given a stored browser visitor whose folded page views include /cards/ three times
    at = datetime(2026, 3, 1, 10, tzinfo=UTC)
    data: dict[str, Any] = {}
    for minute in range(3):
        data = fold_event(data, "page_view", at + timedelta(minutes=minute), {"path": "/cards/"})
    VisitorProfile.objects.create(visitor_id="c" * 32, data=data)
    marketer.user_permissions.add(Permission.objects.get(codename="view_visitorprofile"))
    audience({"attr": "behaviour.page_visits", "key": "/cards", "op": "gte", "value": 3})

    assert matched(client_for(marketer), {"visitor": "c" * 32}) is True


def test_signed_in(audience, marketer_client):
    audience({"attr": "profile.is_signed_in", "op": "eq", "value": True})

    assert matched(marketer_client, attributes={"profile.is_signed_in": True}) is True
    # a described visitor is anonymous unless said otherwise
    assert matched(marketer_client) is False


def test_country_from_the_address(audience, marketer_client, geoip_db):
    audience({"attr": "geo.country", "op": "eq", "value": "CN"})

    assert matched(marketer_client, {"ip": CHENGDU_IP}) is True
    assert matched(marketer_client, {"ip": "8.8.8.8"}) is False


def test_country_from_a_cdn_header(audience, marketer_client):
    audience({"attr": "geo.country", "op": "eq", "value": "SG"})

    assert matched(marketer_client, {"headers": {"CF-IPCountry": "SG"}}) is True
    assert matched(marketer_client, {"headers": {"CF-IPCountry": "CN"}}) is False
