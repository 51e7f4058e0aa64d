"""Decisions: eligibility, priority, weighted splits, dayparting, caps, audience keys, laziness."""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.decide import (
    CampaignSpec,
    CreativeSpec,
    Decision,
    Snapshot,
    decide,
    explain_decision,
    find_conflicts,
    simulate,
)
from targeting.engine.providers import DEFAULT_PROVIDERS, EngineConfig
from targeting.engine.providers.time import provide_time
from targeting.engine.rules import segment_results

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEDNESDAY_EVENING = datetime(2025, 10, 15, 20, 30, tzinfo=SHANGHAI)

SEGMENTS: dict[str, Any] = {
    "sichuan": {"attr": "geo.region", "op": "eq", "value": "CN-SC"},
    "mobile": {"attr": "device.type", "op": "eq", "value": "mobile"},
    "vip": {"attr": "crm.segments", "op": "contains", "value": "VIP"},
    "sichuan-mobile": {"all": [{"segment": "sichuan"}, {"segment": "mobile"}]},
    "bots": {"attr": "device.type", "op": "eq", "value": "bot"},
}


def creative(id_: int, weight: int = 1) -> CreativeSpec:
    return CreativeSpec(
        id=id_, key=f"creative-{id_}", weight=weight, payload={"headline": f"H{id_}"}
    )


def campaign(id_: int, slug: str, **fields: Any) -> CampaignSpec:
    fields.setdefault("placements", {"hero"})
    fields.setdefault("creatives", (creative(id_ * 10),))
    return CampaignSpec(id=id_, slug=slug, name=slug.title(), **fields)


def visitor(
    attributes: dict[str, Any] | None = None,
    visitor_id: str | None = None,
    now: datetime = WEDNESDAY_EVENING,
    providers: dict[str, Any] | None = None,
) -> VisitorContext:
    """A visitor with the given attributes; time comes from the real time provider."""
    return VisitorContext(
        RequestInfo(now=now, visitor_id=visitor_id),
        providers if providers is not None else {"time": provide_time},
        overrides=attributes or {},
    )


def build(*campaigns: CampaignSpec, segments: dict[str, Any] | None = None) -> Snapshot:
    return Snapshot.build(SEGMENTS if segments is None else segments, campaigns, version="v7")


def chosen(snapshot: Snapshot, ctx: VisitorContext, **kwargs: Any) -> str | None:
    return slug_of(decide(snapshot, "hero", ctx, **kwargs))


def slug_of(decision: Decision) -> str | None:
    return decision.campaign.slug if decision.campaign is not None else None


# --------------------------------------------------------------------------------------------
# Eligibility and priority


def test_highest_priority_eligible_campaign_wins():
    snapshot = build(
        campaign(1, "low", priority=1),
        campaign(2, "high", priority=5, include_segments={"vip"}),
        campaign(3, "middle", priority=3, include_segments={"sichuan"}),
    )
    assert chosen(snapshot, visitor({"crm.segments": ["VIP"], "geo.region": "CN-SC"})) == "high"
    assert chosen(snapshot, visitor({"geo.region": "CN-SC"})) == "middle"
    assert chosen(snapshot, visitor({"geo.region": "CN-BJ"})) == "low"


def test_include_is_any_and_exclude_is_none():
    snapshot = build(
        campaign(1, "west-or-vip", include_segments={"sichuan", "vip"}, exclude_segments={"bots"})
    )
    assert chosen(snapshot, visitor({"geo.region": "CN-SC"})) == "west-or-vip"
    assert chosen(snapshot, visitor({"crm.segments": ["VIP"]})) == "west-or-vip"
    assert chosen(snapshot, visitor({"geo.region": "CN-BJ"})) is None
    assert chosen(snapshot, visitor({"geo.region": "CN-SC", "device.type": "bot"})) is None


