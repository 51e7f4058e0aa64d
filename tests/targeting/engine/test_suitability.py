"""Suitability inside the engine: the one check pages, the decide API and pushes go through."""

from __future__ import annotations

import math
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
from targeting.engine.suitability import check_suitability, risk_number

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("R5", 5),
        ("r1", 1),
        (" C3 ", 3),
        (4, 4),
        ("2", 2),
        (0, None),
        (6, None),
        (True, None),
        (math.nan, None),
        (10**100, None),
        ("R5\x00", None),
        ("R55", None),
        ("", None),
        (None, None),
        ([5], None),
        ({"level": 5}, None),
    ],
)
def test_risk_number_accepts_only_levels_one_to_five(value: Any, expected: int | None) -> None:
    assert risk_number(value) == expected


def test_product_above_tolerance_is_never_promotable() -> None:
    # Given today's case: a customer of tolerance C1 and an R5 private fund
    result = check_suitability("R5", 1)
    # Then it is not promoted, and an application is refused (gap 4 > the default 1)
    assert result.promotable is False
    assert result.refused is True
    assert result.needs_acknowledgement is False
    assert result.gap == 4
    assert result.reason == "product risk R5 above customer tolerance C1"


def test_one_level_above_needs_an_acknowledgement_and_more_is_refused() -> None:
    assert check_suitability("R3", 2).needs_acknowledgement is True
    assert check_suitability("R3", 2).refused is False
    assert check_suitability("R4", 2).refused is True
    assert check_suitability("R4", 2, max_gap=2).needs_acknowledgement is True
    assert check_suitability("R4", 2, max_gap=-3).refused is True


def test_unknown_tolerance_is_shown_with_notice_but_needs_an_assessment() -> None:
    result = check_suitability("R5", None)
    assert (result.promotable, result.notice, result.needs_assessment) == (True, True, True)


def test_within_tolerance_and_unrated_products() -> None:
    within = check_suitability("R2", 3)
    assert (within.promotable, within.notice, within.gap) == (True, True, 0)
    unrated = check_suitability("", 1)
    assert (unrated.promotable, unrated.notice, unrated.needs_assessment) == (True, False, False)


def snapshot(*campaigns: CampaignSpec) -> Snapshot:
    return Snapshot.build({}, campaigns, version="s1")


def fund_campaign(priority: int = 10) -> CampaignSpec:
    return CampaignSpec(
        id=1,
        slug="private-fund",
        placements={"hero"},
        priority=priority,
        creatives=(CreativeSpec(id=11, key="11", payload={"headline": "私募"}, risk_level=5),),
    )


def deposit_campaign() -> CampaignSpec:
    return CampaignSpec(
        id=2,
        slug="deposit",
        placements={"hero"},
        priority=1,
        creatives=(CreativeSpec(id=21, key="21", payload={"headline": "存款"}),),
    )


LOADER_CALLS: list[int | None] = []


def visitor(tolerance: int | None, customer: bool = True) -> VisitorContext:
    def load() -> dict[str, Any] | None:
        LOADER_CALLS.append(tolerance)
        return {"risk_tolerance": tolerance} if customer else None

    return VisitorContext(RequestInfo(now=NOW, customer_loader=load))


def test_decide_never_shows_a_creative_above_the_customers_tolerance() -> None:
    snap = snapshot(fund_campaign(), deposit_campaign())
    # Given a customer of tolerance 1: the R5 fund loses to the lower-priority deposit
    decision = decide(snap, "hero", visitor(1))
    assert decision.campaign is not None and decision.campaign.slug == "deposit"
    # A customer of tolerance 5 sees the fund, with its level in the API shape
    bold = decide(snap, "hero", visitor(5))
    assert bold.campaign is not None and bold.campaign.slug == "private-fund"
    assert bold.as_dict()["creative"]["risk_level"] == "R5"
    # An anonymous visitor (tolerance unknown) sees it too (the slot carries the notice)
    anonymous = decide(snap, "hero", visitor(None, customer=False))
    assert anonymous.campaign is not None and anonymous.campaign.slug == "private-fund"


def test_the_audience_key_separates_tolerances() -> None:
    snap = snapshot(fund_campaign(), deposit_campaign())
    keys = {decide(snap, "hero", visitor(t)).audience_key for t in (None, 1, 5)}
    assert len(keys) == 3


def test_only_the_unsuitable_creative_of_a_campaign_is_dropped() -> None:
    mixed = CampaignSpec(
        id=3,
        slug="wealth-range",
        placements={"hero"},
        creatives=(
            CreativeSpec(id=31, key="31", risk_level=5),
            CreativeSpec(id=32, key="32", risk_level=1),
        ),
    )
    snap = snapshot(mixed)
    for seed in range(20):
        ctx = VisitorContext(
            RequestInfo(
                now=NOW, visitor_id=f"v{seed}", customer_loader=lambda: {"risk_tolerance": 2}
            )
        )
        decision = decide(snap, "hero", ctx)
        assert decision.creative is not None and decision.creative.id == 32


def test_explain_names_the_suitability_reason() -> None:
    snap = snapshot(fund_campaign(), deposit_campaign())
    rows = {r["campaign"]: r for r in explain_decision(snap, "hero", visitor(1))["campaigns"]}
    assert rows["private-fund"]["eligible"] is False
    assert rows["private-fund"]["reason"] == (
        "unsuitable: product risk R5 above customer tolerance C1"
    )
    assert rows["deposit"]["chosen"] is True


def test_unrated_placements_never_load_the_customer() -> None:
    # Given a placement without rated creatives, the customer family is never asked for
    LOADER_CALLS.clear()
    decide(snapshot(deposit_campaign()), "hero", visitor(1))
    assert LOADER_CALLS == []
    # ...while a placement with a rated creative asks once
    decide(snapshot(fund_campaign()), "hero", visitor(1))
    assert LOADER_CALLS == [1]


def test_an_override_of_the_tolerance_applies_as_for_pushes() -> None:
    # Pushes build a context for a customer and may override attributes (simulate does too)
    snap = snapshot(fund_campaign())
    ctx = VisitorContext(RequestInfo(now=NOW), overrides={"profile.risk_tolerance": 2})
    assert decide(snap, "hero", ctx).campaign is None
