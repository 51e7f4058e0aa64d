"""The attribute registry and the catalogue the admin rule editor reads."""

from __future__ import annotations

import json

import pytest

from targeting.engine.attributes import ATTRIBUTES, OPERATORS, coerce, describe
from targeting.engine.providers import DEFAULT_PROVIDERS
from targeting.engine.providers.source import SEARCH_HOST_PATTERNS, SEARCH_HOSTS, SOCIAL_DOMAINS

# The attributes DESIGN.md promises, by exact name.
DESIGN_ATTRIBUTES = {
    "source.kind": "str",
    "source.referrer_host": "str",
    "source.search_engine": "str",
    "source.keyword": "str",
    "source.utm_source": "str",
    "source.utm_medium": "str",
    "source.utm_campaign": "str",
    "source.landing_path": "str",
    "geo.country": "str",
    "geo.region": "str",
    "geo.city": "str",
    "time.hour": "int",
    "time.weekday": "int",
    "time.is_weekend": "bool",
    "time.is_holiday": "bool",
    "time.is_workday": "bool",
    "time.date": "date",
    "device.type": "str",
    "device.os": "str",
    "device.browser": "str",
    "device.in_app": "str",
    "behaviour.visits": "int",
    "behaviour.sessions": "int",
    "behaviour.pageviews": "int",
    "behaviour.categories": "list",
    "behaviour.searches": "list",
    "behaviour.clicked_campaigns": "list",
    "behaviour.days_since_last_visit": "int",
    "session.pageviews": "int",
    "profile.age": "int",
    "profile.gender": "str",
    "profile.income_band": "str",
    "profile.occupation": "str",
    "profile.region": "str",
    "profile.products": "list",
    "profile.interests": "list",
    "profile.risk_tolerance": "int",
    "profile.is_customer": "bool",
    "crm.segments": "list",
    "history.applications": "list",
    "history.purchases": "list",
}


def test_every_design_attribute_exists_with_its_type():
    assert {name: ATTRIBUTES[name].type for name in DESIGN_ATTRIBUTES} == DESIGN_ATTRIBUTES


def test_every_family_has_a_provider():
    assert {a.family for a in ATTRIBUTES.values()} <= set(DEFAULT_PROVIDERS)


def test_operators_per_type():
    assert OPERATORS["str"] == (
        "eq",
        "ne",
        "in",
        "not_in",
        "contains",
        "startswith",
        "matches",
        "exists",
    )
    assert set(OPERATORS["int"]) == {
        "eq",
        "ne",
        "in",
        "not_in",
        "gt",
        "gte",
        "lt",
        "lte",
        "between",
        "exists",
    }
    assert set(OPERATORS["bool"]) == {"eq", "ne", "exists"}
    assert set(OPERATORS["date"]) == {"eq", "ne", "gt", "gte", "lt", "lte", "between", "exists"}
    assert set(OPERATORS["list"]) == {"contains", "in", "not_in", "exists"}


def test_choices_of_closed_attributes():
    assert ATTRIBUTES["source.kind"].choices == (
        "direct",
        "search",
        "social",
        "internal",
        "referral",
        "campaign",
    )
    assert ATTRIBUTES["device.type"].choices == ("mobile", "tablet", "desktop", "bot")
    assert ATTRIBUTES["device.in_app"].choices == ("wechat", "alipay", "none")
    assert ATTRIBUTES["time.weekday"].choices == (1, 2, 3, 4, 5, 6, 7)
    assert ATTRIBUTES["profile.risk_tolerance"].choices == (1, 2, 3, 4, 5)
    assert ATTRIBUTES["profile.income_band"].choices == ("low", "middle", "high", "very_high")
    assert ATTRIBUTES["time.hour"].cyclic and ATTRIBUTES["time.weekday"].cyclic
    assert not ATTRIBUTES["profile.age"].cyclic


def test_the_source_provider_only_names_engines_and_networks_the_registry_offers():
    engines = {e for e, _ in SEARCH_HOSTS.values()} | {e for _, e, _ in SEARCH_HOST_PATTERNS}
    assert engines <= set(ATTRIBUTES["source.search_engine"].choices or ())
    assert set(SOCIAL_DOMAINS.values()) <= set(ATTRIBUTES["source.social_network"].choices or ())


def test_describe_is_json_and_complete():
    catalogue = json.loads(json.dumps(describe()))
    by_name = {a["name"]: a for a in catalogue["attributes"]}
    assert set(by_name) == set(ATTRIBUTES)
    assert by_name["time.hour"]["operators"][-2:] == ["between", "exists"]
    assert by_name["time.hour"]["family"] == "time"
    assert by_name["device.in_app"]["choices"] == ["wechat", "alipay", "none"]
    assert by_name["geo.city"]["choices"] is None
    assert catalogue["operators"]["list"] == ["contains", "in", "not_in", "exists"]
    assert catalogue["families"][:3] == ["source", "geo", "time"]
    assert catalogue["operator_labels"]["between"] == "is between (inclusive)"


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [
        ("geo.country", "CN", "CN"),
        ("time.hour", "23", 23),
        ("time.hour", 7, 7),
        ("time.is_holiday", True, True),
        ("time.date", "2025-10-01", "2025-10-01"),
        ("profile.products", ("savings",), ["savings"]),
        ("geo.country", None, None),
    ],
)
def test_coerce_accepts_and_normalises(name, given, expected):
    assert coerce(name, given) == expected


@pytest.mark.parametrize(
    ("name", "given", "message"),
    [
        ("geo.contry", "CN", "geo.contry: unknown attribute"),
        ("geo.country", 5, "geo.country: expected a string"),
        ("time.hour", "late", "time.hour: expected a number"),
        ("time.hour", True, "time.hour: expected a number"),
        ("time.is_weekend", "yes", "time.is_weekend: expected true or false"),
        ("time.date", "2025-02-30", "time.date: expected a date YYYY-MM-DD"),
        ("crm.segments", "VIP", "crm.segments: expected a list of strings"),
        (
            "device.type",
            "phone",
            "device.type: 'phone' is not one of: mobile, tablet, desktop, bot",
        ),
        ("time.weekday", 8, "time.weekday: 8 is not one of: 1, 2, 3, 4, 5, 6, 7"),
    ],
)
def test_coerce_rejects_with_the_attribute_named(name, given, message):
    with pytest.raises(ValueError) as caught:
        coerce(name, given)
    assert str(caught.value) == message
