"""Issue 13 item 1: whole pages for anonymous visitors, cached by page, revision, language and the
audience keys of the page's placements; never a page that is one visitor's own."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.models import SiteSettings
from portal.pagecache import keys
from portal.pagecache.placements import PLACEMENTS_KEY, find_placements, template_placements
from targeting.tracking.visitors import VISITOR_COOKIE, VISITOR_COOKIE_SALT
from tests.pagecache.conftest import DESKTOP, IPHONE
from tests.portal.factories import StandardPageFactory
from tests.products.factories import ProductIndexPageFactory, ProductPageFactory
from tests.targeting.factories import CreativeFactory, live_campaign, publish

pytestmark = pytest.mark.django_db(transaction=True)


def get(client: Client, path: str = "/", agent: str = DESKTOP, **extra):
    return client.get(path, HTTP_USER_AGENT=agent, **extra)


def consenting_client(visitor_id: str = "a" * 32) -> Client:
    from django.core import signing

    client = Client()
    client.cookies["consent"] = "necessary,analytics"
    client.cookies[VISITOR_COOKIE] = signing.get_cookie_signer(
        salt=VISITOR_COOKIE + VISITOR_COOKIE_SALT
    ).sign(visitor_id)
    return client


def test_the_second_anonymous_view_is_a_hit_that_runs_no_query(home, mobile_offer):
    # Given a page rendered once for an anonymous visitor
    first = get(Client())
    assert first["X-Page-Cache"] == "miss"

    # When another visitor of the same audience opens it
    with CaptureQueriesContext(connection) as queries:
        second = get(Client())

    # Then it comes from the cache without a single database query, byte for byte the same
    assert second["X-Page-Cache"] == "hit"
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert second.content == first.content


def test_each_audience_gets_its_own_page(home, mobile_offer):
    # Given the hero slot shows the phone offer to phones and its default to everyone else
    phone_first = get(Client(), agent=IPHONE)
    desktop_first = get(Client(), agent=DESKTOP)
    assert 'data-campaign="phone-offer"' in phone_first.content.decode()
    assert 'data-campaign="phone-offer"' not in desktop_first.content.decode()

    # When both audiences come again
    phone = get(Client(), agent=IPHONE)
    desktop = get(Client(), agent=DESKTOP)

    # Then each is a hit with its own audience's page
    assert phone["X-Page-Cache"] == desktop["X-Page-Cache"] == "hit"
    assert 'data-campaign="phone-offer"' in phone.content.decode()
    assert "Welcome to the bank" in desktop.content.decode()
    assert 'data-campaign="phone-offer"' not in desktop.content.decode()


def test_a_hit_still_carries_what_the_beacon_reports(home, mobile_offer):
    # Impressions and clicks are counted by the browser's beacon from the slot's attributes,
    # so a cached page measures exactly like a rendered one, with nothing to record server-side.
    get(Client(), agent=IPHONE)
    page = get(Client(), agent=IPHONE).content.decode()
    assert 'data-placement="home-hero"' in page
    assert 'data-campaign="phone-offer"' in page
    assert 'data-creative="' in page
    assert 'data-tracking-endpoint="/api/v1/events"' in page


def test_languages_are_cached_apart(home):
    get(Client(), "/")
    get(Client(), "/en/")
    assert 'lang="en"' in get(Client(), "/en/").content.decode()
    assert 'lang="zh-hans"' in get(Client(), "/").content.decode()


def test_a_frequency_capped_answer_is_never_cached_for_a_visitor_with_an_id(home, hero):
    # Given a capped campaign in the hero slot (impressions counted per visitor)
    live_campaign(hero, slug="capped", frequency_cap=2)

    # When a consenting visitor (with an id) opens the page twice
    client = consenting_client()
    get(client)
    again = get(client)

    # Then neither view was stored or served from the cache: the answer is theirs
    assert "X-Page-Cache" not in again
    # while a visitor without an id (no consent: caps cannot apply) shares the audience's page
    get(Client())
    assert get(Client())["X-Page-Cache"] == "hit"


def test_a_split_bucketed_by_the_visitor_id_is_never_cached(home, hero):
    # Given a campaign splitting two creatives (an experiment's arms)
    campaign = live_campaign(hero, slug="split-test")
    from targeting.models import CampaignCreative

    second = publish(CreativeFactory(headline="Second arm"))
    CampaignCreative.objects.create(campaign=campaign, creative=second, weight=1)
    publish(campaign)

    # When a consenting visitor comes twice: their arm is chosen by their id
    client = consenting_client("b" * 32)
    get(client)
    # Then their page is neither stored nor served from the cache
    assert "X-Page-Cache" not in get(client)
    # Anonymous visitors without an id share one arm (bucketed by the audience), so it is cached
    get(Client())
    assert get(Client())["X-Page-Cache"] == "hit"


def test_a_signed_in_customer_never_gets_or_makes_a_cached_page(home, django_user_model):
    get(Client())  # the anonymous page is cached
    user = django_user_model.objects.create_user("jin", password="x-secret-2025")
    client = Client()
    client.force_login(user)
    response = get(client)
    assert "X-Page-Cache" not in response
    assert "jin" in response.content.decode()
    assert get(Client())["X-Page-Cache"] == "hit"
    assert "jin" not in get(Client()).content.decode()


def test_pending_messages_bypass_the_cache(home):
    get(Client())
    client = Client()
    client.cookies["messages"] = "anything"
    assert "X-Page-Cache" not in get(client)


def test_publishing_the_page_changes_what_is_served_at_once(home):
    get(Client())
    assert get(Client())["X-Page-Cache"] == "hit"

    # When an editor publishes a new title
    home.title = "锦程银行新版首页"
    home.save_revision().publish()

    # Then the next visitor gets the new page
    response = get(Client())
    assert response["X-Page-Cache"] == "miss"
    assert "锦程银行新版首页" in response.content.decode()


def test_publishing_another_page_or_unpublishing_invalidates_too(home):
    page = StandardPageFactory(parent=home)
    get(Client(), page.url)
    assert get(Client(), page.url)["X-Page-Cache"] == "hit"

    StandardPageFactory(parent=home).save_revision().publish()  # the menu may list it
    assert get(Client(), page.url)["X-Page-Cache"] == "miss"

    page.unpublish()
    assert get(Client(), page.url).status_code == 404


def test_a_campaign_published_for_the_slot_shows_at_once(home, hero):
    get(Client(), agent=IPHONE)
    assert get(Client(), agent=IPHONE)["X-Page-Cache"] == "hit"

    # When a marketer publishes a campaign for the hero slot (a snippet: the snapshot version)
    live_campaign(hero, slug="new-offer")

    # Then the very next view shows it
    assert 'data-campaign="new-offer"' in get(Client(), agent=IPHONE).content.decode()


def test_saving_site_settings_invalidates(home):
    get(Client())
    assert get(Client())["X-Page-Cache"] == "hit"
    settings_row = SiteSettings.for_site(home.get_site())
    settings_row.hotline = "95599"
    settings_row.save()
    response = get(Client())
    assert response["X-Page-Cache"] == "miss" and "95599" in response.content.decode()


def test_placements_are_known_from_the_published_page_without_rendering(home, hero):
    # The home page's hero slot is in its body
    assert find_placements(home) == ("home-hero",)
    # a product page's slot is in its template
    assert "product-sidebar" in template_placements("products/product_page.html")
    group = ProductIndexPageFactory(parent=home, slug="personal", customer_group="personal")
    product = ProductPageFactory(parent=group)
    assert "product-sidebar" in find_placements(product)
    # and publishing stores them for the revision, before any visitor comes
    home.save_revision().publish()
    home.refresh_from_db()
    key = PLACEMENTS_KEY.format(page=home.pk, revision=home.live_revision_id)
    assert caches["pages"].get(key) == ["home-hero"]


def test_a_hit_is_served_for_a_product_page_with_a_template_slot(home):
    group = ProductIndexPageFactory(parent=home, slug="personal", customer_group="personal")
    product = ProductPageFactory(parent=group)
    get(Client(), product.url)
    with CaptureQueriesContext(connection) as queries:
        response = get(Client(), product.url)
    assert response["X-Page-Cache"] == "hit" and len(queries) == 0


def test_the_cache_can_be_switched_off(home, settings):
    settings.PAGECACHE_ENABLED = False
    get(Client())
    assert "X-Page-Cache" not in get(Client())


@pytest.mark.parametrize(
    "query",
    ["?x=" + "a" * 600, "?q=%00%01", "?page=NaN", "?page=1e309", "?" + "a[]=1&" * 40],
)
def test_hostile_queries_are_served_and_never_flood_the_cache(home, query):
    response = get(Client(), "/" + query)
    assert response.status_code == 200
    if len(query) > keys.MAX_PATH:
        assert "X-Page-Cache" not in response
        assert "X-Page-Cache" not in get(Client(), "/" + query)


def test_a_post_is_never_served_from_the_cache(home):
    get(Client())
    response = Client().post("/", {})
    assert "X-Page-Cache" not in response


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda request, response: response.set_cookie("x", "1"), id="a cookie"),
        pytest.param(
            lambda request, response: request.META.__setitem__("CSRF_COOKIE_NEEDS_UPDATE", True),
            id="a CSRF token",
        ),
        pytest.param(
            lambda request, response: request.session.__setitem__("k", 1), id="a session write"
        ),
        pytest.param(
            lambda request, response: response.__setitem__("Cache-Control", "private"),
            id="private",
        ),
        pytest.param(lambda request, response: setattr(response, "status_code", 404), id="a 404"),
    ],
)
def test_a_response_that_belongs_to_one_visitor_is_never_stored(spoil):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.cache import SessionStore
    from django.http import HttpResponse
    from django.test import RequestFactory

    from portal.pagecache.middleware import storable

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    response = HttpResponse("<p>page</p>")
    assert storable(request, response)
    spoil(request, response)
    assert not storable(request, response)


def test_a_slot_the_publish_time_search_missed_is_learnt_before_a_page_is_stored(
    home, mobile_offer, monkeypatch
):
    # Given the search at publish time found no slot on the page (a slug known only at render)
    from portal.pagecache import placements

    caches["pages"].clear()
    monkeypatch.setattr(placements, "find_placements", lambda page: ())
    # When the page renders the hero slot anyway
    first = get(Client(), agent=IPHONE)
    # Then that render is not stored under a key blind to the slot
    assert "X-Page-Cache" not in first
    # and the slot is learnt, so the next render is stored keyed by its audience, then served
    assert get(Client(), agent=IPHONE)["X-Page-Cache"] == "miss"
    phone = get(Client(), agent=IPHONE)
    desktop = get(Client(), agent=DESKTOP)
    assert (
        phone["X-Page-Cache"] == "hit" and 'data-campaign="phone-offer"' in phone.content.decode()
    )
    assert 'data-campaign="phone-offer"' not in desktop.content.decode()
