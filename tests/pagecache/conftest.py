"""Fixtures of the page cache tests: the cache switched on, and a home page with a targeted slot."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from wagtail.models import Page, Site

from portal.models import HomePage
from targeting import snapshot
from tests.portal.factories import HomePageFactory
from tests.targeting.factories import PlacementFactory, SegmentFactory, live_campaign, publish

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
DESKTOP = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    """The suite runs with the page cache off (settings/test.py); these tests switch it on."""
    settings.PAGECACHE_ENABLED = True
    caches["pages"].clear()
    snapshot.reset()
    yield
    caches["pages"].clear()


@pytest.fixture
def hero(db):
    return PlacementFactory(slug="home-hero", default_headline="Welcome to the bank")


@pytest.fixture
def mobile_offer(hero):
    """A live campaign for phones only, in the home page's hero slot."""
    phones = publish(
        SegmentFactory(slug="phones", rule={"attr": "device.type", "op": "eq", "value": "mobile"})
    )
    return live_campaign(hero, include=[phones], slug="phone-offer")


@pytest.fixture
def home(hero) -> HomePage:
    """The site's root: a home page whose body holds the hero promotion slot."""
    root = Page.get_first_root_node()
    page = HomePageFactory(parent=root)
    page.body = [("promotion_slot", {"placement": hero, "missing_slug": ""})]
    page.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=page, is_default_site=True)
    else:
        site.root_page = page
        site.save()
    page.refresh_from_db()
    return page
