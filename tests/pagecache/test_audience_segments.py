"""The page cache knows a page's audience blocks from the published page, without rendering it
(issue 14 item 5a): the first render of a page with an audience block is stored, keyed by
whether the visitor is in each chosen audience."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client

from portal.blocks import BodyBlock, HomeBodyBlock
from portal.pagecache.placements import PLACEMENTS_KEY, find_placements
from tests.pagecache.conftest import DESKTOP, IPHONE
from tests.portal.factories import StandardPageFactory
from tests.targeting.factories import SegmentFactory, publish

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_TEXT = "手机银行专享：扫码开户"


@pytest.fixture
def phones(db):
    return publish(
        SegmentFactory(slug="phones", rule={"attr": "device.type", "op": "eq", "value": "mobile"})
    )


def audience_body(slugs: list[str], mode: str = "show"):
    return BodyBlock().to_python(
        [
            {
                "type": "audience",
                "value": {
                    "mode": mode,
                    "segments": slugs,
                    "content": [{"type": "paragraph", "value": f"<p>{PHONE_TEXT}</p>"}],
                },
            }
        ]
    )


@pytest.fixture
def phone_page(home, phones):
    page = StandardPageFactory(parent=home, slug="mobile-banking", body=audience_body(["phones"]))
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_the_publish_time_search_finds_an_audience_blocks_segments(home, phones):
    # Given a page whose body shows a paragraph to two audiences, and a home page whose audience
    # block wraps the hero slot
    page = StandardPageFactory(parent=home, body=audience_body(["phones", "searchers"], "hide"))
    home.body = HomeBodyBlock().to_python(
        [
            {
                "type": "audience",
                "value": {
                    "mode": "show",
                    "segments": ["phones"],
                    "content": [
                        {
                            "type": "promotion_slot",
                            "value": {"placement": home.body[0].value["placement"].pk},
                        }
                    ],
                },
            }
        ]
    )

    # When the search looks at them (no render, no request)
    # Then it names each chosen segment as the render notes it, and the slot inside the block
    assert find_placements(page) == ("segment:phones", "segment:searchers")
    assert find_placements(home) == ("home-hero", "segment:phones")


def test_publishing_stores_the_segments_for_the_revision(phone_page):
    key = PLACEMENTS_KEY.format(page=phone_page.pk, revision=phone_page.live_revision_id)
    assert caches["pages"].get(key) == ["segment:phones"]


def test_the_first_render_is_stored_and_each_audience_gets_its_own_page(phone_page):
    # Given a published page with content for phones only, never rendered
    url = phone_page.url

    # When a phone and a desktop open it for the first time
    phone_first = Client().get(url, HTTP_USER_AGENT=IPHONE)
    desktop_first = Client().get(url, HTTP_USER_AGENT=DESKTOP)

    # Then both first renders are stored (before, the render learnt the segment and was dropped)
    assert phone_first["X-Page-Cache"] == "miss"
    assert desktop_first["X-Page-Cache"] == "miss"
    # and the next visitors of each audience get their audience's page from the cache
    phone = Client().get(url, HTTP_USER_AGENT=IPHONE)
    desktop = Client().get(url, HTTP_USER_AGENT=DESKTOP)
    assert phone["X-Page-Cache"] == desktop["X-Page-Cache"] == "hit"
    assert PHONE_TEXT in phone.content.decode()
    assert PHONE_TEXT not in desktop.content.decode()
