"""The visit's arrival and audiences that stay matched for the visit (issue 14 item 3)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory

from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.decide import decide
from targeting.middleware import VisitorMiddleware
from targeting.snapshot import get_snapshot
from targeting.visitors import VISIT_COOKIE
from tests.targeting.factories import (
    CreativeFactory,
    PlacementFactory,
    SegmentFactory,
    live_campaign,
    publish,
)

TAG = Template('{% load targeting_tags %}{% placement "home-hero" %}')
BAIDU = "https://www.baidu.com/s?wd=" + quote("信用卡")
SITE = "http://testserver/"


class Browser:
    """Requests through VisitorMiddleware that keep the cookies the responses set."""

    def __init__(self, consent: str = "necessary,analytics") -> None:
        self.cookies = {"consent": consent}
        self.set_cookies: list[str] = []

    def get(self, path: str = "/", referrer: str = "") -> str:
        request = (
            RequestFactory().get(path, HTTP_REFERER=referrer)
            if referrer
            else (RequestFactory().get(path))
        )
        request.COOKIES.update(self.cookies)
        request.user = AnonymousUser()
        middleware = VisitorMiddleware(
            lambda req: HttpResponse(TAG.render(Context({"request": req})))
        )
        response = middleware(request)
        self.set_cookies = [name for name, morsel in response.cookies.items() if morsel.value]
        for name, morsel in response.cookies.items():
            if morsel.value:
                self.cookies[name] = morsel.value
            else:
                self.cookies.pop(name, None)
        return response.content.decode()


def keyword_rule(attr: str = "session.source.keyword") -> dict:
    return {"attr": attr, "op": "contains", "value": "信用卡"}


@pytest.fixture
def card_hero(db):
    hero = PlacementFactory(slug="home-hero", default_headline="Welcome")
    segment = publish(SegmentFactory(slug="card-searchers", rule=keyword_rule()))
    return live_campaign(hero, publish(CreativeFactory(headline="Card hero")), include=[segment])


def test_a_baidu_arrival_keeps_its_keyword_on_the_next_click(card_hero):
    # Given a consenting visitor who arrives from a Baidu search for 信用卡
    browser = Browser()
    assert "Card hero" in browser.get("/", referrer=BAIDU)
    assert VISIT_COOKIE in browser.set_cookies

    # When they click on to another page of the site
    html = browser.get("/cards/", referrer=SITE)

    # Then the arrival's keyword still holds and the card hero shows, and no cookie is set again
    assert "Card hero" in html
    assert browser.set_cookies == []


def test_without_consent_nothing_is_kept(card_hero):
    browser = Browser(consent="necessary")
    assert "Card hero" in browser.get("/", referrer=BAIDU)  # the landing page itself knows
    assert VISIT_COOKIE not in browser.cookies

    assert "Card hero" not in browser.get("/cards/", referrer=SITE)


def test_a_new_arrival_replaces_the_old(card_hero):
    browser = Browser()
    browser.get("/", referrer=BAIDU)

    browser.get("/", referrer="https://www.zhihu.com/question/1")

    assert "Card hero" not in browser.get("/cards/", referrer=SITE)


def test_a_tampered_visit_cookie_is_ignored(card_hero):
    browser = Browser()
    browser.cookies[VISIT_COOKIE] = '{"a":{"kind":"search","keyword":"信用卡"},"s":[]}'

    assert "Card hero" not in browser.get("/cards/", referrer=SITE)


@pytest.fixture
def sticky_hero(db):
    """An audience of search arrivals on their landing page that stays for the visit."""
    hero = PlacementFactory(slug="home-hero", default_headline="Welcome")
    rule = {"attr": "source.kind", "op": "eq", "value": "search"}
    segment = publish(SegmentFactory(slug="searchers", rule=rule, stays_for_visit=True))
    return live_campaign(hero, publish(CreativeFactory(headline="Search hero")), include=[segment])


def test_a_segment_marked_to_stay_stays_matched_for_the_visit(sticky_hero):
    browser = Browser()
    assert "Search hero" in browser.get("/", referrer="https://www.bing.com/search?q=x")

    # source.kind is internal now, but the audience stays
    assert "Search hero" in browser.get("/cards/", referrer=SITE)


def test_an_unmarked_segment_does_not_stay(db):
    hero = PlacementFactory(slug="home-hero", default_headline="Welcome")
    rule = {"attr": "source.kind", "op": "eq", "value": "search"}
    segment = publish(SegmentFactory(slug="searchers", rule=rule))
    live_campaign(hero, publish(CreativeFactory(headline="Search hero")), include=[segment])
    browser = Browser()
    browser.get("/", referrer="https://www.bing.com/search?q=x")

    assert "Search hero" not in browser.get("/cards/", referrer=SITE)


def test_visitors_with_the_same_arrival_share_an_audience_key(card_hero):
    snapshot = get_snapshot().engine
    kept = {"kind": "search", "search_engine": "baidu", "keyword": "信用卡"}
    keys = {
        decide(
            snapshot,
            "home-hero",
            VisitorContext(RequestInfo(visitor_id=vid, url="/x", arrival=kept)),
        ).audience_key
        for vid in ("a" * 32, "b" * 32)
    }
    assert len(keys) == 1
    assert "card-searchers" in keys.pop()


def test_a_new_arrival_ends_the_sticky_audiences_of_the_visit_before(sticky_hero):
    browser = Browser()
    browser.get("/", referrer="https://www.bing.com/search?q=x")

    # A new visit from a social network: the search audience of the earlier visit is gone
    assert "Search hero" not in browser.get("/", referrer="https://www.zhihu.com/question/1")
    assert "Search hero" not in browser.get("/cards/", referrer=SITE)
