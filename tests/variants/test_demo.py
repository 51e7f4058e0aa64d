"""The demo's page variant (the platinum card's page for visitors from a Baidu search for 信用卡)
is made by the editor's own action, once; the English demo never translates a variant."""

from __future__ import annotations

import pytest
from wagtail.models import Locale, Page, PageViewRestriction

from portal import demo_english
from targeting import demo
from targeting.variants.models import PageVariant
from tests.targeting.factories import SegmentFactory, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def card_page(home):
    from tests.products.factories import ProductPageFactory

    page = ProductPageFactory(parent=home, slug=demo.VARIANT_PAGE_SLUG, summary="白金信用卡")
    page.save_revision().publish()
    return page


@pytest.fixture
def baidu_audience(db):
    return publish(
        SegmentFactory(
            name="百度搜索“信用卡”的访客",
            slug=demo.VARIANT_AUDIENCE,
            rule={"attr": "source.search_engine", "op": "eq", "value": "baidu"},
        )
    )


def test_the_demo_variant_is_seeded_once_live_and_private(card_page, baidu_audience):
    # when the demo's variant is seeded twice
    first = demo._seed_page_variant()
    assert first is not None
    revisions = Page.objects.get(pk=first.variant_id).revisions.count()
    second = demo._seed_page_variant()

    # then there is one variant, live, private, with its own summary and no new revision the second time
    assert first is not None and second is not None and first.pk == second.pk
    assert PageVariant.objects.count() == 1
    variant = Page.objects.get(pk=first.variant_id).specific
    assert variant.live and variant.summary == demo.VARIANT_SUMMARY
    assert PageViewRestriction.objects.filter(page=variant).exists()
    assert variant.revisions.count() == revisions  # the second seed wrote nothing
    assert (first.canonical_id, first.segment) == (card_page.pk, baidu_audience)


def test_the_english_demo_never_translates_a_variant(card_page, baidu_audience):
    link = demo._seed_page_variant()
    pages = {page.pk for page in demo_english._pages(Locale.get_default())}
    assert card_page.pk in pages
    assert link.variant_id not in pages


def test_the_seed_writes_nothing_without_the_card_page(baidu_audience):
    assert demo._seed_page_variant() is None
    assert not PageVariant.objects.exists()
