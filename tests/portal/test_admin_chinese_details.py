"""Small pieces of Wagtail's admin that printed English to a zh-hans user (issue 12 item 5)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Collection, Page

from targeting.templatetags.explain_tags import attribute_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    user = get_user_model().objects.create_user("zh-admin", password="x" * 12, is_superuser=True)
    client.force_login(user)
    return client


def test_dashboard_search_button_is_chinese(admin_client: Client) -> None:
    html = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'value="搜索"' in html
    assert 'value="Search"' not in html


def test_users_listing_says_yes_not_true(admin_client: Client) -> None:
    html = admin_client.get("/admin/users/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    # the active column of the signed-in user
    assert "是" in html
    assert ">\n            True" not in html and "True" not in html.split("<tbody>", 1)[-1]


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("device.type", "mobile", "手机"),
        ("device.in_app", "none", "普通浏览器"),
        ("source.search_engine", "baidu", "百度"),
        ("device.os", "ios", "iOS"),
        ("device.browser", "safari", "Safari"),
        ("device.type", ["mobile", "tablet"], "手机、平板电脑"),
        ("geo.city", "成都", "成都"),
    ],
)
def test_preview_attribute_values_use_the_catalogue_labels(
    name: str, value: object, shown: str
) -> None:
    with translation.override("zh-hans"):
        assert attribute_value(value, name) == shown


def test_sites_listing_headings_are_chinese(admin_client: Client) -> None:
    html = admin_client.get("/admin/sites/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for heading in ("端口", "站点名称", "根页面"):
        assert heading in html
    assert "Site name" not in html


def test_root_page_and_collection_are_named_in_chinese(admin_client: Client) -> None:
    assert Page.get_first_root_node().title == "根目录"
    assert Collection.get_first_root_node().name == "全部收藏集"


def test_workflow_form_labels_are_chinese(admin_client: Client) -> None:
    html = admin_client.get(
        "/admin/workflows/add/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "内容类型" in html
    assert "Content types" not in html


def test_default_permission_names_print_in_chinese() -> None:
    permission = Permission(name="Can add campaign")
    with translation.override("zh-hans"):
        assert str(permission.name).startswith("可添加")
        assert "campaign" not in str(permission.name)
    # stored and compared as Django wrote it
    assert permission.name == "Can add campaign"


def visible_text(html: str) -> str:
    """The page's text without scripts, styles and tags' attributes."""
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_permissions_the_migrations_named_by_code_name_are_renamed() -> None:
    # Given the permissions two data migrations created before Django did ("lock offer")
    names = dict(
        Permission.objects.filter(
            codename__in=[
                "lock_offer",
                "publish_trigger",
                "view_pushmessage",
                "requeue_pushmessage",
                "change_lead",
                "publish_campaign",
                "unlock_campaign",
            ]
        ).values_list("codename", "name")
    )
    # Then they carry the names Django and Wagtail give such permissions
    assert names == {
        "lock_offer": "Can lock offer",
        "publish_trigger": "Can publish trigger",
        "view_pushmessage": "Can view push message",
        "requeue_pushmessage": "Can re-queue dead-letter push messages",
        "change_lead": "Can change lead",
        "publish_campaign": "Can publish campaign",
        "unlock_campaign": "Can unlock campaign",
    }
    assert not Permission.objects.exclude(name__startswith="Can ").filter(
        content_type__app_label__in=["targeting", "push"]
    )


def test_group_form_names_custom_permissions_and_wagtails_models_in_chinese(
    admin_client: Client,
) -> None:
    # Given the marketers' group, which may lock offers and publish triggers
    group = Group.objects.get(name="Marketers")

    # When an administrator opens its permissions
    html = admin_client.get(
        f"/admin/groups/edit/{group.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    # Then custom permissions and the models of Wagtail and wagtail-localize read in Chinese
    text = visible_text(html)
    for chinese in (
        "可以锁定",
        "可以解锁",
        "可以发布",
        "可重新发送死信推送消息",
        "语言区域",
        "翻译",
    ):
        assert chinese in text, chinese
    for english in ("lock", "requeue", "pushmessage", "Locale", "Translation"):
        assert not re.search(rf"\b{english}\b", text), english


def test_aging_pages_report_shows_a_dash_for_a_page_nobody_published(
    admin_client: Client, home_page
) -> None:
    # Given a page published without a user (a seed, a scheduled publish)
    home_page.save_revision().publish(user=None)

    # When the aging pages report lists it
    html = admin_client.get(
        reverse("wagtailadmin_reports:aging_pages"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    # Then its last publisher is a dash, not Python's None
    assert home_page.title in html
    assert "None" not in visible_text(html)
    assert "—" in visible_text(html)


def test_side_panel_counter_and_page_search_count_print_no_none(
    admin_client: Client, home_page
) -> None:
    # Given the page explorer (a side panel without a form) and the page search (no page type)
    explorer = admin_client.get(
        f"/admin/pages/{home_page.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    search = admin_client.get("/admin/pages/search/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    # Then neither prints None, and the search counts its results as pages in Chinese
    assert "None" not in visible_text(explorer)
    text = visible_text(search.content.decode())
    assert "None" not in text
    assert re.search(r"共 \d+ 个页面", text), text[:2000]


def test_site_settings_form_labels_are_chinese(admin_client: Client, home_page) -> None:
    html = admin_client.get(
        "/admin/settings/portal/sitesettings/", HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True
    ).content.decode()
    for label in ("标志", "导航", "页脚栏目", "社交媒体链接"):
        assert label in html, label
    assert not re.search(r">\s*(Logo|Footer columns|Social links)\s*<", html)