def test_no_eligible_campaign_means_default_content():
    snapshot = build(campaign(1, "vip-only", include_segments={"vip"}))
    decision = decide(snapshot, "hero", visitor())
    assert (decision.campaign, decision.creative) == (None, None)
    assert decision.as_dict() == {
        "placement": "hero",
        "campaign": None,
        "creative": None,
        "segments": [],
    }
    unknown = decide(snapshot, "sidebar", visitor())
    assert (unknown.campaign, unknown.audience_key) == (None, "v7|sidebar|")


def test_decision_as_dict():
    snapshot = build(campaign(1, "everyone"))
    assert decide(snapshot, "hero", visitor()).as_dict() == {
        "placement": "hero",
        "campaign": "everyone",
        "creative": {"headline": "H10", "id": 10, "key": "creative-10", "risk_level": None},
        "segments": [],
    }


def test_segments_of_the_decision_are_the_relevant_matched_ones_sorted():
    snapshot = build(
        campaign(1, "a", include_segments={"vip", "sichuan-mobile"}, exclude_segments={"bots"}),
        campaign(2, "b", placements={"sidebar"}, include_segments={"mobile"}),
    )
    ctx = visitor({"geo.region": "CN-SC", "device.type": "mobile", "crm.segments": ["VIP"]})
    assert decide(snapshot, "hero", ctx).segments == ("sichuan-mobile", "vip")


def test_campaigns_that_are_not_live_are_left_out():
    snapshot = build(campaign(1, "draft", status="draft", priority=9), campaign(2, "live"))
    assert chosen(snapshot, visitor()) == "live"


# --------------------------------------------------------------------------------------------
# Weighted splits


def test_equal_priority_split_is_deterministic_per_visitor():
    snapshot = build(campaign(1, "a", weight=1), campaign(2, "b", weight=1))
    first = [chosen(snapshot, visitor(visitor_id=f"visitor-{i}")) for i in range(50)]
    again = [chosen(snapshot, visitor(visitor_id=f"visitor-{i}")) for i in range(50)]
    assert first == again
    assert set(first) == {"a", "b"}


def test_split_is_roughly_proportional_to_weight():
    snapshot = build(campaign(1, "three", weight=3), campaign(2, "one", weight=1))
    counts = Counter(chosen(snapshot, visitor(visitor_id=f"v{i:05d}")) for i in range(2000))
    assert 1400 <= counts["three"] <= 1600  # expected 1500; ~4.5 standard deviations either side
    assert counts["three"] + counts["one"] == 2000


def test_zero_weight_never_wins_a_split():
    snapshot = build(campaign(1, "on", weight=1), campaign(2, "off", weight=0))
    assert {chosen(snapshot, visitor(visitor_id=f"v{i}")) for i in range(200)} == {"on"}


def test_creatives_are_split_by_weight_too():
    snapshot = build(
        campaign(
            1, "one", creatives=(creative(11, weight=1), creative(12, weight=1), creative(13, 0))
        )
    )
    keys = Counter(
        getattr(decide(snapshot, "hero", visitor(visitor_id=f"v{i}")).creative, "key", None)
        for i in range(400)
    )
    assert set(keys) == {"creative-11", "creative-12"}
    assert 150 <= keys["creative-11"] <= 250


def test_anonymous_visitors_of_one_audience_all_get_the_same_answer():
    snapshot = build(campaign(1, "a"), campaign(2, "b"), campaign(3, "c"))
    answers = {
        (
            chosen(snapshot, visitor({"geo.city": city})),
            decide(snapshot, "hero", visitor()).audience_key,
        )
        for city in ("Chengdu", "Beijing", None)
    }
    assert len(answers) == 1


# --------------------------------------------------------------------------------------------
# Schedules, dayparts and frequency caps


def test_start_and_end():
    start = WEDNESDAY_EVENING
    snapshot = build(campaign(1, "timed", start=start, end=start + timedelta(days=7)))
    assert chosen(snapshot, visitor(now=start - timedelta(seconds=1))) is None
    assert chosen(snapshot, visitor(now=start)) == "timed"  # start inclusive
    assert chosen(snapshot, visitor(now=start + timedelta(days=7))) is None  # end exclusive
    # An explicit `now` wins over the request's time.
    assert chosen(snapshot, visitor(), now=start + timedelta(days=1)) == "timed"


