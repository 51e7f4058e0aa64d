"""Audience sizes over a sample of recent request contexts (issue 14 item 7)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from targeting.audiences import CONTEXTS_KEY, estimate
from targeting.middleware import VisitorMiddleware
from targeting.tracking import buffer
from tests.targeting.conftest import DESKTOP, IPHONE
from tests.tracking.conftest import redis_server  # noqa: F401 - a fixture

pytestmark = pytest.mark.services

BAIDU = "https://www.baidu.com/s?wd=%E4%BF%A1%E7%94%A8%E5%8D%A1"


def page_view(user_agent: str, referrer: str = "", consent: str = "necessary,analytics"):
    request = RequestFactory().get(
        "/cards/?promo=spring", HTTP_USER_AGENT=user_agent, HTTP_REFERER=referrer
    )
    request.COOKIES["consent"] = consent
    request.user = AnonymousUser()
    middleware = VisitorMiddleware(
        lambda req: HttpResponse("<p>page</p>", content_type="text/html")
    )
    return middleware(request)


@pytest.fixture
def sampled(redis_server, settings, db):  # noqa: F811 - the fixture above
    settings.TARGETING_CONTEXT_SAMPLE_RATE = 1.0
    yield buffer.client()


def test_consenting_page_views_join_the_sample_without_personal_data(sampled):
    page_view(IPHONE, BAIDU)
    page_view(DESKTOP)
    page_view(DESKTOP, consent="necessary")  # no consent: not sampled

    records = [json.loads(item) for item in sampled.lrange(CONTEXTS_KEY, 0, -1)]
    assert len(records) == 2
    newest = records[1]
    assert newest["d"][0] == "mobile"
    assert "user_agent" not in json.dumps(newest) and IPHONE not in json.dumps(newest)


def test_a_rule_on_source_and_device_is_sized_over_the_sample(sampled):
    # Given three sampled page views, one a phone from a Baidu search
    page_view(IPHONE, BAIDU)
    page_view(DESKTOP)
    page_view(DESKTOP, BAIDU)
    rule = {
        "all": [
            {"attr": "source.search_engine", "op": "eq", "value": "baidu"},
            {"attr": "device.type", "op": "eq", "value": "mobile"},
        ]
    }

    # When the rule is estimated
    answer = estimate(rule)

    # Then stored profiles say nobody, the recent sample one in three
    assert answer["matched"] == 0
    assert answer["recent"]["sampled"] == 3
    assert answer["recent"]["matched"] == 1
    assert answer["recent"]["percent"] == pytest.approx(33.3)
    assert answer["recent"]["days"] == 0


def test_the_sample_is_bounded(sampled, settings):
    settings.TARGETING_CONTEXT_SAMPLE_MAX = 2
    for _ in range(4):
        page_view(DESKTOP)

    assert sampled.llen(CONTEXTS_KEY) == 2


def test_without_redis_nothing_is_sampled_and_the_estimate_says_so(db, settings):
    settings.TRACKING_REDIS_URL = ""
    settings.TARGETING_CONTEXT_SAMPLE_RATE = 1.0
    buffer.reset()

    response = page_view(DESKTOP)

    assert response.status_code == 200
    assert estimate({"attr": "device.type", "op": "eq", "value": "mobile"})["recent"] is None


def test_a_damaged_entry_is_skipped(sampled):
    sampled.lpush(CONTEXTS_KEY, "not json", json.dumps({"t": "yesterday"}))
    page_view(IPHONE)

    recent = estimate({"attr": "device.type", "op": "eq", "value": "mobile"})["recent"]
    assert (recent["matched"], recent["sampled"]) == (1, 1)
