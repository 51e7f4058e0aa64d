"""Page variants in the whole-page cache: the page is keyed by each variant's audience, so every
audience gets its own cached page; a hit costs no query; publishing either page invalidates."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.pagecache.middleware import page_slots, with_variant_audiences
from targeting import snapshot
from tests.portal.factories import paragraph
from tests.variants.conftest import CANONICAL_TEXT, DESKTOP, IPHONE, PHONE_TEXT

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGECACHE_ENABLED = True
    caches["pages"].clear()
    snapshot.reset()
    yield
    caches["pages"].clear()


def get(agent: str):
    return Client().get("/cards/", HTTP_USER_AGENT=agent)


def warm() -> None:
    for _ in range(2):
        get(IPHONE), get(DESKTOP)


def test_two_audiences_get_two_cached_pages_and_a_hit_runs_no_query(phone_variant):
    warm()
    with CaptureQueriesContext(connection) as queries:
        phone = get(IPHONE)
        desktop = get(DESKTOP)
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert phone["X-Page-Cache"] == desktop["X-Page-Cache"] == "hit"
    assert PHONE_TEXT in phone.content.decode() and CANONICAL_TEXT not in phone.content.decode()
    assert CANONICAL_TEXT in desktop.content.decode() and PHONE_TEXT not in desktop.content.decode()
    # a CDN cannot tell the audiences apart: the page is never shared there
    assert "private" in phone["Cache-Control"] and "private" in desktop["Cache-Control"]


def test_the_first_render_is_stored_under_the_variants_audience(phone_variant):
    first = get(DESKTOP)
    assert first["X-Page-Cache"] == "miss"  # stored at once: the key knew the audience
    assert get(IPHONE)["X-Page-Cache"] == "miss"  # not the desktop page
    assert get(IPHONE)["X-Page-Cache"] == "hit"


def test_the_key_holds_every_variant_audience(phone_variant, cards):
    snapshot.get_snapshot()
    assert "segment:phones" in with_variant_audiences(cards.pk, ())
    assert "segment:phones" in page_slots(cards)
    assert with_variant_audiences(phone_variant.variant_id, ()) == ()
    assert with_variant_audiences("forged", ("home-hero",)) == ("home-hero",)


def test_publishing_the_variant_changes_the_audiences_page_at_once(phone_variant):
    warm()
    variant = phone_variant.variant.specific
    variant.body = paragraph("<p>手机访客：新版</p>")
    variant.save_revision().publish()
    assert "手机访客：新版" in get(IPHONE).content.decode()
    assert CANONICAL_TEXT in get(DESKTOP).content.decode()


def test_publishing_the_canonical_page_changes_everyone_elses_page(phone_variant, cards):
    warm()
    cards.body = paragraph("<p>所有访客：新版</p>")
    cards.save_revision().publish()
    assert "所有访客：新版" in get(DESKTOP).content.decode()
    assert PHONE_TEXT in get(IPHONE).content.decode()


def test_a_variant_unpublished_after_caching_is_no_longer_served(phone_variant):
    warm()
    phone_variant.variant.unpublish()
    assert CANONICAL_TEXT in get(IPHONE).content.decode()


def test_a_variant_given_another_audience_is_cached_under_the_new_one(phone_variant, admin_user):
    from targeting.variants.actions import change_variant
    from tests.targeting.factories import SegmentFactory, publish

    desktops = publish(
        SegmentFactory(
            name="电脑访客",
            slug="desktops",
            rule={"attr": "device.type", "op": "eq", "value": "desktop"},
        )
    )
    warm()
    # when the editor gives the variant to desktop visitors
    change_variant(phone_variant, desktops, 0, admin_user)
    # then the cached pages follow at once, and each is stored again under the new audience
    for _ in range(2):
        assert PHONE_TEXT in get(DESKTOP).content.decode()
        assert CANONICAL_TEXT in get(IPHONE).content.decode()
    assert get(DESKTOP)["X-Page-Cache"] == get(IPHONE)["X-Page-Cache"] == "hit"
    assert "segment:desktops" in with_variant_audiences(phone_variant.canonical_id, ())
    assert "segment:phones" not in with_variant_audiences(phone_variant.canonical_id, ())