def test_start_and_end_must_be_aware():
    with pytest.raises(ValueError, match="start must be timezone-aware"):
        campaign(1, "naive", start=datetime(2025, 10, 1))


def test_daypart_hours_and_weekdays_use_local_time():
    snapshot = build(
        campaign(1, "office-hours", hours=set(range(9, 18)), weekdays={1, 2, 3, 4, 5}, priority=2),
        campaign(2, "night-owls", hours={22, 23, 0, 1, 2}, priority=1),
        campaign(3, "weekend", weekdays={6, 7}, priority=1),
    )
    wednesday = WEDNESDAY_EVENING
    assert chosen(snapshot, visitor(now=wednesday.replace(hour=10))) == "office-hours"
    assert chosen(snapshot, visitor(now=wednesday.replace(hour=17, minute=59))) == "office-hours"
    assert chosen(snapshot, visitor(now=wednesday.replace(hour=18))) is None
    assert chosen(snapshot, visitor(now=wednesday.replace(hour=23))) == "night-owls"
    saturday = wednesday + timedelta(days=3)
    assert chosen(snapshot, visitor(now=saturday.replace(hour=10))) == "weekend"
    # 02:30 UTC on Wednesday is 10:30 in Shanghai.
    utc = datetime(2025, 10, 15, 2, 30, tzinfo=ZoneInfo("UTC"))
    assert chosen(snapshot, visitor(now=utc)) == "office-hours"


def test_unknown_time_fails_dayparted_campaigns_only():
    snapshot = build(campaign(1, "office", hours={10}, priority=2), campaign(2, "always"))
    assert chosen(snapshot, visitor(providers={})) == "always"


def test_frequency_cap():
    snapshot = build(campaign(1, "capped", frequency_cap=3, priority=2), campaign(2, "fallback"))
    ctx = visitor(visitor_id="abc")
    assert chosen(snapshot, ctx, impressions=lambda cid: {1: 2}.get(cid, 0)) == "capped"
    assert chosen(snapshot, visitor(visitor_id="abc"), impressions=lambda cid: 3) == "fallback"
    assert chosen(snapshot, visitor(visitor_id="abc"), impressions={1: 3}) == "fallback"
    assert chosen(snapshot, visitor(visitor_id="abc"), impressions={}) == "capped"
    decision = decide(snapshot, "hero", visitor(visitor_id="abc"), impressions={1: 3})
    assert decision.per_visitor is True
    assert decision.audience_key.endswith("|v=abc")
    # Without an impressions source caps cannot be counted, so the answer is not per visitor.
    uncounted = decide(snapshot, "hero", visitor(visitor_id="abc"))
    assert (slug_of(uncounted), uncounted.per_visitor) == ("capped", False)


def test_a_capped_campaign_below_the_winner_does_not_make_it_per_visitor():
    snapshot = build(campaign(1, "winner", priority=5), campaign(2, "capped", frequency_cap=1))
    decision = decide(snapshot, "hero", visitor(visitor_id="abc"), impressions={})
    assert (slug_of(decision), decision.per_visitor) == ("winner", False)
    assert "abc" not in decision.audience_key


# --------------------------------------------------------------------------------------------
# Audience keys


