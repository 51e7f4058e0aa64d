"""The visitor context: lazy providers, overrides, failures, and the profile-backed families."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from targeting.engine.attributes import ATTRIBUTES
from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.providers import DEFAULT_PROVIDERS, EngineConfig
from targeting.engine.rules import compile_rule

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 10, 15, 20, 30, tzinfo=SHANGHAI)


def test_a_family_is_computed_once_and_only_when_asked():
    calls: list[str] = []

    def geo_provider(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
        calls.append("geo")
        return {"geo.country": "CN", "geo.region": "CN-SC", "geo.city": "Chengdu"}

    def device_provider(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
        calls.append("device")
        return {"device.type": "mobile"}

    ctx = VisitorContext(RequestInfo(), {"geo": geo_provider, "device": device_provider})
    assert calls == []
    assert ctx.get("geo.country") == "CN"
    assert ctx.get("geo.city") == "Chengdu"
    assert ctx.get("geo.region") == "CN-SC"
    assert calls == ["geo"]
    assert ctx.get("time.hour") is None  # no provider for the family
    assert calls == ["geo"]


def test_one_provider_serving_several_families_runs_once():
    calls = []

    def customer(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
        calls.append(1)
        return {"profile.age": 30, "crm.segments": ["VIP"], "history.purchases": []}

    ctx = VisitorContext(RequestInfo(), {"profile": customer, "crm": customer, "history": customer})
    assert (ctx.get("profile.age"), ctx.get("crm.segments"), ctx.get("history.purchases")) == (
        30,
        ["VIP"],
        [],
    )
    assert calls == [1]


def test_overrides_win_over_providers_and_are_checked():
    ctx = VisitorContext(
        RequestInfo(remote_addr="8.8.8.8"),
        overrides={"geo.region": "CN-SC", "time.hour": "23", "device.type": None},
        config=EngineConfig(geoip_path=None),
    )
    assert ctx.get("geo.region") == "CN-SC"
    assert ctx.get("geo.country") is None  # the provider ran for the rest of the family
    assert ctx.get("time.hour") == 23
    assert ctx.get("device.type") is None  # None overrides: "unknown"
    with pytest.raises(ValueError, match="geo.contry: unknown attribute"):
        VisitorContext(RequestInfo(), overrides={"geo.contry": "CN"})
    with pytest.raises(ValueError, match="time.hour: expected a number"):
        VisitorContext(RequestInfo(), overrides={"time.hour": "late"})


def test_a_failing_provider_is_logged_and_its_family_is_missing(caplog):
    def broken(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
        raise ConnectionError("redis down")

    providers = {**DEFAULT_PROVIDERS, "behaviour": broken, "session": broken}
    ctx = VisitorContext(RequestInfo(now=NOW), providers)
    with caplog.at_level(logging.ERROR, logger="targeting.engine"):
        assert ctx.get("behaviour.visits") is None
        assert ctx.get("session.pageviews") is None
    assert ctx.errors == {"behaviour": "ConnectionError: redis down"}
    assert len([r for r in caplog.records if "behaviour" in r.getMessage()]) == 1
    rule = {"attr": "behaviour.visits", "op": "gte", "value": 1}
    assert compile_rule(rule)(ctx) is False
    assert compile_rule({"not": rule})(ctx) is True
    assert ctx.get("time.hour") == 20  # other families are unaffected


def test_a_provider_returning_garbage_counts_as_failed():
    ctx = VisitorContext(RequestInfo(), {"geo": lambda info, config: 42})  # type: ignore[dict-item]
    assert ctx.get("geo.country") is None
    assert "geo" in ctx.errors


def test_resolve_all_names_every_attribute():
    ctx = VisitorContext(
        RequestInfo(now=NOW, user_agent="Mozilla/5.0 (compatible; Googlebot/2.1)"),
        overrides={"geo.country": "CN"},
    )
    values = ctx.resolve_all()
    assert set(values) == set(ATTRIBUTES)
    assert values["geo.country"] == "CN"
    assert values["device.type"] == "bot"
    assert values["time.hour"] == 20
    assert values["profile.is_customer"] is False
    assert values["behaviour.visits"] is None


# --------------------------------------------------------------------------------------------
# behaviour and customer families through the default providers


def behaviour_ctx(profile: dict[str, Any] | None) -> VisitorContext:
    return VisitorContext(RequestInfo(now=NOW, visitor_id="v1", behaviour_loader=lambda: profile))


def test_behaviour_attributes():
    ctx = behaviour_ctx(
        {
            "visits": 12,
            "sessions": 15,
            "pageviews": 80,
            "categories": ["credit-card", "deposit"],
            "searches": ["信用卡"],
            "clicked_campaigns": ["spring-card"],
            "last_seen": "2025-10-13T23:50:00+08:00",
            "session_pageviews": 3,
        }
    )
    assert {
        name: ctx.get(name)
        for name in ATTRIBUTES
        if name.split(".")[0] in ("behaviour", "session") and not name.startswith("session.source.")
    } == {
        "behaviour.visits": 12,
        "behaviour.sessions": 15,
        "behaviour.pageviews": 80,
        "behaviour.categories": ["credit-card", "deposit"],
        "behaviour.searches": ["信用卡"],
        "behaviour.clicked_campaigns": ["spring-card"],
        "behaviour.days_since_last_visit": 2,  # calendar days in Shanghai
        "session.pageviews": 3,
        # a document without the recent-events window: nothing viewed in the last 7 days
        "behaviour.categories_7d": [],
        "behaviour.unapplied_categories_7d": [],
        # a document folded before page paths were counted: views of a page are unknown
        "behaviour.page_visits": None,
    }


def test_days_since_last_visit_counts_local_calendar_days():
    # 2025-10-14 16:10 UTC is 00:10 on the 15th in Shanghai: earlier today.
    ctx = behaviour_ctx({"last_seen": "2025-10-14T16:10:00Z"})
    assert ctx.get("behaviour.days_since_last_visit") == 0
    ctx = behaviour_ctx({"last_seen": "2025-10-14T15:50:00Z"})
    assert ctx.get("behaviour.days_since_last_visit") == 1


def test_mistyped_behaviour_values_are_unknown():
    ctx = behaviour_ctx({"visits": "12", "categories": "credit-card", "last_seen": "yesterday"})
    assert ctx.get("behaviour.visits") is None
    assert ctx.get("behaviour.categories") is None
    assert ctx.get("behaviour.days_since_last_visit") is None


ANONYMOUS_RULES = [
    {"attr": "behaviour.visits", "op": "gte", "value": 1},
    {"attr": "behaviour.categories", "op": "contains", "value": "credit-card"},
    {"attr": "session.pageviews", "op": "lt", "value": 100},
    {"attr": "profile.age", "op": "between", "value": [18, 99]},
    {"attr": "profile.income_band", "op": "in", "value": ["high", "very_high"]},
    {"attr": "profile.products", "op": "not_in", "value": ["savings"]},
    {"attr": "crm.segments", "op": "contains", "value": "VIP"},
    {"attr": "history.applications", "op": "in", "value": ["mortgage"]},
]


@pytest.mark.parametrize("rule", ANONYMOUS_RULES)
def test_anonymous_visitor_profile_conditions_are_false_and_their_not_true(rule):
    ctx = VisitorContext(RequestInfo(now=NOW))  # no visitor id, no loaders
    assert compile_rule(rule)(ctx) is False
    assert compile_rule({"not": rule})(ctx) is True
    exists_false = {"attr": rule["attr"], "op": "exists", "value": False}
    assert compile_rule(exists_false)(ctx) is True


def test_anonymous_visitor_is_known_not_to_be_a_customer():
    ctx = VisitorContext(RequestInfo(now=NOW))
    assert ctx.get("profile.is_customer") is False
    assert compile_rule({"attr": "profile.is_customer", "op": "eq", "value": False})(ctx)


def customer_ctx(record: dict[str, Any] | None) -> VisitorContext:
    return VisitorContext(RequestInfo(now=NOW, customer_id="42", customer_loader=lambda: record))


def test_customer_attributes():
    ctx = customer_ctx(
        {
            "birth_date": "1991-10-16",  # 34 tomorrow
            "gender": "female",
            "income_band": "high",
            "occupation": "engineer",
            "region": "CN-SC",
            "products": ["credit-card-gold"],
            "interests": ["travel"],
            "risk_tolerance": 3,
            "crm_segments": [
                "VIP",
                {"code": "CARD_UPSELL", "expires": "2025-10-15"},  # last day today
                {"code": "OLD_OFFER", "expires": "2025-10-14"},  # expired
                {"code": "NO_DATE", "expires": "soon"},  # unreadable: not trusted
            ],
            "applications": ["mortgage"],
            "purchases": ["fund-a"],
        }
    )
    assert {
        n: ctx.get(n) for n in ATTRIBUTES if n.split(".")[0] in ("profile", "crm", "history")
    } == {
        "profile.age": 33,
        "profile.gender": "female",
        "profile.income_band": "high",
        "profile.occupation": "engineer",
        "profile.region": "CN-SC",
        "profile.is_signed_in": True,
        "profile.products": ["credit-card-gold"],
        "profile.interests": ["travel"],
        "profile.risk_tolerance": 3,
        "profile.is_customer": True,
        "crm.segments": ["VIP", "CARD_UPSELL"],
        "history.applications": ["mortgage"],
        "history.purchases": ["fund-a"],
    }


def test_customer_values_outside_their_choices_are_unknown():
    ctx = customer_ctx({"gender": "M", "income_band": "rich", "risk_tolerance": 9, "age": -3})
    assert [
        ctx.get(n)
        for n in ("profile.gender", "profile.income_band", "profile.risk_tolerance", "profile.age")
    ] == [
        None,
        None,
        None,
        None,
    ]


def test_a_signed_in_user_without_a_customer_record():
    ctx = customer_ctx({"is_customer": False, "crm_segments": [], "applications": []})
    assert ctx.get("profile.is_customer") is False
    assert ctx.get("history.applications") == []
    assert ctx.get("profile.products") is None
