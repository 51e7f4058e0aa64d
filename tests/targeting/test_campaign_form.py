"""The campaign form as a marketer meets it (issue 12, the marketer's walk in zh-hans).

Two stumbles of the walk: the placements' checkboxes listed every slot twice, once by its
English translation's name ("Home page hero" beside 首页头图), and the slug had to be typed by
hand: a Chinese one was refused with Django's message about letters, numbers and hyphens.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from targeting.models import Campaign, Placement
from tests.targeting.factories import CampaignFactory, CreativeFactory, PlacementFactory, publish

ADD_URL = "wagtailsnippets_targeting_campaign:add"


@pytest.fixture
def english_placement(db):
    """A slot (default language) and its English translation, as the demo seeds them."""
    slot = PlacementFactory(slug="home-hero", name="首页头图")
    english, _ = Locale.objects.get_or_create(language_code="en")
    translated = slot.copy_for_translation(english)
    translated.name = "Home page hero"
    translated.save()
    return slot


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post_data(client: Client, **values: Any) -> dict[str, Any]:
    """What the add form would post: its initial values, one creative, then ``values``."""
    form = client.get(reverse(ADD_URL), HTTP_ACCEPT_LANGUAGE="zh-hans").context["form"]
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value not in (None, [], ""):
            data[name] = value
    prefix = "campaign_creatives"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "1",
            f"{prefix}-MAX_NUM_FORMS": "1000",
            f"{prefix}-0-creative": publish(CreativeFactory()).pk,
            f"{prefix}-0-weight": "1",
            f"{prefix}-0-ORDER": "1",
            f"{prefix}-0-id": "",
            f"{prefix}-0-DELETE": "",
        }
    )
    data.update(values)
    return data


def test_the_placements_are_the_slots_not_their_translations(marketer, english_placement):
    with translation.override("zh-hans"):
        response = _client(marketer).get(reverse(ADD_URL), HTTP_ACCEPT_LANGUAGE="zh-hans")
    form = response.context["form"]
    assert list(form.fields["placements"].queryset) == [english_placement]
    html = response.content.decode()
    assert "首页头图" in html
    assert "Home page hero" not in html


@pytest.mark.parametrize(
    ("name", "slug", "expected"),
    [
        ("年末理财推广", "", "nian-mo-li-cai-tui-guang"),  # left empty: made from the name
        ("年末理财推广", "年末理财", "nian-mo-li-cai"),  # typed in Chinese: pinyin
        ("Spring offer 2027", "", "spring-offer-2027"),
        ("！！！", "", "campaign"),  # nothing to make a slug of
        ("理财" * 60, "", "li-cai-" * 11 + "li"),  # cut to the field's 80 characters
    ],
)
def test_the_slug_is_made_from_the_name_in_pinyin(
    marketer, english_placement, name, slug, expected
):
    client = _client(marketer)
    data = _post_data(client, name=name, slug=slug, placements=[english_placement.pk])
    response = client.post(reverse(ADD_URL), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 302, response.context["form"].errors
    campaign = Campaign.objects.get(name=name)
    assert campaign.slug == expected
    assert len(campaign.slug) <= 80


def test_a_made_slug_does_not_take_another_campaigns(marketer, english_placement):
    CampaignFactory(slug="nian-mo-li-cai-tui-guang", name="去年的活动")
    client = _client(marketer)
    data = _post_data(client, name="年末理财推广", slug="", placements=[english_placement.pk])
    assert client.post(reverse(ADD_URL), data).status_code == 302
    assert Campaign.objects.get(name="年末理财推广").slug == "nian-mo-li-cai-tui-guang-2"


def test_a_typed_ascii_slug_that_is_taken_is_still_refused(marketer, english_placement):
    """Only a slug the form made is moved aside; one the marketer typed is theirs to change."""
    CampaignFactory(slug="spring", name="春季")
    client = _client(marketer)
    data = _post_data(client, name="新活动", slug="spring", placements=[english_placement.pk])
    response = client.post(reverse(ADD_URL), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors


def test_a_nul_in_the_slug_is_refused_not_turned_into_pinyin(marketer, english_placement):
    client = _client(marketer)
    data = _post_data(client, name="活动", slug="a\x00b", placements=[english_placement.pk])
    response = client.post(reverse(ADD_URL), data)
    assert response.status_code == 200
    assert not Campaign.objects.filter(name="活动").exists()


def test_the_form_still_needs_the_marketing_permission(outsider, english_placement):
    response = _client(outsider).get(reverse(ADD_URL))
    assert response.status_code == 302
    assert Placement.objects.count() == 2