def test_audience_key_is_shared_within_an_audience_and_differs_across():
    snapshot = build(
        campaign(1, "west", include_segments={"sichuan"}, priority=2),
        campaign(2, "mobile", include_segments={"mobile"}),
    )
    chengdu_a = decide(
        snapshot, "hero", visitor({"geo.region": "CN-SC", "geo.city": "Chengdu"}, visitor_id="a")
    )
    chengdu_b = decide(
        snapshot, "hero", visitor({"geo.region": "CN-SC", "geo.city": "Mianyang"}, visitor_id="b")
    )
    beijing = decide(snapshot, "hero", visitor({"geo.region": "CN-BJ"}, visitor_id="c"))
    west_mobile = decide(
        snapshot, "hero", visitor({"geo.region": "CN-SC", "device.type": "mobile"}, visitor_id="d")
    )
    assert chengdu_a.audience_key == chengdu_b.audience_key == "v7|hero|sichuan"
    assert chengdu_a.campaign == chengdu_b.campaign
    assert beijing.audience_key == "v7|hero|"
    assert west_mobile.audience_key == "v7|hero|mobile,sichuan"
    assert len({chengdu_a.audience_key, beijing.audience_key, west_mobile.audience_key}) == 3
    assert not any(d.per_visitor for d in (chengdu_a, chengdu_b, beijing, west_mobile))


def test_audience_key_names_the_side_of_a_split_not_the_visitor():
    snapshot = build(campaign(1, "a"), campaign(2, "b"))
    decisions = [decide(snapshot, "hero", visitor(visitor_id=f"v{i}")) for i in range(40)]
    by_key: dict[str, set[str]] = {}
    for d in decisions:
        by_key.setdefault(d.audience_key, set()).add(str(slug_of(d)))
    assert sorted(by_key) == ["v7|hero||pick=1.10", "v7|hero||pick=2.20"]
    assert all(len(slugs) == 1 for slugs in by_key.values())


def test_audience_key_has_a_schedule_component_only_when_a_campaign_is_timed():
    untimed = decide(build(campaign(1, "a")), "hero", visitor())
    assert "|t=" not in untimed.audience_key
    timed = build(campaign(1, "a"), campaign(2, "evening", hours={20, 21}, priority=3))
    evening = decide(timed, "hero", visitor())
    morning = decide(timed, "hero", visitor(now=WEDNESDAY_EVENING.replace(hour=8)))
    later = decide(timed, "hero", visitor(now=WEDNESDAY_EVENING.replace(hour=21)))
    assert "|t=" in evening.audience_key
    assert evening.audience_key != morning.audience_key
    assert evening.audience_key == later.audience_key  # same campaigns in schedule, same key


# --------------------------------------------------------------------------------------------
# Laziness and failures


def test_only_the_placements_segments_are_evaluated():
    loads = []

    def behaviour_loader() -> dict[str, Any]:
        loads.append(1)
        return {"visits": 3}

    segments = dict(SEGMENTS)
    for i in range(300):
        segments[f"returning-{i}"] = {"attr": "behaviour.visits", "op": "gte", "value": i}
    snapshot = build(
        campaign(1, "west-mobile", include_segments={"sichuan-mobile"}),
        campaign(2, "loyal", placements={"sidebar"}, include_segments={"returning-2"}),
        segments=segments,
    )
    ctx = VisitorContext(
        RequestInfo(now=WEDNESDAY_EVENING, visitor_id="v", behaviour_loader=behaviour_loader),
        DEFAULT_PROVIDERS,
        overrides={"geo.region": "CN-SC", "device.type": "mobile"},
    )
    decision = decide(snapshot, "hero", ctx)
    assert slug_of(decision) == "west-mobile"
    assert set(segment_results(ctx)) == {"sichuan-mobile", "sichuan", "mobile"}
    assert loads == []  # no profile read: no relevant rule needs behaviour
    assert slug_of(decide(snapshot, "sidebar", ctx)) == "loyal"
    assert loads == [1]
    assert set(segment_results(ctx)) == {"sichuan-mobile", "sichuan", "mobile", "returning-2"}


def test_each_segment_is_evaluated_once_per_visitor_across_placements():
    calls = Counter()
    snapshot = build(
        campaign(1, "a", placements={"hero", "sidebar", "footer"}, include_segments={"sichuan"})
    )

    def counting(slug: str, predicate: Any) -> Any:
        def segment(ctx: Any) -> bool:
            calls[slug] += 1
            return predicate(ctx)

        return segment

    counted = {slug: counting(slug, p) for slug, p in snapshot.segments.items()}
    snapshot = dataclasses.replace(snapshot, segments=counted)
    ctx = visitor({"geo.region": "CN-SC"})
    for placement in ("hero", "sidebar", "footer"):
        assert decide(snapshot, placement, ctx).campaign is not None
    assert calls == {"sichuan": 1}


