"""The request's visitor context end to end: proxies, geo, and the server-seen page view."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory

from targeting.middleware import VisitorMiddleware
from targeting.tracking.models import VisitorProfile
from tests.targeting.conftest import BEIJING_IP, CHENGDU_IP, IPHONE
from tests.targeting.factories import (
    CreativeFactory,
    PlacementFactory,
    SegmentFactory,
    live_campaign,
    publish,
)

TAG = Template('{% load targeting_tags %}{% placement "home-hero" %}')


@pytest.fixture
def sichuan_offer(db, geoip_db):
    hero = PlacementFactory(slug="home-hero", default_headline="Welcome")
    sichuan = publish(
        SegmentFactory(slug="sichuan", rule={"attr": "geo.region", "op": "eq", "value": "CN-SC"})
    )
    return live_campaign(
        hero, publish(CreativeFactory(headline="Sichuan offer")), include=[sichuan]
    )


def serve(**meta) -> str:
    """Run a request through VisitorMiddleware into a page rendering the hero slot."""
    request = RequestFactory().get("/", HTTP_USER_AGENT=IPHONE, **meta)
    request.user = AnonymousUser()
    middleware = VisitorMiddleware(lambda req: HttpResponse(TAG.render(Context({"request": req}))))
    return middleware(request).content.decode()


def test_a_visitor_from_sichuan_sees_the_sichuan_offer(sichuan_offer):
    assert "Sichuan offer" in serve(REMOTE_ADDR=CHENGDU_IP)


def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(sichuan_offer):
    # Given a Beijing client that claims to be forwarding for a Chengdu address
    html = serve(REMOTE_ADDR=BEIJING_IP, HTTP_X_FORWARDED_FOR=CHENGDU_IP)

    # Then its own address counts and it does not get the Sichuan offer
    assert "Sichuan offer" not in html
    assert "Welcome" in html


def test_x_forwarded_for_from_a_trusted_proxy_is_believed(sichuan_offer):
    html = serve(REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR=f"{CHENGDU_IP}, 10.0.0.7")
    assert "Sichuan offer" in html


@pytest.fixture
def site_page(db):
    """A served page of the portal as the site's home."""
    from django.apps import apps
    from wagtail.models import Page, Site

    page_model = apps.get_model("portal", "StandardPage")
    page = Page.get_first_root_node().add_child(instance=page_model(title="About", slug="about"))
    Site.objects.update_or_create(
        hostname="testserver", defaults={"root_page": page, "is_default_site": True}
    )
    return page


@pytest.mark.django_db
def test_server_counts_page_views_when_configured(client, site_page, settings):
    # Given server-side counting switched on (for sites without the beacon) and a consenting
    # visitor
    settings.TRACKING_SERVER_PAGEVIEWS = True
    client.cookies["consent"] = "necessary,analytics"

    # When they view a page
    response = client.get("/")
    assert response.status_code == 200

    # Then their page view is in their profile
    profile = VisitorProfile.objects.get()
    assert profile.data["pageviews"] == 1
    assert profile.data["sessions"] == 1


@pytest.mark.django_db
def test_by_default_the_beacon_not_the_server_counts_page_views(client, site_page):
    # Counting on the server as well would count every page view twice.
    client.cookies["consent"] = "necessary,analytics"
    assert client.get("/").status_code == 200
    assert not VisitorProfile.objects.exists()


@pytest.mark.django_db
def test_no_page_view_is_recorded_without_consent(client, site_page, settings):
    settings.TRACKING_SERVER_PAGEVIEWS = True
    assert client.get("/").status_code == 200
    assert not VisitorProfile.objects.exists()


# --------------------------------------------------------------------------------------------
# A trusted CDN's country header (issue 14 item 2)


@pytest.fixture
def hong_kong_offer(db, geoip_db):
    hero = PlacementFactory(slug="home-hero", default_headline="Welcome")
    hong_kong = publish(
        SegmentFactory(slug="hk", rule={"attr": "geo.country", "op": "eq", "value": "HK"})
    )
    return live_campaign(hero, publish(CreativeFactory(headline="HK offer")), include=[hong_kong])


def test_a_cdn_country_header_through_a_trusted_proxy_is_believed_before_geoip(hong_kong_offer):
    # Given the CDN (a trusted proxy) says Hong Kong for a client GeoIP places in Chengdu
    html = serve(REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR=CHENGDU_IP, HTTP_CF_IPCOUNTRY="HK")

    assert "HK offer" in html


def test_a_cdn_country_header_from_anyone_else_is_ignored(hong_kong_offer):
    html = serve(REMOTE_ADDR=CHENGDU_IP, HTTP_CF_IPCOUNTRY="HK")

    assert "HK offer" not in html


def test_cdn_header_names_come_from_settings(hong_kong_offer, settings):
    settings.TARGETING_CDN_GEO_HEADERS = {"country": ["X-Edge-Country"]}

    assert "HK offer" in serve(REMOTE_ADDR="10.1.2.3", HTTP_X_EDGE_COUNTRY="HK")
    assert "HK offer" not in serve(REMOTE_ADDR="10.1.2.3", HTTP_CF_IPCOUNTRY="HK")
