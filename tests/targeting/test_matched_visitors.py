"""How many visitors matched each live audience in the last 7 and 30 days, and the recent share
of each audience in the listing (issue 14 item 7)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from targeting import audiences
from targeting.audiences import CONTEXTS_KEY, matched_counts, record_page_view
from targeting.middleware import VisitorMiddleware
from targeting.snapshot import get_snapshot
from targeting.tracking import buffer
from targeting.tracking.documents import behaviour_key
from targeting.visitors import Visitor
from tests.targeting.conftest import DESKTOP, IPHONE
from tests.targeting.factories import SegmentFactory, VisitorProfileFactory, publish
from tests.tracking.conftest import redis_server, signed_vid  # noqa: F401 - a fixture

pytestmark = pytest.mark.services

BAIDU = "https://www.baidu.com/s?wd=%E4%BF%A1%E7%94%A8%E5%8D%A1"
LISTING = "wagtailsnippets_targeting_segment:list"


def visitor_request(
    visitor_id: str | None,
    agent: str = DESKTOP,
    referrer: str = "",
    consent: str = "necessary,analytics",
    path: str = "/cards/",
):
    request = RequestFactory().get(path, HTTP_USER_AGENT=agent, HTTP_REFERER=referrer)
    request.COOKIES["consent"] = consent
    if visitor_id:
        request.COOKIES["vid"] = signed_vid(visitor_id)
    request.user = AnonymousUser()
    return request


def page_view(visitor_id: str | None, agent: str = DESKTOP, **kwargs):
    middleware = VisitorMiddleware(
        lambda req: HttpResponse("<p>page</p>", content_type="text/html")
    )
    return middleware(visitor_request(visitor_id, agent, **kwargs))


@pytest.fixture
def counting(redis_server, settings, db):  # noqa: F811 - the fixture above
    settings.TARGETING_CONTEXT_SAMPLE_RATE = 0.0  # the counts alone, unless a test samples
    cache.clear()
    audiences.reset_redis_state()
    yield buffer.client()
    audiences.reset_redis_state()
    cache.clear()


@pytest.fixture
def segments(db):
    phones = publish(
        SegmentFactory(
            name="手机访客",
            slug="phones",
            rule={"attr": "device.type", "op": "eq", "value": "mobile"},
        )
    )
    searchers = publish(
        SegmentFactory(
            name="百度搜索",
            slug="baidu",
            rule={"attr": "source.search_engine", "op": "eq", "value": "baidu"},
        )
    )
    draft = SegmentFactory(slug="draft-only", live=False, rule={"all": []})
    return phones, searchers, draft


def a_visitor(n: int) -> str:
    return f"{n:032x}"


def test_each_visitor_is_counted_once_per_live_audience_it_matched(counting, segments):
    # Given one phone visitor who views three pages, another who views one, and a desktop
    # visitor arriving from a Baidu search
    for _ in range(3):
        page_view(a_visitor(1), IPHONE)
    page_view(a_visitor(2), IPHONE)
    page_view(a_visitor(3), DESKTOP, referrer=BAIDU)

    # When the counts are read
    counts = matched_counts(["phones", "baidu", "draft-only"])

    # Then each audience counts its distinct visitors, and a draft audience nobody
    assert counts["phones"] == {7: 2, 30: 2}
    assert counts["baidu"] == {7: 1, 30: 1}
    assert counts["draft-only"] == {7: 0, 30: 0}


def test_a_repeat_view_matching_the_same_audiences_skips_redis(counting, segments, monkeypatch):
    # At 1,000 live audiences the Redis call is most of the cost of counting; a visitor's next
    # page that matches the same audiences the same day would add nothing to any count.
    calls = []
    real = audiences._counter

    def spying(client):
        script = real(client)

        def call(keys, args):
            calls.append(sorted(keys))
            return script(keys=keys, args=args)

        return call

    monkeypatch.setattr(audiences, "_counter", spying)
    for _ in range(3):
        page_view(a_visitor(1), IPHONE)
    assert len(calls) == 1

    # a view that matches another set (here: arriving from Baidu) is counted again
    page_view(a_visitor(1), IPHONE, referrer=BAIDU)
    assert len(calls) == 2
    assert matched_counts(["phones", "baidu"]) == {
        "phones": {7: 1, 30: 1},
        "baidu": {7: 1, 30: 1},
    }


def test_a_visit_counts_in_the_windows_that_hold_its_day(counting, segments):
    now = timezone.now()
    for n, days_ago in enumerate([0, 6, 7, 29, 30]):
        record_page_view(
            Visitor(visitor_request(a_visitor(n), IPHONE)), now=now - timedelta(days=days_ago)
        )

    # today and 6 days ago are in the last 7 days; 29 days ago in the last 30; 30 ago in neither
    assert matched_counts(["phones"], now=now)["phones"] == {7: 2, 30: 4}
    # day keys expire after about a month
    ttls = [counting.ttl(key) for key in counting.keys("portal:targeting:matched:*")]
    assert ttls and all(0 < ttl <= 31 * 24 * 3600 for ttl in ttls)


def test_without_consent_nothing_is_recorded(counting, segments, settings):
    settings.TARGETING_CONTEXT_SAMPLE_RATE = 1.0
    page_view(a_visitor(1), IPHONE, consent="necessary")
    page_view(None, IPHONE, consent="")
    page_view(a_visitor(2), IPHONE, consent="necessary,marketing")
    # and staff at work in the admin are not the site's visitors
    page_view(a_visitor(3), IPHONE, path="/admin/snippets/targeting/segment/")

    assert counting.keys("portal:targeting:*") == []
    assert matched_counts(["phones"])["phones"] == {7: 0, 30: 0}


def test_recording_makes_no_query_and_reads_profiles_from_the_cache_only(
    counting, django_assert_num_queries
):
    # Given an audience of returning visitors and two visitors with stored profiles, only one
    # of them in the cache (the other's page asked no behaviour rule)
    publish(
        SegmentFactory(slug="returning", rule={"attr": "behaviour.visits", "op": "gte", "value": 2})
    )
    VisitorProfileFactory(visitor_id=a_visitor(1), data={"visits": 5})
    VisitorProfileFactory(visitor_id=a_visitor(2), data={"visits": 5})
    cache.set(behaviour_key(a_visitor(1)), {"visits": 5})
    get_snapshot()

    # When both view a page
    with django_assert_num_queries(0):
        page_view(a_visitor(1))
        page_view(a_visitor(2))

    # Then the cached one is counted and the other is unknown, not looked up
    assert matched_counts(["returning"])["returning"] == {7: 1, 30: 1}


def test_a_segment_the_page_already_answered_is_not_evaluated_again(counting, segments):
    request = visitor_request(a_visitor(1), IPHONE)
    visitor = Visitor(request)
    # the page decided the visitor is in "baidu" (e.g. a sticky arrival kept for the visit)
    visitor.context.segment_memo["baidu"] = True

    record_page_view(visitor)

    assert matched_counts(["baidu", "phones"]) == {
        "baidu": {7: 1, 30: 1},
        "phones": {7: 1, 30: 1},
    }


def test_redis_down_never_breaks_a_page_and_is_left_alone_for_a_while(
    counting,
    segments,
    redis_server,  # noqa: F811 - the fixture imported above
    caplog,
    settings,
):
    settings.TARGETING_CONTEXT_SAMPLE_RATE = 1.0
    redis_server.kill()
    caplog.set_level(logging.WARNING, logger="targeting")

    responses = [page_view(a_visitor(n), IPHONE) for n in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]
    # one failed attempt, then Redis is not tried again for a few seconds
    assert len([r for r in caplog.records if "Redis unavailable" in r.getMessage()]) == 1
    assert matched_counts(["phones"]) is None


def test_without_redis_a_page_is_served_and_nothing_is_counted(db, settings, segments):
    settings.TRACKING_REDIS_URL = ""
    buffer.reset()
    assert page_view(a_visitor(1), IPHONE).status_code == 200
    assert matched_counts(["phones"]) is None


@pytest.mark.django_db
def test_the_listing_shows_each_audiences_share_and_matched_visitors_in_chinese(
    counting, segments, client, marketer, settings
):
    # Given three sampled visits, two of them on phones, counted as they happened
    settings.TARGETING_CONTEXT_SAMPLE_RATE = 1.0
    page_view(a_visitor(1), IPHONE)
    page_view(a_visitor(2), IPHONE)
    page_view(a_visitor(3), DESKTOP, referrer=BAIDU)
    client.force_login(marketer)

    # When a marketer opens the audience listing in Chinese
    response = client.get(reverse(LISTING), HTTP_ACCEPT_LANGUAGE="zh-hans")

    # Then each row says the share of recent visitors and how many matched in 7 / 30 days
    html = response.content.decode()
    assert response.status_code == 200
    assert "近期访客占比（抽样）" in html and "匹配访客（近 7 天 / 30 天）" in html
    phones_row = html[html.index("手机访客") :]
    phones_row = phones_row[: phones_row.index("</tr>")]
    assert "约 66.7%" in phones_row and "2 / 2" in phones_row
    baidu_row = html[html.index("百度搜索") :]
    baidu_row = baidu_row[: baidu_row.index("</tr>")]
    assert "约 33.3%" in baidu_row and "1 / 1" in baidu_row


@pytest.mark.django_db
def test_the_edit_page_shows_the_matched_visitors_in_chinese(counting, segments, client, marketer):
    phones = segments[0]
    page_view(a_visitor(1), IPHONE)
    client.force_login(marketer)

    response = client.get(
        reverse("wagtailsnippets_targeting_segment:edit", args=[phones.pk]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert "匹配此客群的访客：近 7 天 1 位，近 30 天 1 位。" in response.content.decode()


@pytest.mark.django_db
def test_the_listing_costs_the_same_queries_for_more_audiences(counting, client, marketer):
    # Given a sample to size rules over
    page_view(a_visitor(1), IPHONE)
    counting.lpush(CONTEXTS_KEY, json.dumps({"t": timezone.now().isoformat(), "d": ["mobile"]}))
    client.force_login(marketer)
    for _ in range(2):
        publish(SegmentFactory(rule={"attr": "device.type", "op": "eq", "value": "mobile"}))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(LISTING)).status_code == 200
    for _ in range(8):
        publish(SegmentFactory(rule={"attr": "device.type", "op": "eq", "value": "tablet"}))
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(LISTING))

    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "rule",
    [
        {"attr": "nope.nothing", "op": "eq", "value": 1},
        {"attr": "time.hour", "op": "eq", "value": 10**400},
        {"attr": "source.keyword", "op": "matches", "value": "(a+)+$\x07"},
        {"attr": "geo.region", "op": "eq", "value": "广东"},
    ],
    ids=[
        "unknown attribute",
        "huge number",
        "a control character in a pattern",
        "a value real traffic lacks",
    ],
)
def test_a_rule_the_engine_refuses_shows_a_dash_and_the_listing_renders(
    counting, client, marketer, rule
):
    deep: dict = {"all": []}
    for _ in range(300):
        deep = {"not": deep}
    SegmentFactory(name="坏规则", slug="broken", rule=rule)
    SegmentFactory(name="很深", slug="deep", rule=deep)
    page_view(a_visitor(1), IPHONE)
    counting.lpush(CONTEXTS_KEY, json.dumps({"t": timezone.now().isoformat()}))
    client.force_login(marketer)

    response = client.get(reverse(LISTING), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    html = response.content.decode()
    assert "坏规则" in html and "很深" in html


@pytest.mark.django_db
def test_the_listing_and_its_counts_are_for_marketers_only(counting, segments, client, outsider):
    page_view(a_visitor(1), IPHONE)
    anonymous = client.get(reverse(LISTING))
    assert anonymous.status_code == 302 and "login" in anonymous.url
    client.force_login(outsider)
    denied = client.get(reverse(LISTING))
    assert denied.status_code == 302 and denied.url == "/admin/"
    edit = client.get(reverse("wagtailsnippets_targeting_segment:edit", args=[segments[0].pk]))
    assert edit.status_code == 302 and edit.url == "/admin/"
