"""The demo's running experiment and its automatic allocation (called by ``demo.seed``).

``before_traffic`` turns the new-visitor campaign into an experiment before the demo traffic is
sent: a second creative (the demo traffic makes the second creative of a campaign convert
clearly better), a 10 % holdout and a sample-size plan; and puts the high-income campaign on
automatic allocation with a second creative. Both are set through a published revision, as the
campaign's approval would. ``after_traffic`` runs the allocation once, so the allocation
history is not empty. Idempotent: creatives are found by name, settings are set, not added.
"""

from __future__ import annotations

from decimal import Decimal
from typing import IO, Any

from targeting.measurement import allocation
from targeting.models import Campaign, CampaignCreative, Creative

EXPERIMENT = "first-time-visitors-campaign"
AUTOMATIC = "high-income-prospects-campaign"

SECOND_CREATIVES = {
    EXPERIMENT: {
        "name": "首次来访的访客 · 创意 B",
        "headline": "新客专享：存款加息券，手机银行开户即领",
        "body": "<p>三分钟开户，加息券当天到账。</p>",
        "cta_label": "立即领取",
    },
    AUTOMATIC: {
        "name": "高收入潜在客户 · 创意 B",
        "headline": "私人银行顾问，一对一规划您的财富",
        "body": "<p>预约专属顾问，获取资产配置建议。</p>",
        "cta_label": "预约顾问",
    },
}


def _second_creative(campaign: Campaign, spec: dict[str, str]) -> Creative:
    first = campaign.campaign_creatives.select_related("creative").first()
    creative = Creative.objects.filter(name=spec["name"]).first() or Creative(name=spec["name"])
    creative.headline = spec["headline"]
    creative.body = spec["body"]
    creative.cta_label = spec["cta_label"]
    if first is not None:
        # The same product and pictures as the first creative: only the words differ.
        creative.cta_page = first.creative.cta_page
        creative.cta_url = first.creative.cta_url or ("" if first.creative.cta_page else "/")
        creative.image = first.creative.image
        creative.mobile_image = first.creative.mobile_image
        creative.alt_text = first.creative.alt_text
    creative.save()
    creative.save_revision().publish()
    return creative


def _configure(slug: str, **fields: Any) -> Campaign | None:
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        return None
    creative = _second_creative(campaign, SECOND_CREATIVES[slug])
    links = list(campaign.campaign_creatives.all())
    if creative.pk not in {link.creative_id for link in links}:
        links.append(CampaignCreative(creative=creative, weight=1))
    campaign.campaign_creatives = links
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.save()
    campaign.save_revision().publish()
    return campaign


def before_traffic(stdout: IO[str] | Any) -> None:
    experiment = _configure(
        EXPERIMENT,
        goal=Campaign.GOAL_CONVERSION,
        holdout_percent=10,
        allocation_mode=Campaign.ALLOCATION_FIXED,
        experiment_baseline=Decimal("1.5"),
        experiment_effect=Decimal("80"),
        winner=None,
    )
    automatic = _configure(
        AUTOMATIC,
        goal=Campaign.GOAL_CLICK,
        holdout_percent=0,
        allocation_mode=Campaign.ALLOCATION_AUTOMATIC,
        allocation_floor=10,
    )
    configured = [c.slug for c in (experiment, automatic) if c is not None]
    stdout.write(f"measurement: experiments on {', '.join(configured) or 'no campaign'}")


def after_traffic(stdout: IO[str] | Any) -> None:
    changed = allocation.update_all()
    stdout.write(f"measurement: automatic allocation updated for {changed} campaign(s)")