def test_a_failing_provider_still_gives_a_decision(caplog):
    def broken(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
        raise OSError("GeoIP file vanished")

    snapshot = build(
        campaign(1, "west", include_segments={"sichuan"}, priority=2),
        campaign(2, "not-west", exclude_segments={"sichuan"}),
    )
    ctx = VisitorContext(RequestInfo(now=WEDNESDAY_EVENING), {**DEFAULT_PROVIDERS, "geo": broken})
    with caplog.at_level(logging.ERROR, logger="targeting.engine"):
        decision = decide(snapshot, "hero", ctx)
    assert slug_of(decision) == "not-west"
    assert "geo" in ctx.errors
    assert any("geo" in r.getMessage() for r in caplog.records)


def test_a_segment_that_raises_fails_closed(caplog):
    snapshot = build(
        campaign(1, "include", include_segments={"sichuan"}, priority=2),
        campaign(2, "exclude", exclude_segments={"mobile"}, priority=1),
        campaign(3, "fallback", priority=0),
    )

    def explode(ctx: Any) -> bool:
        raise RuntimeError("bug")

    snapshot = dataclasses.replace(snapshot, segments={"sichuan": explode, "mobile": explode})
    with caplog.at_level(logging.ERROR, logger="targeting.engine"):
        assert chosen(snapshot, visitor()) == "fallback"


def test_invalid_segments_never_match_and_campaigns_excluding_them_are_left_out():
    segments = {**SEGMENTS, "broken": {"attr": "geo.country", "op": "gt", "value": 3}}
    snapshot = build(
        campaign(1, "needs-broken", include_segments={"broken", "sichuan"}, priority=3),
        campaign(2, "avoids-broken", exclude_segments={"broken"}, priority=2),
        campaign(3, "avoids-ghost", exclude_segments={"ghost"}, priority=2),
        campaign(4, "fallback"),
        segments=segments,
    )
    assert str(snapshot.errors["broken"]).startswith("rule.op: operator 'gt'")
    assert snapshot.campaign_errors == {
        "needs-broken": "include segments never match: broken (invalid)",
        "avoids-broken": "excludes invalid segment broken",
        "avoids-ghost": "excludes unknown segment ghost",
    }
    assert chosen(snapshot, visitor()) == "fallback"
    assert chosen(snapshot, visitor({"geo.region": "CN-SC"})) == "needs-broken"


def test_a_campaign_without_creatives_is_left_out():
    snapshot = build(campaign(1, "empty", creatives=()), campaign(2, "ok"))
    assert snapshot.campaign_errors == {"empty": "has no creatives"}
    assert chosen(snapshot, visitor()) == "ok"


def test_decide_without_a_context_treats_the_visitor_as_unknown():
    snapshot = build(campaign(1, "vip", include_segments={"vip"}, priority=2), campaign(2, "all"))
    decision = decide(snapshot, "hero", None, now=WEDNESDAY_EVENING)
    assert slug_of(decision) == "all"


# --------------------------------------------------------------------------------------------
# Explanations, conflicts, simulation


def test_explain_decision_gives_the_first_reason_for_each_campaign():
    start = WEDNESDAY_EVENING
    snapshot = build(
        campaign(1, "future", start=start + timedelta(days=1), priority=9),
        campaign(2, "past", end=start - timedelta(days=1), priority=9),
        campaign(3, "mornings", hours={8, 9}, priority=9),
        campaign(4, "weekends", weekdays={6, 7}, priority=9),
        campaign(5, "vip-or-west", include_segments={"vip", "sichuan"}, priority=8),
        campaign(6, "no-mobiles", exclude_segments={"mobile"}, priority=8),
        campaign(7, "capped", frequency_cap=3, priority=7),
        campaign(8, "winner", priority=6),
        campaign(9, "loser", priority=5),
    )
    ctx = visitor({"device.type": "mobile"}, visitor_id="v1")
    result = explain_decision(snapshot, "hero", ctx, impressions={7: 3})
    reasons = {row["campaign"]: row["reason"] for row in result["campaigns"]}
    assert reasons == {
        "future": "not started",
        "past": "ended",
        "mornings": "outside daypart hours",
        "weekends": "not on this weekday",
        "vip-or-west": "include segments not matched: sichuan, vip",
        "no-mobiles": "excluded by segment mobile",
        "capped": "frequency cap reached (3/3 today)",
        "winner": None,
        "loser": "lower priority than winner",
    }
    assert result["campaign"] == "winner"
    rows = {row["campaign"]: row for row in result["campaigns"]}
    assert rows["winner"]["chosen"] is True and rows["loser"]["eligible"] is True
    assert rows["capped"]["eligible"] is False


def test_explain_decision_names_the_split_winner():
    snapshot = build(campaign(1, "a"), campaign(2, "b"))
    result = explain_decision(snapshot, "hero", visitor(visitor_id="v1"))
    loser = next(row for row in result["campaigns"] if not row["chosen"])
    assert loser["reason"] == f"lost the weighted split to {result['campaign']}"


def test_find_conflicts():
    start = WEDNESDAY_EVENING
    snapshot = build(
        campaign(1, "west", include_segments={"sichuan"}, priority=5),
        campaign(2, "west-vip", include_segments={"sichuan", "vip"}, priority=5),
        campaign(3, "mobile", include_segments={"mobile"}, priority=5),  # disjoint audience
        campaign(4, "everyone", priority=1),
        campaign(5, "everyone-too", priority=1),
        campaign(6, "later", priority=1, start=start + timedelta(days=30)),
        campaign(7, "earlier", priority=1, end=start + timedelta(days=30)),
        campaign(8, "mornings", priority=2, hours={8, 9}),
        campaign(9, "evenings", priority=2, hours={20, 21}),
    )
    conflicts = find_conflicts(snapshot)
    assert {p for p, _, _ in conflicts} == {"hero"}
    assert {frozenset((a.slug, b.slug)) for _, a, b in conflicts} == {
        frozenset(pair)
        for pair in [
            ("west", "west-vip"),  # overlapping audiences
            ("everyone", "everyone-too"),
            ("everyone", "later"),  # "everyone" overlaps any audience and date range
            ("everyone", "earlier"),
            ("everyone-too", "later"),
            ("everyone-too", "earlier"),
        ]
    }  # not: later/earlier (dates), mornings/evenings (hours), mobile (audience)


def test_simulate_answers_what_the_api_needs():
    snapshot = build(
        campaign(1, "west", include_segments={"sichuan"}, priority=2),
        campaign(2, "all", placements={"hero", "sidebar"}),
    )
    ctx = VisitorContext(
        RequestInfo(now=WEDNESDAY_EVENING, user_agent="Mozilla/5.0 (compatible; Googlebot/2.1)"),
        overrides={"geo.region": "CN-SC"},
    )
    result = simulate(snapshot, ctx)
    assert result["attributes"]["geo.region"] == "CN-SC"
    assert result["attributes"]["device.type"] == "bot"
    assert result["segments"] == ["bots", "sichuan"]
    assert result["decisions"]["hero"]["campaign"] == "west"
    assert result["decisions"]["sidebar"]["campaign"] == "all"
    assert result["explain"]["segments"]["sichuan"]["result"] is True
    assert (
        result["explain"]["segments"]["mobile"]["children"]
        if "children" in result["explain"]["segments"]["mobile"]
        else result["explain"]["segments"]["mobile"]["actual"] == "bot"
    )
    assert result["explain"]["campaigns"]["hero"]["campaigns"][1]["reason"] == (
        "lower priority than west"
    )
