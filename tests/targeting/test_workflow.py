"""Campaigns go live only once a compliance reviewer approved them."""

from __future__ import annotations

import pytest

from targeting.models import Campaign, CampaignCreative
from tests.targeting.factories import CampaignFactory, CreativeFactory, PlacementFactory, publish


@pytest.fixture
def draft_campaign(db):
    creative = publish(CreativeFactory())
    campaign = CampaignFactory.build()
    campaign.placements = [PlacementFactory(slug="home-hero")]
    campaign.campaign_creatives = [CampaignCreative(creative=creative, weight=1)]
    campaign.live = False
    campaign.save()
    return campaign


def test_marketers_may_edit_but_not_publish_campaigns(marketer, reviewer):
    assert marketer.has_perm("targeting.change_campaign")
    assert not marketer.has_perm("targeting.publish_campaign")
    assert marketer.has_perm("targeting.publish_segment")
    assert reviewer.has_perm("targeting.publish_campaign")


def test_a_submitted_campaign_is_not_live_until_a_reviewer_approves(
    draft_campaign, marketer, reviewer
):
    # Given a marketer who submits a campaign for approval
    workflow = draft_campaign.get_workflow()
    assert workflow is not None and workflow.name == "Campaign approval"
    draft_campaign.save_revision(user=marketer)
    workflow.start(draft_campaign, marketer)
    draft_campaign.refresh_from_db()

    # Then it awaits approval and is not live
    assert not draft_campaign.live
    assert draft_campaign.status == Campaign.STATUS_AWAITING
    task_state = draft_campaign.current_workflow_task_state
    task = task_state.task.specific
    # and the marketer cannot approve it, the reviewer can
    assert "approve" not in [a[0] for a in task.get_actions(draft_campaign, marketer)]
    assert "approve" in [a[0] for a in task.get_actions(draft_campaign, reviewer)]

    # When the compliance reviewer approves
    task.on_action(task_state, reviewer, "approve")

    # Then the campaign is live
    draft_campaign.refresh_from_db()
    assert draft_campaign.live
    assert draft_campaign.status == Campaign.STATUS_LIVE


def test_a_rejected_campaign_stays_off_the_site(draft_campaign, marketer, reviewer):
    workflow = draft_campaign.get_workflow()
    draft_campaign.save_revision(user=marketer)
    workflow.start(draft_campaign, marketer)
    draft_campaign.refresh_from_db()
    task_state = draft_campaign.current_workflow_task_state

    task_state.task.specific.on_action(task_state, reviewer, "reject")

    draft_campaign.refresh_from_db()
    assert not draft_campaign.live
