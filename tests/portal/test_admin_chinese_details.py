"""Small pieces of Wagtail's admin that printed English to a zh-hans user (issue 12 item 5)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
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
