"""The beacon in a real browser: nothing without consent; with it, views, impressions and clicks
arrive at the event API and fold into the visitor's profile."""

from __future__ import annotations

import importlib
import io
import time

import pytest
from wagtail.models import Page

from targeting.tracking.models import RawEvent, VisitorProfile
from tests.targeting.factories import PlacementFactory, live_campaign

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.browser.urls")]


def product_page_with_campaign() -> tuple[str, str]:
    for name in ("portal.demo", "products.demo"):
        importlib.import_module(name).seed(io.StringIO())
    placement = PlacementFactory(slug="product-sidebar", kind="sidebar")
    campaign = live_campaign(placement, slug="spring-card")
    for page in Page.objects.live().filter(depth__gt=2).order_by("path").specific():
        if type(page).__name__ == "ProductPage":
            return page.url, campaign.slug
    pytest.skip("no product page in the demo content")


def wait_for(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_the_beacon_sends_nothing_without_consent(browser, live_server):
    url, _campaign = product_page_with_campaign()
    page = browser.new_page(viewport={"width": 390, "height": 844})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/api/v1/events" in r.url else None)
    page.goto(live_server.url + url, wait_until="networkidle")
    page.evaluate("window.portalBeacon.track('click', {kind: 'cta'}); window.portalBeacon.flush()")
    page.locator(".placement__cta").first.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    page.evaluate("window.portalBeacon.flush()")
    page.close()
    assert requests == []
    assert RawEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_with_consent_views_impressions_and_clicks_arrive_and_fold(browser, live_server):
    url, campaign = product_page_with_campaign()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + url, wait_until="networkidle")

    # The visitor accepts analytics in the banner: no reload, the banner closes
    page.get_by_role("button", name="全部接受").or_(
        page.get_by_role("button", name="Accept all")
    ).click()
    page.wait_for_selector("#consent-banner", state="detached")
    assert any(c["name"] == "vid" for c in context.cookies())

    # scrolls the promotion into view for more than a second, then clicks its call to action
    page.locator("section.placement .placement__cta").scroll_into_view_if_needed()
    page.wait_for_timeout(1600)
    page.locator("section.placement .placement__cta").click()
    page.wait_for_load_state("networkidle")
    context.close()

    assert wait_for(lambda: RawEvent.objects.filter(type="click").exists())
    types = set(RawEvent.objects.values_list("type", flat=True))
    assert {"page_view", "impression", "click"} <= types
    impression = RawEvent.objects.filter(type="impression", properties__campaign=campaign)
    assert impression.count() == 1
    visitor_id = RawEvent.objects.values_list("visitor_id", flat=True).first()
    data = VisitorProfile.objects.get(visitor_id=visitor_id).data
    assert campaign in data["clicked_campaigns"]
    assert data["impressions"][campaign] == 1
    assert data["pageviews"] >= 1
