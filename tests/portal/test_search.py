"""Site search: Chinese names found whole and in part, English, junk and long queries, paging."""

import pytest
from django.test import Client

from portal.models import HomePage, NewsIndexPage
from portal.search import cjk_bigrams, clean_query, search_pages
from tests.portal.factories import NewsPageFactory, StandardPageFactory

pytestmark = pytest.mark.django_db

try:  # The products app's pages, when that app is present in this checkout.
    from tests.products.factories import ProductIndexPageFactory, ProductPageFactory
except ImportError:  # pragma: no cover - products not built yet
    ProductPageFactory = None


@pytest.fixture
def credit_card_page(home_page: HomePage):
    """A page called 白金信用卡: a product page when the products app exists."""
    if ProductPageFactory is not None:
        index = ProductIndexPageFactory(parent=home_page, slug="personal")
        return ProductPageFactory(
            parent=index,
            title="白金信用卡",
            slug="platinum-card",
            summary="高端商旅权益，年费可减免。",
        )
    return StandardPageFactory(parent=home_page, title="白金信用卡", summary="高端商旅权益。")


def titles(query: str) -> list[str]:
    return [hit.title for hit in search_pages(query)]


def test_bigrams_split_chinese_and_keep_other_words() -> None:
    assert cjk_bigrams("白金信用卡 Visa") == "白金 金信 信用 用卡 Visa"
    assert cjk_bigrams("卡") == "卡"


@pytest.mark.parametrize("query", ["白金信用卡", "信用卡", "信用", "白金"])
def test_searching_a_chinese_product_name_finds_it(credit_card_page, query: str) -> None:
    # Given a page named 白金信用卡 (and an unrelated one)
    StandardPageFactory(
        parent=credit_card_page.get_parent(), title="外汇牌价", summary="每日牌价。"
    )

    # When a visitor searches for the full name or a 2-3 character part of it
    found = titles(query)

    # Then the page is found, and the unrelated one is not
    assert "白金信用卡" in found
    assert "外汇牌价" not in found


def test_a_single_character_still_finds_titles(credit_card_page) -> None:
    assert "白金信用卡" in titles("卡")


def test_words_inside_a_news_body_are_found(news_index: NewsIndexPage) -> None:
    NewsPageFactory(
        parent=news_index,
        title="系统升级维护公告",
        body=[("paragraph", "<p>期间手机银行暂停服务。</p>")],
    )
    assert "系统升级维护公告" in titles("手机银行")


def test_an_english_query_finds_english_words(home_page: HomePage) -> None:
    StandardPageFactory(parent=home_page, title="Foreign exchange rates", summary="Daily rates.")
    StandardPageFactory(parent=home_page, title="关于我们", summary="简介。")
    found = titles("exchange rates")
    assert found == ["Foreign exchange rates"]


def test_drafts_are_not_found(home_page: HomePage) -> None:
    StandardPageFactory(parent=home_page, title="未发布的信用卡活动", live=False)
    assert titles("信用卡活动") == []


def test_the_results_page_shows_title_type_summary_and_link(
    client: Client, credit_card_page
) -> None:
    response = client.get("/search/", {"q": "信用卡"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{credit_card_page.url}"' in html
    assert "白金信用卡" in html
    assert credit_card_page.summary in html
    assert str(credit_card_page.specific_class._meta.verbose_name) in html


def test_an_empty_query_shows_the_form_without_results(client: Client, home_page: HomePage) -> None:
    response = client.get("/search/", {"q": "   "})
    assert response.status_code == 200
    assert 'class="search-results"' not in response.content.decode()


def test_a_huge_query_is_cut_and_answered(client: Client, credit_card_page) -> None:
    query = "信用卡" + "x" * 5000 + "\"'()*:-!"
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert len(clean_query(query)) == 100
    # The box shows the cut query: 100 characters, the search syntax removed
    assert f'value="{"信用卡" + "x" * 97}"' in response.content.decode()


def test_search_syntax_in_a_query_is_harmless(client: Client, credit_card_page) -> None:
    for query in ['"信用卡', "信用卡 OR", "AND (", "*", "--", "信用卡 -白金"]:
        assert client.get("/search/", {"q": query}).status_code == 200


def test_results_are_paginated(client: Client, news_index: NewsIndexPage) -> None:
    for number in range(13):
        NewsPageFactory(parent=news_index, title=f"网点营业公告{number:02d}")

    first = client.get("/search/", {"q": "营业公告"}).content.decode()
    second = client.get("/search/", {"q": "营业公告", "page": 2}).content.decode()
    past_end = client.get("/search/", {"q": "营业公告", "page": 99})

    assert first.count('class="search-result"') == 10
    assert second.count('class="search-result"') == 3
    assert "q=%E8%90%A5%E4%B8%9A%E5%85%AC%E5%91%8A&amp;page=2" in first  # next keeps the query
    assert past_end.status_code == 200


def test_pages_named_after_the_query_come_first(credit_card_page) -> None:
    # Given a page that only mentions credit cards in its summary
    StandardPageFactory(
        parent=credit_card_page.get_parent(), title="联系我们", summary="信用卡专线与客服热线。"
    )
    # When searching for 信用卡, the page named after it leads
    assert titles("信用卡")[0] == "白金信用卡"


def test_a_word_from_a_product_summary_finds_the_product(credit_card_page) -> None:
    # The summary of another app's page type is matched even without bigram indexing
    assert "白金信用卡" in titles(credit_card_page.summary[2:6])


@pytest.mark.parametrize(
    "query", ["信用卡\x00", "\x00", "白金\x00信用卡", "\x1b信用卡\x7f", "信用卡\u0085"]
)
def test_control_characters_in_a_query_are_dropped_not_a_500(
    client: Client, credit_card_page, query: str
) -> None:
    # Given a query carrying NUL or another control character (PostgreSQL refuses NUL in text)
    # When it is searched
    response = client.get("/search/", {"q": query})
    # Then the page answers, the control characters are gone and the words still search
    assert response.status_code == 200
    cleaned = clean_query(query)
    assert not any(ord(char) < 32 or 0x7F <= ord(char) <= 0x9F for char in cleaned)
    if query != "\x00":
        assert "白金信用卡" in response.content.decode()
