"""Wagtail's messages on the page editor reach a zh-hans editor in Chinese (issue 12): strings
missing from Wagtail 8.0's own zh_Hans catalogues, in our django.po and djangojs.po."""

import json

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_a_page_that_cannot_be_created_says_so_in_chinese(home_page, admin_client):
    # Given a zh-hans editor who publishes a page without a title
    response = admin_client.post(
        f"/admin/pages/add/portal/standardpage/{home_page.pk}/",
        {"title": "", "slug": "", "body-count": "0", "action-publish": "publish"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    # Then the message above the form is Chinese
    html = response.content.decode()
    assert response.status_code == 200
    assert "页面有校验错误，未能创建。" in html
    assert "could not be created" not in html


def test_the_autosave_error_is_chinese():
    with translation.override("zh-hans"):
        text = translation.gettext("There are validation errors, click save to highlight them.")
    assert text == "有校验错误，请点击保存以标出错误之处。"


def test_the_admins_javascript_catalogue_carries_our_autosave_strings(admin_client):
    # Wagtail's admin JavaScript reads its strings from this catalogue
    response = admin_client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = response.content.decode()
    assert response.status_code == 200
    # The catalogue is JSON with non-ASCII escaped (\\uXXXX)
    assert json.dumps("正在自动保存…")[1:-1] in body
    assert json.dumps("更改已自动保存。")[1:-1] in body


def test_the_editors_autosave_warning_is_chinese(home_page, admin_client):
    # The footer warning shown when autosave stops on validation errors
    response = admin_client.get(
        f"/admin/pages/add/portal/standardpage/{home_page.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    html = response.content.decode()
    assert "Autosave is <span>paused</span>" not in html
    assert "自动保存<span>已暂停</span>" in html
