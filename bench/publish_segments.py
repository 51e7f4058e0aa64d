"""Publish N extra live segments, and campaigns that use them, into the current database.

Used by bench/home_bench.py to measure a page and a worker's memory with many live audiences.
Bench-only shortcut: rows are written live directly instead of through the approval workflow.
Usage: python bench/publish_segments.py 1000   (DJANGO_SETTINGS_MODULE and DATABASE_URL set)
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django

django.setup()

from django.db import transaction  # noqa: E402

from targeting.approval import approval_copy  # noqa: E402
from targeting.models import Campaign, CampaignCreative, Creative, Placement, Segment  # noqa: E402

REGIONS = ["CN-SC", "CN-BJ", "CN-SH", "CN-GD", "CN-ZJ", "CN-JS", "CN-HB", "CN-HN"]
KEYWORDS = ["房贷", "理财", "信用卡", "基金", "存款", "保险", "贷款", "外汇"]


def rule_for(i: int) -> dict:
    """Mixed, realistic rules over source, geo, time, device and behaviour."""
    return {
        "all": [
            {"attr": "geo.region", "op": "eq", "value": REGIONS[i % len(REGIONS)]},
            {
                "any": [
                    {
                        "attr": "source.keyword",
                        "op": "contains",
                        "value": KEYWORDS[i % len(KEYWORDS)],
                    },
                    {"attr": "behaviour.pageviews", "op": "gte", "value": 5 + i % 20},
                ]
            },
            {"attr": "time.hour", "op": "between", "value": [i % 24, (i + 6) % 24]},
            {"not": {"attr": "device.type", "op": "eq", "value": "bot"}},
        ]
    }


def main(count: int) -> None:
    placements = list(Placement.objects.filter(slug__in=["home-hero", "home-strip"]))
    creative = Creative.objects.filter(live=True).first()
    with transaction.atomic():
        Segment.objects.filter(slug__startswith="bench-").delete()
        Campaign.objects.filter(slug__startswith="bench-").delete()
        segments = Segment.objects.bulk_create(
            Segment(name=f"Bench audience {i}", slug=f"bench-{i}", rule=rule_for(i), live=True)
            for i in range(count)
        )
        # One campaign for every ten segments, so a page has many audiences to consider.
        for n in range(0, count, 10):
            campaign = Campaign.objects.create(
                name=f"Bench campaign {n}", slug=f"bench-{n}", live=True, priority=50 + n % 7
            )
            # Parental many-to-many relations are written by save(), not by set().
            campaign.placements.set(placements)
            campaign.include_segments.set(segments[n : n + 10])
            if creative:
                # Written directly, not approved: pin the creative as approval would, or the
                # snapshot (which shows only approved content) leaves the campaign out.
                campaign.campaign_creatives.add(
                    CampaignCreative(
                        creative=creative, weight=1, approved_content=approval_copy(creative)
                    )
                )
            campaign.save()
    print(f"published {count} segments and {len(range(0, count, 10))} campaigns")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
