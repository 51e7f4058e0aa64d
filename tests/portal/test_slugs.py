"""New pages titled in Chinese get pinyin slugs (issue 12 item 7)."""

import json

import pytest

from portal.slugs import pinyin_slug
from tests.portal.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("个人定期存款", "ge-ren-ding-qi-cun-kuan"),
        ("2026年 信用卡 优惠", "2026-nian-xin-yong-ka-you-hui"),
        ("ETF基金", "etf-ji-jin"),
        ("about-us", "about-us"),
        ("！？。", ""),
    ],
)
def test_pinyin_slug(text, slug):
    assert pinyin_slug(text) == slug


def test_a_new_page_with_a_chinese_slug_is_saved_with_pinyin(home_page):
    # Given an editor creating a page whose slug the editor filled from its Chinese title
    page = StandardPageFactory(parent=home_page, title="网点查询", slug="网点查询")
    # Then its slug and address are pinyin
    page.refresh_from_db()
    assert page.slug == "wang-dian-cha-xun"
    assert page.url_path.endswith("/wang-dian-cha-xun/")


def test_pinyin_slugs_stay_unique_among_siblings(home_page):
    StandardPageFactory(parent=home_page, title="存款", slug="cun-kuan")
    home_page.refresh_from_db()
    second = StandardPageFactory(parent=home_page, title="存款", slug="存款")
    assert second.slug == "cun-kuan-2"


def test_an_existing_page_keeps_its_slug(home_page):
    page = StandardPageFactory(parent=home_page, title="关于", slug="about")
    page.slug = "关于我们"
    page.save()
    page.refresh_from_db()
    assert page.slug == "关于我们"  # links people already have keep working


def test_a_page_made_in_the_admin_gets_a_pinyin_slug(home_page, admin_client):
    response = admin_client.post(
        f"/admin/pages/add/portal/standardpage/{home_page.pk}/",
        {
            "title": "外汇牌价",
            "slug": "外汇牌价",
            "summary": "",
            "body-count": "0",
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    home_page.refresh_from_db()
    assert (
        home_page.get_children()
        .filter(slug="wai-hui-pai-jia", url_path__endswith="/wai-hui-pai-jia/")
        .exists()
    )


def test_a_new_page_with_only_a_title_and_body_publishes(home_page, admin_client):
    # Given an editor who types a title and publishes before the browser filled the slug
    StandardPageFactory(
        parent=home_page, title="网点", slug="wang-dian-ying-ye-shi-jian-tiao-zheng"
    )
    home_page.refresh_from_db()
    response = admin_client.post(
        f"/admin/pages/add/portal/standardpage/{home_page.pk}/",
        {
            "title": "网点营业时间调整",
            "slug": "",
            "summary": "",
            "body-count": "1",
            "body-0-type": "paragraph",
            "body-0-value": json.dumps(
                {
                    "blocks": [
                        {
                            "key": "a1",
                            "text": "春节期间营业时间调整。",
                            "type": "unstyled",
                            "depth": 0,
                            "inlineStyleRanges": [],
                            "entityRanges": [],
                        }
                    ],
                    "entityMap": {},
                }
            ),
            "body-0-deleted": "",
            "body-0-order": "0",
            "body-0-id": "",
            "action-publish": "publish",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    # Then the page is published, with a pinyin slug unique among its siblings
    assert response.status_code == 302, response.content.decode()[:3000]
    page = home_page.get_children().get(title="网点营业时间调整")
    assert page.live
    assert page.slug == "wang-dian-ying-ye-shi-jian-tiao-zheng-2"


def test_an_editors_own_slug_is_still_checked(home_page, admin_client):
    StandardPageFactory(parent=home_page, title="关于", slug="about")
    home_page.refresh_from_db()
    response = admin_client.post(
        f"/admin/pages/add/portal/standardpage/{home_page.pk}/",
        {"title": "关于我们", "slug": "about", "body-count": "0", "action-publish": "publish"},
    )
    assert response.status_code == 200
    assert "about" in str(response.context["form"].errors["slug"])
