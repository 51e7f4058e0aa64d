"""The preview as a visitor can include a campaign that is not live yet (issue 12, marketer walk:
a marketer who submitted a campaign, or the reviewer reviewing it, could not see how it would be
decided). It is read from its latest revision into a throwaway snapshot; the live one is untouched.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from targeting.models import CampaignCreative
from targeting.snapshot import get_snapshot
from tests.targeting.factories import (
    CampaignFactory,
    CreativeFactory,
    PlacementFactory,
    UserFactory,
    live_campaign,
    publish,
)


@pytest.fixture
def hero(db):
    placement = PlacementFactory(slug="home-hero", name="首页头图")
    live_campaign(placement, slug="spring-loan", name="春季贷款", priority=1)
    creative = publish(CreativeFactory())
    draft = CampaignFactory.build(
        slug="year-end-wealth", name="年末理财推广", priority=10, live=False
    )
    draft.placements = [placement]
    draft.campaign_creatives = [CampaignCreative(creative=creative, weight=1)]
    draft.save()
    draft.save_revision()
    return draft


def _preview(user, **params):
    client = Client()
    client.force_login(user)
    return client.get(
        reverse("targeting_preview"),
        {"run": "1", "device": "iphone-safari", **params},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )


def _reasons(response) -> str:
    html = response.content.decode()
    return html.split('class="targeting-preview__reasons"', 1)[1].split("</ul>", 1)[0]


@pytest.mark.parametrize("role", ["marketer", "reviewer"])
def test_a_campaign_not_live_is_previewed_marked_and_the_live_snapshot_untouched(
    hero, role, request
):
    user = request.getfixturevalue(role)
    before = get_snapshot()
    assert "年末理财推广" not in _reasons(_preview(user))

    response = _preview(user, campaign=str(hero.pk))
    assert response.status_code == 200
    reasons = _reasons(response)
    assert "年末理财推广（未上线） <small><code>year-end-wealth</code></small>：已选中" in reasons
    assert "优先级低于 年末理财推广（未上线）" in reasons
    assert "访客看不到" in response.content.decode()

    after = get_snapshot()
    assert after.version == before.version
    assert "year-end-wealth" not in after.engine.campaigns
    hero.refresh_from_db()
    assert not hero.live


def test_including_a_campaign_needs_the_campaign_permission(hero, outsider):
    viewer = UserFactory(username="viewer")
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_segment"),
    )
    assert _preview(viewer).status_code == 200
    for user in (viewer, outsider):
        response = _preview(user, campaign=str(hero.pk))
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/")


@pytest.mark.parametrize("value", ["", "abc", "1\x00", "-1", "1.5", "99999999999", "2147483648"])
def test_a_bad_campaign_id_is_a_400_naming_the_field(hero, marketer, value):
    response = _preview(marketer, campaign=value)
    assert response.status_code == 400
    assert "campaign" in response.content.decode()


def test_an_unknown_campaign_is_a_404(hero, marketer):
    assert _preview(marketer, campaign="2147483647").status_code == 404


def test_the_campaign_listing_offers_to_preview_each_campaign(hero, marketer):
    client = Client()
    client.force_login(marketer)
    response = client.get(
        reverse("wagtailsnippets_targeting_campaign:list"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{reverse('targeting_preview')}?campaign={hero.pk}" in html
    assert "预览此活动" in html


def test_a_campaign_awaiting_approval_is_said_to_be(hero, marketer, reviewer):
    hero.get_workflow().start(hero, marketer)
    response = _preview(reviewer, campaign=str(hero.pk))
    assert response.status_code == 200
    assert "已包括待审批的营销活动 年末理财推广" in response.content.decode()
    assert "年末理财推广（未上线）" in _reasons(response)
