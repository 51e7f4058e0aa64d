"""The customers' sign-in and sign-up forms read well (issue 12 item 4)."""

import re

import pytest
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db


def main_of(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>")[0]


def test_sign_in_labels_placeholder_checkbox_and_forgotten_password(home_page):
    with translation.override("zh-hans"):
        html = main_of(
            Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        )
    # One clear label, no bare asterisk, an example as placeholder (not the label again)
    login_label = re.search(r'<label for="id_login">(.*?)</label>', html, re.S).group(1)
    assert "*" not in login_label and "用户名或电子邮箱" in login_label
    assert 'placeholder="例如 zhangwei 或 name@example.com"' in html
    # The checkbox comes first, its label right after it, in one row
    assert re.search(
        r'<div class="form-choice">\s*<input type="checkbox" name="remember" id="id_remember"[^>]*>\s*'
        r'<label for="id_remember">',
        html,
    )
    # 忘记密码？ comes after the password input, not between its label and the input
    password_input = html.index('id="id_password"')
    assert (
        html.index('<label for="id_password">')
        < password_input
        < html.index("/accounts/password/reset/")
    )


def test_sign_up_has_examples_and_marks_nothing_with_a_star(home_page):
    with translation.override("en"):
        html = main_of(
            Client().get("/en/accounts/signup/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        )
    assert 'placeholder="name@example.com"' in html
    assert 'aria-hidden="true">*' not in html
    assert "Password again" in html


def test_field_errors_use_chinese_punctuation(home_page):
    response = Client().post(
        "/accounts/login/", {"login": "", "password": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    html = main_of(response.content.decode())
    error = re.search(r'<p class="field__error" id="id_login_error">(.*?)</p>', html).group(1)
    assert error.startswith("用户名或电子邮箱：")
