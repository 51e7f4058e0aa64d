"""What a live campaign shows is exactly what compliance approved.

A campaign goes live when a compliance reviewer approves it: Wagtail's workflow publishes the
approved revision, and ``Campaign.publish`` first calls ``pin_creatives``, which copies each of its
creatives' published content into that revision (and so into ``CampaignCreative.approved_content``
when the revision goes live). The snapshot serves only that copy. A marketer may still edit and
publish a creative (campaigns not yet submitted use it), but a live campaign keeps showing the
approved copy until it is approved again: ``creative_published`` sends such campaigns to
compliance, and the admin tells the marketer.

Pinning happens at approval, also for a campaign approved to go live later: the scheduled
publishing of that revision keeps the content pinned when the reviewer approved it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

if TYPE_CHECKING:
    from targeting.models import Campaign, CampaignCreative, Creative

#: The fields of a creative a visitor sees; a change to any other (its admin name) needs no review.
CONTENT_FIELDS = (
    "headline",
    "body",
    "image",
    "mobile_image",
    "alt_text",
    "cta_label",
    "cta_page",
    "cta_url",
)

#: What ``submit_for_approval`` did with a campaign whose creative changed.
SUBMITTED = "submitted"
IN_REVIEW = "in_review"
NEEDS_SUBMISSION = "needs_submission"


def approval_copy(creative: Creative) -> dict[str, Any]:
    """The creative's current row as revision data, made JSON-safe (dates as ISO strings)."""
    return json.loads(json.dumps(creative.serializable_data(), cls=DjangoJSONEncoder))


def pin_creatives(revision: Any) -> None:
    """Write each creative's published content into a campaign revision about to be published.

    A creative that is not published at that moment is pinned as ``None`` and not shown. The
    scheduled publishing of a revision approved earlier (``approved_go_live_at`` has passed)
    keeps what was pinned at approval.
    """
    from targeting.models import Creative

    go_live = revision.approved_go_live_at
    if go_live is not None and go_live <= timezone.now():
        return
    rows = revision.content.get("campaign_creatives") or []
    live = {
        creative.pk: creative
        for creative in Creative.objects.filter(
            pk__in=[row.get("creative") for row in rows], live=True
        )
    }
    for row in rows:
        creative = live.get(row.get("creative"))
        row["approved_content"] = approval_copy(creative) if creative is not None else None
    if revision.pk is not None:
        revision.save(update_fields=["content"])


def approved_creative(link: CampaignCreative) -> Creative | None:
    """The creative of a campaign row as compliance approved it, or None if nothing was."""
    if not link.approved_content:
        return None
    return link.creative.with_content_json(link.approved_content)


def shows_current_content(link: CampaignCreative, creative: Creative) -> bool:
    """Whether the approved copy of a campaign row matches the creative's published content."""
    if not link.approved_content:
        return False
    current = approval_copy(creative)
    return all(link.approved_content.get(f) == current.get(f) for f in CONTENT_FIELDS)


def creative_published(creative: Creative, user: Any) -> list[tuple[Campaign, str]]:
    """After a creative was published: the live campaigns still showing an older approved copy,
    each sent to compliance where it can be (``SUBMITTED``), already there (``IN_REVIEW``), or
    left for a marketer to submit because it holds changes of its own (``NEEDS_SUBMISSION``)."""
    from targeting.models import Campaign

    outcomes = []
    campaigns = (
        Campaign.objects.filter(live=True, campaign_creatives__creative=creative)
        .distinct()
        .order_by("name")
    )
    for campaign in campaigns:
        links = [
            link for link in campaign.campaign_creatives.all() if link.creative_id == creative.pk
        ]
        if all(shows_current_content(link, creative) for link in links):
            continue
        outcomes.append((campaign, submit_for_approval(campaign, user)))
    return outcomes


def submit_for_approval(campaign: Campaign, user: Any) -> str:
    """Send an unchanged live campaign to its approval workflow, as "Submit" in the admin does.

    A campaign with a workflow under way is left to it (approval pins the creatives then); one
    with unpublished changes, or sent back for changes, is not submitted on the marketer's behalf,
    since that would put someone's unfinished draft in front of compliance.
    """
    state = campaign.current_workflow_state
    if state is not None:
        return IN_REVIEW if state.status == state.STATUS_IN_PROGRESS else NEEDS_SUBMISSION
    workflow = campaign.get_workflow()
    if workflow is None or campaign.has_unpublished_changes:
        return NEEDS_SUBMISSION
    campaign.save_revision(user=user, clean=False)
    workflow.start(campaign, user)
    return SUBMITTED
