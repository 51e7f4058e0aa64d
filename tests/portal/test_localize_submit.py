"""wagtail-localize's translate form ticks the only language on offer (issue 12, editor's walk).

With Chinese and English on the site, a Chinese page can go to English only; the form listed
English unticked and an editor who pressed 提交 got 此字段是必填项。 first.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale

from portal.models import StandardPage


def _admin() -> Client:
    user = get_user_model().objects.create_superuser("fanyi", password="x")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def page(home_page):
    page = StandardPage(title="网点营业时间调整通知")
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def _checked(html: str) -> list[str]:
    return [
        tag
        for tag in re.findall(r"<input[^>]*name=\"locales\"[^>]*>", html)
        if re.search(r"\bchecked\b", tag)
    ]


@pytest.mark.django_db
def test_the_only_language_on_offer_is_ticked(page):
    english = Locale.objects.get_or_create(language_code="en")[0]
    url = reverse("wagtail_localize:submit_page_translation", args=[page.id])
    response = _admin().get(url)
    assert response.status_code == 200
    html = response.content.decode()
    checked = _checked(html)
    assert len(checked) == 1
    assert f'value="{english.pk}"' in checked[0]


@pytest.mark.django_db
def test_several_languages_stay_unticked(page):
    Locale.objects.get_or_create(language_code="en")
    Locale.objects.get_or_create(language_code="zh-hant")
    url = reverse("wagtail_localize:submit_page_translation", args=[page.id])
    response = _admin().get(url)
    assert response.status_code == 200
    assert _checked(response.content.decode()) == []


@pytest.mark.django_db
def test_a_posted_choice_is_not_overridden(page):
    Locale.objects.get_or_create(language_code="en")
    url = reverse("wagtail_localize:submit_page_translation", args=[page.id])
    response = _admin().post(url, {"locales": []})
    assert response.status_code == 200  # the form again, with its error: nothing ticked for them
    assert _checked(response.content.decode()) == []


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(page):
    url = reverse("wagtail_localize:submit_page_translation", args=[page.id])
    response = Client().get(url)
    assert response.status_code == 302
