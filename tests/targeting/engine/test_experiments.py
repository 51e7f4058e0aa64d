"""Experiments in the engine: holdouts, sticky buckets, automatic allocation and explanations."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.decide import (
    CampaignSpec,
    CreativeSpec,
    Snapshot,
    decide,
    explain_decision,
)

NOW = datetime(2025, 10, 15, 20, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
SEGMENTS: dict[str, Any] = {
    "sichuan": {"attr": "geo.region", "op": "eq", "value": "CN-SC"},
    "mobile": {"attr": "device.type", "op": "eq", "value": "mobile"},
}


def creatives(*ids: int) -> tuple[CreativeSpec, ...]:
    return tuple(CreativeSpec(id=i, key=str(i), payload={"headline": f"H{i}"}) for i in ids)


def campaign(**fields: Any) -> CampaignSpec:
    fields.setdefault("placements", {"hero"})
    fields.setdefault("creatives", creatives(11, 12))
    return CampaignSpec(id=1, slug="card", name="Card", **fields)


def visitor(visitor_id: str | None = None, **attributes: Any) -> VisitorContext:
    return VisitorContext(
        RequestInfo(now=NOW, visitor_id=visitor_id), {}, overrides=attributes or {}
    )


def snapshot(*campaigns: CampaignSpec) -> Snapshot:
    return Snapshot.build(SEGMENTS, campaigns, version="v1")


def test_holdout_holds_back_its_share_and_shows_the_default_content():
    snap = snapshot(campaign(holdout=0.2))
    decisions = [decide(snap, "hero", visitor(f"v{i}"), NOW) for i in range(4000)]
    held = [d for d in decisions if d.holdout_of is not None]
    assert 0.17 < len(held) / 4000 < 0.23
    for decision in held:
        assert decision.campaign is None and decision.creative is None
        assert decision.as_dict()["holdout"] == "card"
        assert decision.audience_key.endswith("|pick=holdout.1")
    shown = [d for d in decisions if d.holdout_of is None]
    assert all(d.campaign is not None and "holdout" not in d.as_dict() for d in shown)


def test_without_a_holdout_nobody_is_held_back_and_the_api_shape_is_unchanged():
    snap = snapshot(campaign())
    decision = decide(snap, "hero", visitor("v1"), NOW)
    assert decision.holdout_of is None
    assert set(decision.as_dict()) == {"placement", "campaign", "creative", "segments"}


def test_bucketing_is_sticky_per_visitor_and_independent_of_the_creative_split():
    snap = snapshot(campaign(holdout=0.5))
    for i in range(50):
        first = decide(snap, "hero", visitor(f"v{i}"), NOW)
        again = decide(snap, "hero", visitor(f"v{i}"), NOW)
        assert (first.holdout_of, first.creative) == (again.holdout_of, again.creative)
    # Among those not held out, both creatives still get about half (independent salts).
    shown = Counter(
        d.creative.key
        for d in (decide(snap, "hero", visitor(f"w{i}"), NOW) for i in range(4000))
        if d.creative is not None
    )
    assert 0.45 < shown["11"] / (shown["11"] + shown["12"]) < 0.55


def test_anonymous_visitors_share_one_bucket_per_audience():
    snap = snapshot(campaign(holdout=0.5, include_segments={"sichuan", "mobile"}))
    for attributes in ({"geo.region": "CN-SC"}, {"device.type": "mobile"}):
        decisions = {
            (d.audience_key, d.holdout_of is not None, d.creative)
            for d in (decide(snap, "hero", visitor(None, **attributes), NOW) for _ in range(20))
        }
        assert len(decisions) == 1


def test_automatic_allocation_steers_the_creative_split():
    allocation = {"": {"11": 0.9, "12": 0.1}}
    snap = snapshot(campaign(allocation=allocation))
    counts = Counter(decide(snap, "hero", visitor(f"v{i}"), NOW).creative.key for i in range(4000))
    assert 0.87 < counts["11"] / 4000 < 0.93


def test_allocation_per_segment_uses_the_visitors_segment_and_falls_back_to_all():
    allocation = {"": {"11": 0.5, "12": 0.5}, "sichuan": {"11": 0.0, "12": 1.0}}
    snap = snapshot(
        campaign(
            allocation=allocation,
            allocation_by_segment=True,
            include_segments={"sichuan", "mobile"},
        )
    )
    sichuan = {
        decide(snap, "hero", visitor(f"v{i}", **{"geo.region": "CN-SC"}), NOW).creative.key
        for i in range(200)
    }
    assert sichuan == {"12"}
    mobile = Counter(
        decide(snap, "hero", visitor(f"v{i}", **{"device.type": "mobile"}), NOW).creative.key
        for i in range(2000)
    )
    assert 0.45 < mobile["11"] / 2000 < 0.55
    decision = decide(snap, "hero", visitor("x", **{"geo.region": "CN-SC"}), NOW)
    assert decision.segment == "sichuan"


def test_allocation_of_zero_everywhere_falls_back_to_the_weights():
    snap = snapshot(campaign(allocation={"": {"11": 0.0, "12": 0.0}}))
    keys = {decide(snap, "hero", visitor(f"v{i}"), NOW).creative.key for i in range(200)}
    assert keys == {"11", "12"}


def test_same_audience_and_arm_share_the_cache_key_so_html_stays_cacheable():
    snap = snapshot(campaign(holdout=0.3))
    keys: dict[str, set[str]] = {}
    for i in range(300):
        decision = decide(snap, "hero", visitor(f"v{i}"), NOW)
        arm = "holdout" if decision.holdout_of else decision.creative.key
        keys.setdefault(arm, set()).add(decision.audience_key)
    assert {arm: len(found) for arm, found in keys.items()} == {"holdout": 1, "11": 1, "12": 1}


@pytest.mark.parametrize("share", [-0.1, 1.0, float("nan")])
def test_a_holdout_outside_zero_to_one_is_refused(share):
    with pytest.raises(ValueError, match="holdout"):
        campaign(holdout=share)


def test_explain_says_which_arm_and_why():
    snap = snapshot(campaign(holdout=0.5, allocation={"": {"11": 0.25, "12": 0.75}}))
    seen = {}
    for i in range(40):
        answer = explain_decision(snap, "hero", visitor(f"v{i}"), NOW)
        seen[answer["arm"]["arm"]] = answer
    held = seen["holdout"]
    assert held["campaign"] is None
    assert held["arm"]["holdout"] is True
    assert "held out" in held["arm"]["why"]
    assert [row["chosen"] for row in held["campaigns"]] == [True]
    shown = seen["12"]
    assert "automatic allocation for all audiences" in shown["arm"]["why"]
    assert "12: 75.00%" in shown["arm"]["why"]


def test_explain_of_a_fixed_split_and_of_a_single_creative():
    fixed = explain_decision(snapshot(campaign()), "hero", visitor("v1"), NOW)
    assert fixed["arm"]["why"].startswith("fixed split by creative weight")
    single = explain_decision(
        snapshot(campaign(creatives=creatives(11))), "hero", visitor("v1"), NOW
    )
    assert single["arm"] == {
        "arm": "11",
        "segment": "",
        "holdout": False,
        "why": "the campaign's only creative",
    }
    assert explain_decision(snapshot(), "hero", visitor("v1"), NOW)["arm"] is None
