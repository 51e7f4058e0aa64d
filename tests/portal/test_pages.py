"""Every page type renders for an anonymous visitor, in Chinese by default and English at /en/."""

import datetime

import pytest
from django.test import Client
from wagtail.models import Site

from portal.models import HomePage, KnowledgeTopic, NewsCategory, NewsIndexPage, SiteSettings
from tests.portal.factories import (
    KnowledgeIndexPageFactory,
    KnowledgePageFactory,
    NewsPageFactory,
    StandardPageFactory,
)
from tests.targeting.factories import PlacementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def home_with_sections(home_page: HomePage, news_index: NewsIndexPage) -> HomePage:
    hero_slot = PlacementFactory(slug="home-hero", default_headline="用心服务每一位客户")
    strip_slot = PlacementFactory(slug="home-strip", kind="strip")
    home_page.body = [
        ("promotion_slot", {"placement": hero_slot, "missing_slug": ""}),
        (
            "hero",
            {
                "heading": "让每一笔财富稳健成长",
                "text": "稳健、专业。",
                "image": None,
                "call_to_action": {
                    "label": "开通手机银行",
                    "page": None,
                    "url": "/mobile/",
                    "style": "primary",
                },
            },
        ),
        (
            "service_entries",
            {
                "heading": "便捷服务",
                "entries": [
                    {"icon": "branch", "label": "网点查询", "page": None, "url": "/branches/"},
                    {"icon": "exchange", "label": "外汇牌价", "page": None, "url": "/rates/"},
                ],
            },
        ),
        ("promotion_slot", {"placement": strip_slot, "missing_slug": ""}),
        ("latest_news", {"heading": "最新动态", "count": 2}),
    ]
    home_page.save_revision().publish()
    NewsPageFactory(parent=news_index, title="旧闻", date=datetime.date(2025, 1, 1))
    NewsPageFactory(
        parent=news_index, title="关于调整存款利率的公告", date=datetime.date(2026, 11, 20)
    )
    NewsPageFactory(parent=news_index, title="系统升级维护公告", date=datetime.date(2026, 11, 18))
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.brand_name = "锦程银行"
    settings.hotline = "95568"
    settings.navigation = [("link", {"label": "新闻", "page": news_index, "url": ""})]
    settings.save()
    return home_page


def test_home_page_shows_hero_services_slots_and_latest_news(
    client: Client, home_with_sections: HomePage
) -> None:
    # When an anonymous visitor opens the home page
    response = client.get("/")

    # Then the sections, the promotion slots and the two newest news items are there
    html = response.content.decode()
    assert response.status_code == 200
    assert "让每一笔财富稳健成长" in html
    assert 'href="/branches/"' in html and "网点查询" in html
    assert '<div class="promo-slot" data-placement="home-hero">' in html
    assert "用心服务每一位客户" in html  # the chosen placement's default content
    assert 'data-placement="home-strip"' in html
    assert "关于调整存款利率的公告" in html and "系统升级维护公告" in html
    assert "旧闻" not in html  # only the newest `count` items
    # And the header and footer come from the site settings
    assert "95568" in html
    assert 'href="/news/"' in html


def test_chinese_is_the_default_interface_language(
    client: Client, home_with_sections: HomePage
) -> None:
    response = client.get("/")
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "跳到主要内容" in html  # "Skip to content"
    assert "客服热线" in html


