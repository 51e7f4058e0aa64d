"""What a live campaign shows is exactly what compliance approved.

A campaign goes live when a compliance reviewer approves it: Wagtail's workflow publishes the
approved revision, and ``Campaign.publish`` first calls ``pin_creatives``, which copies each of its
creatives' published content into that revision (and so into ``CampaignCreative.approved_content``
when the revision goes live). The snapshot serves only that copy. A marketer may still edit and
publish a creative (campaigns not yet submitted use it), but a live campaign keeps showing the
approved copy until it is approved again: ``creative_published`` sends such campaigns to
compliance, and the admin tells the marketer.

Pinning happens at approval, also for a campaign approved to go live later: the scheduled
publishing of that revision keeps the content pinned when the reviewer approved it. So that a
reviewer never approves content that changed while the review was open, publishing a creative
used by a campaign under review (live or not) cancels that review and starts it again: the
approval that pins the new content is then given on a task opened after the change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from wagtail_localize.models import TranslationLog  # type: ignore[import-untyped]

from targeting.models import Campaign, Creative

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
RESTARTED = "restarted"
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
    translations = live_translations(live.values())
    for row in rows:
        creative = live.get(row.get("creative"))
        row["approved_content"] = approval_copy(creative) if creative is not None else None
        row["approved_translations"] = (
            {
                code: approval_copy(translation)
                for code, translation in translations.get(creative.translation_key, {}).items()
            }
            if creative is not None
            else None
        )
    if revision.pk is not None:
        revision.save(update_fields=["content"])


def live_translations(creatives: Iterable[Creative]) -> dict[Any, dict[str, Creative]]:
    """The live translations (other locales) of ``creatives``, by translation key and language
    code; one query."""
    creatives = list(creatives)
    if not creatives:
        return {}
    found: dict[Any, dict[str, Creative]] = {}
    rows = (
        Creative.objects.filter(
            translation_key__in={c.translation_key for c in creatives}, live=True
        )
        .exclude(pk__in=[c.pk for c in creatives])
        .select_related("locale")
    )
    for row in rows:
        found.setdefault(row.translation_key, {})[row.locale.language_code] = row
    return found


def approved_translations(link: CampaignCreative) -> dict[str, Creative]:
    """The creative's translations as compliance approved them with the campaign, by language
    code. Each is the campaign's creative (its id, so measurement counts one creative) carrying
    the translated content."""
    pinned = link.approved_translations
    if not link.approved_content or not isinstance(pinned, dict):
        return {}
    return {
        str(code): link.creative.with_content_json(content)
        for code, content in pinned.items()
        if isinstance(content, dict)
    }


def approved_creative(link: CampaignCreative) -> Creative | None:
    """The creative of a campaign row as compliance approved it, or None if nothing was."""
    if not link.approved_content:
        return None
    return link.creative.with_content_json(link.approved_content)


def shows_current_content(link: CampaignCreative, creative: Creative) -> bool:
    """Whether the approved copy of a campaign row matches the creative's published content
    (``creative`` may be a translation of the row's creative: then its approved translation)."""
    if not link.approved_content:
        return False
    approved: Any = link.approved_content
    if creative.pk != link.creative_id:
        approved = (link.approved_translations or {}).get(creative.locale.language_code)
        if not isinstance(approved, dict):
            return False
    current = approval_copy(creative)
    return all(approved.get(f) == current.get(f) for f in CONTENT_FIELDS)


def creative_published(creative: Creative, user: Any) -> list[tuple[Campaign, str]]:
    """After a creative was published: the campaigns whose approval it affects, each with what
    was done: sent to compliance (``SUBMITTED``), its open review started again on the new
    content (``RESTARTED``), or left for a marketer to submit because it holds changes of its own
    (``NEEDS_SUBMISSION``). Live campaigns already showing this content are left alone."""
    outcomes = []
    # A translation's campaigns are those of any creative in its family (same translation key).
    family = set(
        Creative.objects.filter(translation_key=creative.translation_key).values_list(
            "pk", flat=True
        )
    ) or {creative.pk}
    # Those under review before anything is submitted here: one this call submits is not
    # "under review" again below (it would be submitted, then restarted).
    under_review = _campaigns_under_review_using(family)
    live = Campaign.objects.filter(live=True, campaign_creatives__creative__in=family).distinct()
    for campaign in live:
        if campaign.current_workflow_state is not None and _under_review(campaign):
            continue  # handled with the campaigns under review below
        links = [link for link in campaign.campaign_creatives.all() if link.creative_id in family]
        if all(shows_current_content(link, creative) for link in links):
            continue
        outcomes.append((campaign, submit_for_approval(campaign, user)))
    for campaign in under_review:
        outcomes.append((campaign, restart_review(campaign, user)))
    return sorted(outcomes, key=lambda pair: pair[0].name)


def _under_review(campaign: Campaign) -> bool:
    state = campaign.current_workflow_state
    return state is not None and state.status == state.STATUS_IN_PROGRESS


def _campaigns_under_review_using(creatives: set[int]) -> list[Campaign]:
    """Campaigns with a review in progress whose revision under review uses one of the
    creatives (by id)."""
    from wagtail.models import WorkflowState

    under_review = WorkflowState.objects.active().filter(
        base_content_type=Campaign.get_base_content_type()
    )
    pks = [int(pk) for pk in under_review.values_list("object_id", flat=True)]
    found = []
    for campaign in Campaign.objects.filter(pk__in=pks):
        revision = campaign.current_workflow_task_state.revision
        rows = (revision.content if revision else {}).get("campaign_creatives") or []
        if any(row.get("creative") in creatives for row in rows):
            found.append(campaign)
    return found


def restart_review(campaign: Campaign, user: Any) -> str:
    """Cancel a review in progress and open it again on the campaign's latest revision.

    Only when that revision is the one under review: a newer draft saved since may be
    unfinished, so then the review is cancelled and a marketer must submit it again.
    """
    state = campaign.current_workflow_state
    under_review = state.current_task_state.revision_id if state.current_task_state else None
    latest = campaign.latest_revision
    workflow = state.workflow
    state.cancel(user=user)
    if latest is None or latest.pk != under_review:
        return NEEDS_SUBMISSION
    workflow.start(campaign, user)
    return RESTARTED


def submit_for_approval(campaign: Campaign, user: Any) -> str:
    """Send an unchanged live campaign to its approval workflow, as "Submit" in the admin does.

    A campaign with unpublished changes, or sent back for changes, is not submitted on the
    marketer's behalf, since that would put someone's unfinished draft in front of compliance.
    """
    if campaign.current_workflow_state is not None:
        return NEEDS_SUBMISSION
    workflow = campaign.get_workflow()
    if workflow is None or campaign.has_unpublished_changes:
        return NEEDS_SUBMISSION
    campaign.save_revision(user=user, clean=False)
    workflow.start(campaign, user)
    return SUBMITTED


def translation_published(sender: Any, instance: Any, revision: Any = None, **kwargs: Any) -> None:
    """A creative's translation published from wagtail-localize's translation editor (or its
    "Sync translated pages"): its live campaigns go to compliance as after any creative edit.

    Connected to Wagtail's ``published`` signal for creatives. Only revisions wagtail-localize
    made (it logs each in a ``TranslationLog``) are handled here: the creative edit view calls
    ``creative_published`` itself, with messages for the marketer. Campaigns already showing the
    published content (the demo seed pins its English creatives) are left alone.
    """
    if revision is None:
        return
    if not TranslationLog.objects.filter(revision_id=revision.pk).exists():
        return
    creative_published(instance, revision.user)
