"""Wagtail's chooser locale filter is labelled in Chinese (issue 12, the marketer's walk)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale

from tests.targeting.factories import UserFactory


@pytest.mark.django_db
def test_the_creative_choosers_language_filter_speaks_chinese():
    Locale.objects.get_or_create(language_code="en")
    user = UserFactory(username="shichang")
    user.groups.add(Group.objects.get(name="Marketers"))
    client = Client()
    client.force_login(user)
    response = client.get(
        reverse("wagtailsnippetchoosers_targeting_creative:choose"),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    html = (
        response.json()["html"]
        if response["Content-Type"].startswith("application/json")
        else response.content.decode()
    )
    labels = [label.strip() for label in re.findall(r"<label[^>]*>\s*([^<]*)", html)]
    assert "区域" in labels
    assert "Locale" not in html
