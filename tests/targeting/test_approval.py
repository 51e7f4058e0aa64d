"""A live campaign shows exactly what compliance approved, even after its creative is edited."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import rich_text

from targeting import approval, snapshot
from targeting.models import Campaign, CampaignCreative, Creative
from targeting.snapshot import get_snapshot
from tests.targeting.factories import (
    CampaignFactory,
    CreativeFactory,
    PlacementFactory,
    live_campaign,
    publish,
)

DECIDE = "/api/v1/decide"


@pytest.fixture
def approved_campaign(db, django_capture_on_commit_callbacks):
    """A live, approved campaign showing "Spring offer" in the home hero to everyone."""
    with django_capture_on_commit_callbacks(execute=True):
        creative = publish(
            CreativeFactory(headline="Spring offer", cta_label="Apply", cta_url="/products/")
        )
        campaign = live_campaign(PlacementFactory(slug="home-hero"), creative, slug="spring")
    return campaign


def creative_form(creative: Creative, **changes: str) -> dict[str, str]:
    data = {
        "name": creative.name,
        "headline": creative.headline,
        "body": rich_text(creative.body),
        "alt_text": creative.alt_text,
        "cta_label": creative.cta_label,
        "cta_url": creative.cta_url,
        "action-publish": "action-publish",
    }
    data.update(changes)
    return data


def shown_headline(client) -> str | None:
    creative = client.get(DECIDE, {"placement": "home-hero"}).json()["creative"]
    return creative["headline"] if creative else None


def approve(campaign: Campaign, reviewer) -> None:
    campaign.refresh_from_db()
    task_state = campaign.current_workflow_task_state
    task_state.task.specific.on_action(task_state, reviewer, "approve")


@pytest.mark.django_db
def test_a_creative_published_after_approval_waits_for_compliance(
    approved_campaign, client, marketer, reviewer, django_capture_on_commit_callbacks, settings
):
    settings.TARGETING_LINK_HOSTS = ["elsewhere.example"]  # a partner site compliance allows
    creative = approved_campaign.campaign_creatives.get().creative
    assert shown_headline(client) == "Spring offer"

    # Given a marketer who edits the live campaign's creative and publishes it, with a new
    # headline and an outside link
    client.force_login(marketer)
    url = reverse("wagtailsnippets_targeting_creative:edit", args=[creative.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            creative_form(creative, headline="Win a car", cta_url="https://elsewhere.example/"),
            HTTP_ACCEPT_LANGUAGE="zh-hans",
            follow=True,
        )
    creative.refresh_from_db()
    assert creative.live and creative.headline == "Win a car"  # the creative itself is published

    # Then the site still shows what compliance approved
    client.logout()
    assert shown_headline(client) == "Spring offer"
    payload = get_snapshot().engine.creatives["spring"][0].payload
    assert payload["cta_url"] == "/products/"
    # and the marketer is told (in the admin's language) that the change waits for approval,
    # which it now does
    assert (
        f"营销活动“{approved_campaign.name}”继续展示经合规审批的创意版本。"
        "此次修改已提交合规审批，审批通过后才会展示。"
    ) in response.content.decode()
    approved_campaign.refresh_from_db()
    assert approved_campaign.status == Campaign.STATUS_AWAITING
    assert approved_campaign.live

    # When compliance approves the campaign
    with django_capture_on_commit_callbacks(execute=True):
        approve(approved_campaign, reviewer)

    # Then the new content is live
    assert shown_headline(client) == "Win a car"
    payload = get_snapshot().engine.creatives["spring"][0].payload
    assert payload["cta_url"] == "https://elsewhere.example/"


@pytest.mark.django_db
def test_the_marketer_is_told_in_english_when_the_admin_speaks_english(
    approved_campaign, client, marketer
):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(marketer)
    profile.preferred_language = "en"
    profile.save()
    creative = approved_campaign.campaign_creatives.get().creative
    client.force_login(marketer)
    url = reverse("wagtailsnippets_targeting_creative:edit", args=[creative.pk])

    response = client.post(url, creative_form(creative, headline="New"), follow=True)

    assert (
        f"Campaign “{approved_campaign.name}” keeps showing the approved version of this "
        "creative. The change has been sent to compliance and shows once they approve it."
    ) in response.content.decode()


@pytest.mark.django_db
def test_a_campaign_with_its_own_draft_is_not_submitted_for_the_marketer(
    approved_campaign, client, marketer
):
    # Given a live campaign with unsubmitted changes of its own
    approved_campaign.description = "Draft note"
    approved_campaign.save_revision(user=marketer)
    creative = approved_campaign.campaign_creatives.get().creative
    creative.headline = "Changed"
    publish(creative)

    # When the creative's publication is handled
    outcomes = approval.creative_published(creative, marketer)

    # Then the campaign is named but left for a marketer to submit
    assert [(c.pk, o) for c, o in outcomes] == [(approved_campaign.pk, approval.NEEDS_SUBMISSION)]
    approved_campaign.refresh_from_db()
    assert approved_campaign.current_workflow_state is None


@pytest.mark.django_db
def test_a_creative_not_published_at_approval_is_not_shown_when_published_later(
    client, reviewer, django_capture_on_commit_callbacks
):
    # Given a campaign approved while its creative was only a draft
    creative = CreativeFactory(headline="Not yet", live=False)
    creative.save_revision()
    campaign = CampaignFactory.build(slug="later")
    campaign.placements = [PlacementFactory(slug="home-hero")]
    campaign.campaign_creatives = [CampaignCreative(creative=creative, weight=1)]
    campaign.save()
    with django_capture_on_commit_callbacks(execute=True):
        publish(campaign)
        # When the marketer publishes the creative afterwards
        publish(creative)

    # Then nothing unapproved shows
    assert shown_headline(client) is None


@pytest.mark.django_db
def test_scheduled_publishing_shows_the_content_approved_earlier(
    db, reviewer, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    # Given a campaign approved to go live in an hour
    creative = publish(CreativeFactory(headline="Approved"))
    campaign = CampaignFactory.build(slug="later")
    campaign.placements = [PlacementFactory(slug="home-hero")]
    campaign.campaign_creatives = [CampaignCreative(creative=creative, weight=1)]
    campaign.go_live_at = timezone.now() + timedelta(hours=1)
    campaign.save()
    revision = campaign.save_revision()
    revision.publish()
    campaign.refresh_from_db()
    assert not campaign.live
    # and its creative edited and published before then
    creative.headline = "Edited later"
    publish(creative)

    # When the hour has passed (moved back here) and the scheduler publishes it
    revision.refresh_from_db()
    past = timezone.now() - timedelta(minutes=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled")

    # Then it shows what was approved
    campaign.refresh_from_db()
    assert campaign.live
    assert get_snapshot().engine.creatives["later"][0].payload["headline"] == "Approved"


@pytest.mark.django_db
def test_the_data_migration_pins_what_live_campaigns_show_today(approved_campaign):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("targeting.migrations.0005_campaign_creatives_pinned_at_approval")
    # Given a live campaign from before pinning (its row has no approved copy)
    CampaignCreative.objects.update(approved_content=None)
    snapshot.reset()
    assert "spring" not in get_snapshot().engine.creatives
    snapshot.reset()

    # When the migration's data step runs
    migration.pin_what_shows_today(apps, None)

    # Then it shows the same creative content as before
    assert get_snapshot().engine.creatives["spring"][0].payload["headline"] == "Spring offer"


@pytest.mark.django_db
def test_a_script_that_reached_a_creative_row_never_reaches_the_page(client):
    # Given a creative whose stored text holds markup its editor cannot produce (written
    # directly, not through the admin or the API), in a live campaign
    creative = CreativeFactory(
        headline="Offer",
        body='<p onclick="steal()">Hi<script>steal()</script>'
        '<a href="javascript:steal()">x</a><img src="x" onerror="steal()"></p>',
    )
    creative.save_revision(clean=False).publish()
    creative.refresh_from_db()
    live_campaign(PlacementFactory(slug="home-hero"), creative, slug="raw")

    # When the slot is decided
    html = client.get(DECIDE, {"placement": "home-hero"}).json()["creative"]["html"]

    # Then the text shows without the script, the handlers or the javascript: link
    assert "Hi" in html
    assert "steal()" not in html
    assert "javascript:" not in html


@pytest.fixture
def campaign_in_review(db, marketer):
    """A new campaign showing "Autumn offer", submitted to compliance and not yet approved."""
    creative = publish(CreativeFactory(headline="Autumn offer", cta_url="/products/"))
    campaign = CampaignFactory.build(slug="autumn", live=False)
    campaign.placements = [PlacementFactory(slug="home-hero")]
    campaign.campaign_creatives = [CampaignCreative(creative=creative, weight=1)]
    campaign.save()
    campaign.save_revision(user=marketer)
    campaign.get_workflow().start(campaign, marketer)
    campaign.refresh_from_db()
    return campaign


@pytest.mark.django_db
def test_a_creative_changed_during_review_restarts_the_review(
    campaign_in_review, client, marketer, reviewer, django_capture_on_commit_callbacks
):
    # Given a campaign under review, and the task the reviewer has open
    first_state = campaign_in_review.current_workflow_state
    creative = campaign_in_review.campaign_creatives.get().creative

    # When a marketer publishes a new headline for its creative while the review is open
    creative.headline = "Win a car"
    publish(creative)
    outcomes = approval.creative_published(creative, marketer)

    # Then the open review is cancelled and a new one opened after the change
    assert [(c.pk, o) for c, o in outcomes] == [(campaign_in_review.pk, approval.RESTARTED)]
    first_state.refresh_from_db()
    assert first_state.status == first_state.STATUS_CANCELLED
    campaign_in_review.refresh_from_db()
    second_state = campaign_in_review.current_workflow_state
    assert second_state.pk != first_state.pk
    assert second_state.status == second_state.STATUS_IN_PROGRESS

    # And the reviewer's approval of that new task shows the content it was opened on
    with django_capture_on_commit_callbacks(execute=True):
        approve(campaign_in_review, reviewer)
    snapshot.bump_version()
    assert shown_headline(client) == "Win a car"


@pytest.mark.django_db
def test_a_review_whose_campaign_has_a_newer_draft_is_cancelled_not_restarted(
    campaign_in_review, marketer
):
    # Given a campaign under review with a newer draft saved since it was submitted
    campaign_in_review.description = "Unfinished idea"
    campaign_in_review.save_revision(user=marketer)
    creative = campaign_in_review.campaign_creatives.get().creative

    # When its creative is published with new content
    creative.headline = "Changed"
    publish(creative)
    outcomes = approval.creative_published(creative, marketer)

    # Then the review is stopped and the marketer must submit the campaign again
    assert [(c.pk, o) for c, o in outcomes] == [(campaign_in_review.pk, approval.NEEDS_SUBMISSION)]
    campaign_in_review.refresh_from_db()
    assert campaign_in_review.current_workflow_state is None
