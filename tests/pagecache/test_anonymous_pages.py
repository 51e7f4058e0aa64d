"""Issue 13 item 2: anonymous pages set no cookie, carry no CSRF token and send no Vary: Cookie,
with Cache-Control a shared cache can act on; signed-in pages are private and not stored."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client

from products.models import ProductCataloguePage
from tests.community.factories import BoardFactory, PostFactory, TopicFactory, UserFactory
from tests.portal.factories import (
    KnowledgeIndexPageFactory,
    KnowledgePageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    StandardPageFactory,
)
from tests.products.factories import ProductIndexPageFactory, ProductPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_pages(home):
    """One page of every public page type, with its address."""
    news = NewsIndexPageFactory(parent=home, slug="news")
    knowledge = KnowledgeIndexPageFactory(parent=home, slug="knowledge")
    group = ProductIndexPageFactory(parent=home, slug="personal", customer_group="personal")
    catalogue = ProductCataloguePage(title="全部产品", slug="products")
    home.add_child(instance=catalogue)
    board = BoardFactory(name="信用卡", slug="credit-cards")
    author = UserFactory()
    topic = TopicFactory(board=board, author=author, title="信用卡年费怎么免?")
    PostFactory(topic=topic, author=author, body_markdown="请问白金卡年费怎么免？")
    return {
        "home": "/",
        "standard": StandardPageFactory(parent=home).url,
        "news index": news.url,
        "news": NewsPageFactory(parent=news).url,
        "knowledge index": knowledge.url,
        "knowledge": KnowledgePageFactory(parent=knowledge).url,
        "product group": group.url,
        "product": ProductPageFactory(parent=group).url,
        "catalogue": catalogue.url,
        "community": "/community/",
        "community board": f"/community/b/{board.slug}/",
        "community topic": f"/community/t/{topic.pk}/",
        "complaint entry": "/community/complaints/new/",
        "search": "/search/?q=信用卡",
        "english home": "/en/",
    }


PAGE_TYPES = [
    "home",
    "standard",
    "news index",
    "news",
    "knowledge index",
    "knowledge",
    "product group",
    "product",
    "catalogue",
    "community",
    "community board",
    "community topic",
    "complaint entry",
    "search",
    "english home",
]


@pytest.mark.parametrize("cache_on", [True, False], ids=["cache on", "cache off"])
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_an_anonymous_page_sets_no_cookie_and_carries_no_csrf_token(
    site_pages, kind, cache_on, settings
):
    # Given a first-time visitor (no cookie at all)
    settings.PAGECACHE_ENABLED = cache_on
    client = Client()

    # When they open a page of this type (twice: the second may come from the cache)
    for _ in range(2):
        response = client.get(site_pages[kind])

        # Then nothing is set and nothing in the page needs one
        assert response.status_code in (200, 302), kind
        assert not response.cookies, (kind, list(response.cookies))
        assert "csrfmiddlewaretoken" not in response.content.decode()
        # nor does it tell caches that it varies by cookie
        vary = [v.strip().lower() for v in response.get("Vary", "").split(",")]
        assert "cookie" not in vary, (kind, response.get("Vary"))
        control = response["Cache-Control"]
        if response.status_code == 302 or 'data-placement="' in response.content.decode():
            # a sign-in redirect, or a page with targeted slots: the browser's only
            assert control == "private, max-age=0", (kind, control)
        else:
            assert control.startswith("public, max-age=0, s-maxage="), (kind, control)


def test_pages_with_and_without_targeted_slots_get_their_own_cache_control(site_pages):
    # The home page holds a targeted slot: a CDN cannot tell audiences apart
    assert Client().get("/")["Cache-Control"] == "private, max-age=0"
    # A news page holds none: shared caches keep it (Wagtail pages are purged on publish)
    assert Client().get(site_pages["news"])["Cache-Control"] == "public, max-age=0, s-maxage=300"
    # A forum page holds none either, but nothing purges it: briefly
    assert (
        Client().get(site_pages["community board"])["Cache-Control"]
        == "public, max-age=0, s-maxage=60"
    )


@pytest.mark.parametrize("kind", ["home", "news", "product", "community board", "search"])
def test_a_signed_in_customer_gets_private_no_store_pages(site_pages, kind):
    # Given a signed-in customer
    client = Client()
    client.force_login(UserFactory())

    # When they open a page
    response = client.get(site_pages[kind])

    # Then no cache may keep it, and it is not served from or put into the page cache
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "X-Page-Cache" not in response


def test_a_page_with_a_form_that_needs_a_token_keeps_it_and_stays_private(site_pages):
    # The complaint lookup form posts with a CSRF token: that page may set the token cookie
    response = Client().get("/community/complaints/lookup/")
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert "csrftoken" in response.cookies
    assert "private" in response["Cache-Control"]


def test_the_consent_banner_is_in_every_page_and_hidden_by_script_once_decided(site_pages):
    # The banner no longer depends on the consent cookie (pages are the same for everyone)
    client = Client()
    client.cookies["consent"] = "necessary"
    page = client.get("/").content.decode()
    assert 'id="consent-banner"' in page
    # scripted.js, loaded in <head> before first paint, hides it once the visitor has decided
    assert "portal/js/scripted.js" in page


def _production(extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "bank.example",
        **extra,
    }
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from wagtail.contrib.frontend_cache.utils import get_backends; "
        "print(sorted(type(b).__name__ for b in get_backends().values()))"
    )
    # our own interpreter and fixed code: nothing untrusted runs
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_production_purges_a_cdn_through_wagtails_frontend_cache():
    # Given a Varnish-style purger configured from the environment, Wagtail's frontend cache is on
    done = _production(
        {"FRONTEND_CACHE": "http", "FRONTEND_CACHE_LOCATION": "http://127.0.0.1:8080"}
    )
    assert done.returncode == 0, done.stderr
    assert "['HTTPBackend']" in done.stdout
    # and a misspelt kind names the variable instead of starting without a purger
    bad = _production({"FRONTEND_CACHE": "varnishh"})
    assert bad.returncode != 0 and "FRONTEND_CACHE: expected one of" in bad.stderr
