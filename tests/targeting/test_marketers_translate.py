"""A marketer translates their own creative into English (issue 12, the marketer's walk)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale

from tests.targeting.factories import CreativeFactory, publish


@pytest.fixture
def english(db):
    return Locale.objects.get_or_create(language_code="en")[0]


def test_marketers_may_submit_translations(marketer, reviewer):
    assert marketer.has_perm("wagtail_localize.submit_translation")
    assert not reviewer.has_perm("wagtail_localize.submit_translation")


def test_a_marketer_finds_translate_on_a_creative_and_may_open_it(marketer, english):
    creative = publish(CreativeFactory(name="年末理财推广-创意"))
    client = Client()
    client.force_login(marketer)
    url = reverse(
        "wagtail_localize:submit_snippet_translation",
        args=["targeting", "creative", creative.pk],
    )
    listing = client.get(reverse("wagtailsnippets_targeting_creative:list"))
    assert url in listing.content.decode()
    assert client.get(url).status_code == 200


def test_someone_without_it_is_still_turned_away(outsider, english):
    creative = publish(CreativeFactory())
    client = Client()
    client.force_login(outsider)
    url = reverse(
        "wagtail_localize:submit_snippet_translation",
        args=["targeting", "creative", creative.pk],
    )
    assert client.get(url).status_code in (302, 403)
