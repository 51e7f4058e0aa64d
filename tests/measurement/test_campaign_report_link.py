"""A campaign's report is one click from the campaign (issue 12, the marketer's walk).

The walk found the report only under Reports → Campaign performance: a marketer looking at the
campaign listing had no way from a campaign to its figures.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from tests.targeting.factories import CampaignFactory, UserFactory

LISTING = "wagtailsnippets_targeting_campaign:list"


def _client_of(group: str | None) -> Client:
    user = UserFactory(username=f"user-{group or 'none'}".replace(" ", "-"))
    if group:
        user.groups.add(Group.objects.get(name=group))
    else:
        from django.contrib.auth.models import Permission

        user.user_permissions.add(
            Permission.objects.get(codename="access_admin"),
            Permission.objects.get(codename="view_campaign"),
        )
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("group", ["Marketers", "Compliance reviewers"])
def test_the_campaign_listing_links_each_campaign_to_its_report(group):
    campaign = CampaignFactory(slug="year-end-wealth", name="年末理财推广")
    client = _client_of(group)
    html = client.get(reverse(LISTING), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    report = reverse("measurement_campaign", args=[campaign.slug])
    assert f'href="{report}"' in html
    assert "效果报告" in html
    assert client.get(report).status_code == 200


@pytest.mark.django_db
def test_no_report_link_without_the_report_permission():
    campaign = CampaignFactory(slug="year-end-wealth")
    client = _client_of(None)
    response = client.get(reverse(LISTING))
    assert response.status_code == 200
    report = reverse("measurement_campaign", args=[campaign.slug])
    assert report not in response.content.decode()
    assert client.get(report).status_code in (302, 403)


@pytest.mark.django_db
def test_a_slug_the_url_cannot_hold_leaves_the_link_out():
    """A slug written outside the form (a script) must not break the listing."""
    CampaignFactory(slug="bad slug/..")
    response = _client_of("Marketers").get(reverse(LISTING))
    assert response.status_code == 200