def test_english_interface_under_en(client: Client, home_with_sections: HomePage) -> None:
    response = client.get("/en/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Skip to content" in html
    assert "跳到主要内容" not in html


def test_the_language_switcher_links_to_the_english_page(
    client: Client, home_with_sections: HomePage
) -> None:
    html = client.get("/").content.decode()
    assert 'href="/en/" hreflang="en"' in html  # more in tests/portal/test_language_switch.py


def test_standard_page_renders_body_table_and_faq(client: Client, home_page: HomePage) -> None:
    page = StandardPageFactory(
        parent=home_page,
        slug="exchange-rates",
        title="外汇牌价",
        body=[
            ("heading", {"text": "今日牌价", "level": "h2"}),
            (
                "table",
                {
                    "data": [["币种", "买入价"], ["美元", "710.52"]],
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                    "table_caption": "外汇牌价",
                },
            ),
            (
                "faq",
                {
                    "heading": "常见问题",
                    "items": [{"question": "牌价多久更新？", "answer": "<p>每日多次。</p>"}],
                },
            ),
        ],
    )
    response = client.get(page.url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>外汇牌价</h1>" in html
    assert '<th scope="col">币种</th>' in html and "<td>710.52</td>" in html
    assert "<summary>牌价多久更新？</summary>" in html
    # Breadcrumbs lead back home
    assert 'aria-label="面包屑导航"' in html


def test_news_index_lists_newest_first_and_filters_by_category(
    client: Client, news_index: NewsIndexPage
) -> None:
    NewsPageFactory(parent=news_index, title="旧公告", date=datetime.date(2026, 1, 1))
    NewsPageFactory(parent=news_index, title="新公告", date=datetime.date(2026, 6, 1))
    NewsPageFactory(
        parent=news_index,
        title="品牌活动",
        date=datetime.date(2026, 3, 1),
        category=NewsCategory.BRAND_NEWS,
    )

    html = client.get(news_index.url).content.decode()
    assert html.index("新公告") < html.index("品牌活动") < html.index("旧公告")

    filtered = client.get(news_index.url, {"category": "brand-news"}).content.decode()
    assert "品牌活动" in filtered and "新公告" not in filtered

    # An unknown category shows everything rather than failing
    junk = client.get(news_index.url, {"category": "<script>"})
    assert junk.status_code == 200 and "新公告" in junk.content.decode()


def test_news_index_paginates(client: Client, news_index: NewsIndexPage) -> None:
    for day in range(1, 13):
        NewsPageFactory(
            parent=news_index, title=f"公告第{day:02d}号", date=datetime.date(2026, 1, day)
        )

    first = client.get(news_index.url).content.decode()
    second = client.get(news_index.url, {"page": 2}).content.decode()
    beyond = client.get(news_index.url, {"page": "abc"})

    assert "公告第12号" in first and "公告第01号" not in first
    assert "公告第01号" in second and "公告第12号" not in second
    assert beyond.status_code == 200


def test_news_page_renders(client: Client, news_index: NewsIndexPage) -> None:
    page = NewsPageFactory(parent=news_index, title="系统升级维护公告", summary="暂停服务。")
    html = client.get(page.url).content.decode()
    assert "<h1>系统升级维护公告</h1>" in html
    assert "暂停服务。" in html
    assert f'datetime="{page.date:%Y-%m-%d}"' in html


def test_knowledge_pages_render_grouped_by_topic(client: Client, home_page: HomePage) -> None:
    index = KnowledgeIndexPageFactory(parent=home_page)
    card = KnowledgePageFactory(
        parent=index, title="信用卡还款方式有哪些？", topic=KnowledgeTopic.CREDIT_CARDS
    )
    KnowledgePageFactory(parent=index, title="忘记登录密码怎么办？", topic=KnowledgeTopic.SECURITY)

    index_html = client.get(index.url).content.decode()
    assert "信用卡还款方式有哪些？" in index_html and "忘记登录密码怎么办？" in index_html

    only_cards = client.get(index.url, {"topic": "credit-cards"}).content.decode()
    assert "信用卡还款方式有哪些？" in only_cards and "忘记登录密码怎么办？" not in only_cards

    article = client.get(card.url)
    assert article.status_code == 200
    assert "<h1>信用卡还款方式有哪些？</h1>" in article.content.decode()


def test_a_draft_page_is_not_shown_to_visitors(client: Client, news_index: NewsIndexPage) -> None:
    page = NewsPageFactory(parent=news_index, title="未发布", live=False)
    assert client.get(f"{news_index.url}{page.slug}/").status_code == 404
