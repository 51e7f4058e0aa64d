"""The staff sign-in page in Chinese (issue 12, the marketer's walk: 用户名 above, Password below)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_the_admin_sign_in_labels_are_chinese(client):
    html = client.get(reverse("wagtailadmin_login"), HTTP_ACCEPT_LANGUAGE="zh-hans").content
    labels = re.findall(r"<label[^>]*>\s*([^<]*)", html.decode())
    assert "密码" in [label.strip() for label in labels]
    assert "Password" not in html.decode()
