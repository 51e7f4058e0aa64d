"""The campaign form's creative chooser opens on the default language (issue 12, marketer's walk).

Wagtail's snippet chooser listed every language, the English translation first, so a Chinese
marketer picked an English creative for a Chinese campaign. It opens on the default locale
(Chinese); its language filter still offers the others and 全部.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale

from tests.targeting.factories import CreativeFactory

CHOOSE = "wagtailsnippetchoosers_targeting_creative:choose"
RESULTS = "wagtailsnippetchoosers_targeting_creative:choose_results"


@pytest.fixture
def creatives(db):
    english = Locale.objects.get_or_create(language_code="en")[0]
    en = CreativeFactory(name="Spring savings (English)", locale=english)
    zh = CreativeFactory(name="春季储蓄", translation_key=en.translation_key)
    return en, zh


def _admin() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("shichang", password="x"))
    return client


def _html(client: Client, name: str, **params: str) -> str:
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.json()["html"] if name == CHOOSE else response.content.decode()


@pytest.mark.django_db
def test_the_chooser_opens_on_the_default_language(creatives):
    html = _html(_admin(), CHOOSE)
    assert "春季储蓄" in html
    assert "Spring savings (English)" not in html
    assert '<option value="zh-hans" selected>' in html


@pytest.mark.django_db
def test_results_without_a_language_keep_the_default(creatives):
    html = _html(_admin(), RESULTS)
    assert "春季储蓄" in html
    assert "Spring savings (English)" not in html


@pytest.mark.django_db
def test_a_chosen_language_or_all_is_kept(creatives):
    client = _admin()
    english = _html(client, RESULTS, locale="en")
    assert "Spring savings (English)" in english
    assert "春季储蓄" not in english
    everything = _html(client, RESULTS, locale="")
    assert "Spring savings (English)" in everything and "春季储蓄" in everything


@pytest.mark.django_db
def test_a_forged_language_lists_nothing_broken(creatives):
    client = _admin()
    for value in ("xx", "zh-hans\x00", "%" * 5000):
        response = client.get(reverse(RESULTS), {"locale": value})
        assert response.status_code == 200


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(creatives):
    response = Client().get(reverse(CHOOSE))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/")
