"""Page variants (issue 14 item 5b): served to their audience at the canonical page's URL, from
the snapshot with no query; the canonical page keeps the URL, the sitemap and the search."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from portal.search import search_pages
from targeting import snapshot
from targeting.variants import serving
from targeting.variants.actions import create_variant
from targeting.variants.serving import choose_variant
from tests.targeting.factories import SegmentFactory, publish
from tests.variants.conftest import (
    CANONICAL_TEXT,
    DESKTOP,
    IPHONE,
    PHONE_TEXT,
    make_variant,
    visitor_request,
)

pytestmark = pytest.mark.django_db


def get(path: str = "/cards/", agent: str = DESKTOP, **extra):
    return Client().get(path, HTTP_USER_AGENT=agent, **extra)


def test_the_audience_gets_the_variant_and_everyone_else_the_page(phone_variant):
    phone, desktop = get(agent=IPHONE), get(agent=DESKTOP)
    assert phone.status_code == desktop.status_code == 200
    assert PHONE_TEXT in phone.content.decode()
    assert CANONICAL_TEXT not in phone.content.decode()
    assert CANONICAL_TEXT in desktop.content.decode()
    assert PHONE_TEXT not in desktop.content.decode()


def test_the_served_variant_names_the_canonical_page_and_keeps_its_place(phone_variant):
    html = get(agent=IPHONE).content.decode()
    assert '<link rel="canonical" href="http://localhost/cards/">' in html
    # its language links and breadcrumbs are the canonical page's, never the variant's slug
    assert phone_variant.variant.slug not in html
    assert 'rel="canonical"' not in get(agent=DESKTOP).content.decode()


def test_choosing_the_variant_costs_no_query(phone_variant):
    snapshot.get_snapshot()  # warm, as a serving process has it
    phone, desktop = visitor_request(IPHONE), visitor_request(DESKTOP)
    phone.slots_rendered, desktop.slots_rendered = {}, {}
    with CaptureQueriesContext(connection) as queries:
        chosen = choose_variant(phone, phone_variant.canonical_id)
        nobody = choose_variant(desktop, phone_variant.canonical_id)
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert chosen is not None and chosen.page_id == phone_variant.variant_id
    assert nobody is None
    # both are noted for the page cache, keyed by whether the visitor is in the audience
    assert phone.slots_rendered == desktop.slots_rendered == {"segment:phones": True}


def test_the_variants_own_url_redirects_to_the_canonical_page(phone_variant):
    own = f"/{phone_variant.variant.slug}/"
    response = get(own, agent=IPHONE)
    assert response.status_code == 302 and response["Location"] == "/cards/"
    kept = get(own + "?utm_source=baidu&x=%00%0A", agent=DESKTOP)
    assert kept["Location"] == "/cards/?utm_source=baidu&x=%00%0A"


def test_the_variants_url_is_a_404_when_the_canonical_page_is_gone(phone_variant, cards):
    own = f"/{phone_variant.variant.slug}/"
    cards.unpublish()
    assert get(own).status_code == 404


def test_the_variant_is_private_and_out_of_the_sitemap(phone_variant):
    assert PageViewRestriction.objects.filter(page=phone_variant.variant).exists()
    xml = Client().get("/sitemap.xml").content.decode()
    assert "<loc>http://localhost/cards/</loc>" in xml
    assert phone_variant.variant.slug not in xml


def test_search_finds_the_canonical_page_only(phone_variant):
    hits = search_pages("白金")
    assert [hit.url for hit in hits if "cards" in hit.url] == ["/cards/"]
    assert phone_variant.variant_id not in {hit.page.pk for hit in hits}
    page = Client().get("/search/", {"q": "白金"}).content.decode()
    assert phone_variant.variant.slug not in page


def test_the_variant_is_taken_out_of_the_search_index(
    cards, phones, admin_user, django_capture_on_commit_callbacks
):
    from wagtail.search.models import IndexEntry

    with django_capture_on_commit_callbacks(execute=True):
        link = make_variant(cards, phones, PHONE_TEXT, admin_user)
    indexed = set(IndexEntry.objects.values_list("object_id", flat=True))
    assert str(cards.pk) in indexed
    assert str(link.variant_id) not in indexed


def test_an_unpublished_variant_falls_back_to_the_canonical_page(phone_variant):
    phone_variant.variant.unpublish()
    assert CANONICAL_TEXT in get(agent=IPHONE).content.decode()


def test_a_deleted_variant_falls_back_to_the_canonical_page(phone_variant):
    phone_variant.variant.delete()
    response = get(agent=IPHONE)
    assert response.status_code == 200 and CANONICAL_TEXT in response.content.decode()


def test_an_audience_unpublished_or_disabled_falls_back(phone_variant, phones):
    phones.enabled = False
    phones.save()
    assert CANONICAL_TEXT in get(agent=IPHONE).content.decode()


def test_targeting_off_serves_the_canonical_page(phone_variant, settings):
    settings.TARGETING_ENABLED = False
    assert CANONICAL_TEXT in get(agent=IPHONE).content.decode()


def test_a_failing_rule_falls_back_to_the_canonical_page(phone_variant, monkeypatch):
    built = snapshot.get_snapshot()

    def broken(ctx):
        raise RuntimeError("boom")

    class Engine:
        segments = {"phones": broken}

    monkeypatch.setattr(built, "engine", Engine())
    request = visitor_request(IPHONE)
    request.slots_rendered = {}
    assert choose_variant(request, phone_variant.canonical_id) is None
    assert request.slots_rendered == {"segment:phones": False}  # never stored by the cache


def test_a_variant_that_fails_to_render_falls_back_to_the_canonical_page(
    phone_variant, monkeypatch
):
    def broken(spec):
        raise RuntimeError("boom")

    monkeypatch.setattr(serving, "load_variant", broken)
    response = get(agent=IPHONE)
    assert response.status_code == 200
    assert CANONICAL_TEXT in response.content.decode()
    assert 'rel="canonical"' not in response.content.decode()


def test_the_highest_priority_variant_wins(cards, phones, admin_user):
    iphones = publish(
        SegmentFactory(
            name="iPhone 访客",
            slug="iphones",
            rule={"attr": "device.os", "op": "eq", "value": "ios"},
        )
    )
    make_variant(cards, phones, PHONE_TEXT, admin_user, priority=1)
    make_variant(cards, iphones, "苹果手机专享", admin_user, priority=5)
    html = get(agent=IPHONE).content.decode()
    assert "苹果手机专享" in html and PHONE_TEXT not in html


def test_a_private_canonical_page_is_checked_before_its_variant_is_served(phone_variant, cards):
    PageViewRestriction.objects.create(page=cards, restriction_type=PageViewRestriction.LOGIN)
    response = get(agent=IPHONE)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_post_is_answered_by_the_canonical_page(phone_variant):
    response = Client().post("/cards/", HTTP_USER_AGENT=IPHONE)
    assert PHONE_TEXT not in response.content.decode()


def test_a_routable_product_page_serves_its_variant(home, phones, admin_user):
    from tests.products.factories import ProductPageFactory

    product = ProductPageFactory(parent=home, slug="deposit", summary="所有访客：定期存款")
    product.save_revision().publish()
    link = create_variant(product, phones, admin_user)
    variant = link.variant.specific
    variant.summary = "手机访客：定期存款专享"
    variant.save_revision().publish()
    phone = get("/deposit/", agent=IPHONE).content.decode()
    desktop = get("/deposit/", agent=DESKTOP).content.decode()
    assert "手机访客：定期存款专享" in phone and "所有访客：定期存款" not in phone
    assert "所有访客：定期存款" in desktop


def test_the_served_variant_is_not_its_own_ancestor_sibling_or_translation(phone_variant, cards):
    # given the variant standing in for /cards/ (the canonical page is its neighbour in the tree)
    variant = serving.serve_as(phone_variant.variant.specific, cards)
    # then Wagtail's neighbour queries see the canonical page as the page itself
    assert cards.pk not in {page.pk for page in variant.get_ancestors()}
    assert cards.pk not in {page.pk for page in variant.get_siblings(inclusive=False)}
    assert not variant.get_translations().filter(pk=cards.pk).exists()
    html = get(agent=IPHONE).content.decode()
    assert PHONE_TEXT in html
    assert '<a href="/cards/">白金信用卡</a>' not in html  # no breadcrumb to itself


def test_the_stand_in_cannot_be_saved_or_deleted(phone_variant, cards):
    variant = serving.serve_as(phone_variant.variant.specific, cards)
    with pytest.raises(RuntimeError):
        variant.save()
    with pytest.raises(RuntimeError):
        variant.delete()
    assert phone_variant.variant.__class__.objects.filter(pk=cards.pk).exists()
