"""Recent channel events as rule conditions: the card, branch, app and call-centre families and
the 7-day category windows, read from the profile's compact window (issue 11 item 1)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from targeting.engine.attributes import ATTRIBUTES, CARD_CATEGORIES
from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.providers.channels import MCC_RANGES, NAMES, mcc_category
from targeting.engine.rules import RuleError, compile_rule, validate

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)


def at(**delta: float) -> str:
    return (NOW - timedelta(**delta)).isoformat()


def day(days: int) -> str:
    return (NOW - timedelta(days=days)).date().isoformat()


RECENT: dict[str, Any] = {
    "card": [[at(days=2), "5812", 88.0], [at(hours=3), "4511", 3200.5]],
    "card_days": {
        day(0): {"4511": [1, 3200.5]},
        day(2): {"5812": [1, 88.0]},
        day(29): {"7011": [2, 1000.0]},
        day(30): {"7011": [1, 5000.0]},  # outside 30 days
    },
    "branch": [at(days=3), "BJ-001"],
    "branch_days": [day(3), day(40), day(100)],
    "app_days": [day(12)],
    "call_days": {day(1): 2, day(45): 1},
    "call_reason": "lost card",
    "views": {"wealth": {day(1): 3}, "loan": {day(2): 1}, "deposit": {day(9): 4}},
    "applied": {"loan": day(1)},
}


def context(recent: Any = RECENT, customer: bool = True, document: bool = True) -> VisitorContext:
    profile = {"visits": 1, "recent": recent} if document else None
    return VisitorContext(
        RequestInfo(
            now=NOW,
            customer_id="7" if customer else None,
            behaviour_loader=lambda: profile,
        )
    )


def test_every_channel_attribute_is_registered_with_its_family() -> None:
    assert set(NAMES) <= set(ATTRIBUTES)
    assert (*MCC_RANGES, "other") == CARD_CATEGORIES
    assert {ATTRIBUTES[n].family for n in NAMES} == {
        "card",
        "branch",
        "app",
        "call_centre",
        "behaviour",
    }


def test_the_issues_examples_read_from_the_window() -> None:
    ctx = context()
    # the merchant category of the last card transaction within 24 hours
    assert ctx.get("card.last_mcc") == "4511"
    assert ctx.get("card.last_category") == "travel"
    assert ctx.get("card.hours_since_last") == 3
    assert ctx.get("card.categories_24h") == ["travel"]
    assert ctx.get("card.last_amount") == 3200
    # card spend in a category over 30 days (today and the 29 days before)
    assert ctx.get("card.spend_30d.travel") == 4200
    assert ctx.get("card.spend_30d.dining") == 88
    assert ctx.get("card.spend_30d") == 4288  # whole yuan, rounded down
    assert ctx.get("card.transactions_30d") == 4
    # product-page views of a category in 7 days without an application
    assert ctx.get("behaviour.categories_7d") == ["loan", "wealth"]
    assert ctx.get("behaviour.unapplied_categories_7d") == ["wealth"]
    # the last branch visited
    assert ctx.get("branch.last") == "BJ-001"
    assert ctx.get("branch.days_since_last_visit") == 3
    assert ctx.get("branch.visits_90d") == 2
    # whether the app was opened in 30 days
    assert ctx.get("app.opened_30d") is True
    assert ctx.get("app.days_since_last_open") == 12
    assert ctx.get("call_centre.contacts_30d") == 2
    assert ctx.get("call_centre.last_reason") == "lost card"


def test_a_travel_rule_matches_and_its_negation_does_not() -> None:
    rule = {
        "all": [
            {"attr": "card.last_category", "op": "eq", "value": "travel"},
            {"attr": "card.hours_since_last", "op": "lt", "value": 24},
            {"attr": "card.spend_30d.travel", "op": "gte", "value": 3000},
        ]
    }
    validate(rule)
    assert compile_rule(rule)(context()) is True
    assert compile_rule({"not": rule})(context()) is False
    # the same rule a day later: the transaction is no longer within 24 hours
    later = VisitorContext(
        RequestInfo(
            now=NOW + timedelta(days=1),
            customer_id="7",
            behaviour_loader=lambda: {"recent": RECENT},
        )
    )
    assert compile_rule(rule)(later) is False


def test_an_anonymous_visitor_without_a_window_is_unknown() -> None:
    ctx = context(recent=None, customer=False)
    channel_names = [n for n in NAMES if not n.startswith("behaviour.")]
    assert all(ctx.get(name) is None for name in channel_names)
    # the 7-day page-view windows are known (empty) wherever a document exists...
    assert ctx.get("behaviour.categories_7d") == []
    # ...and unknown without one (no consent, first visit)
    nobody = context(customer=False, document=False)
    assert all(nobody.get(name) is None for name in NAMES)
    rule = {"attr": "app.opened_30d", "op": "eq", "value": False}
    assert compile_rule(rule)(ctx) is False
    assert compile_rule({"not": rule})(ctx) is True


def test_a_customer_without_channel_events_is_known_to_have_none() -> None:
    ctx = context(recent=None, customer=True)
    assert ctx.get("app.opened_30d") is False
    assert ctx.get("card.spend_30d.travel") == 0
    assert ctx.get("card.last_mcc") is None
    # ...but without a document to read (no consent) nothing is known
    blind = VisitorContext(RequestInfo(now=NOW, customer_id="7"))
    assert blind.get("app.opened_30d") is None


@pytest.mark.parametrize(
    "hostile",
    [
        {"card": [[at(hours=1), "4511", math.nan]], "card_days": {day(0): {"4511": [1, math.nan]}}},
        {"card": [[at(hours=1), "4511", 1e300]], "card_days": {day(0): {"4511": [1, math.inf]}}},
        {"card": [[at(hours=1), "45\x001", 5.0]], "card_days": {day(0): {"abcd": [1, 5.0]}}},
        {"card": "junk", "card_days": [1, 2], "branch": {"x": 1}, "views": 5, "applied": []},
        {"card": [[1, 2, 3], None, [at(days=-9), "4511", 5.0]], "call_days": {day(0): "9"}},
        {"app_days": ["9999-99-99", "\x00", 7], "branch_days": None, "branch": [None, None]},
    ],
)
def test_hostile_windows_are_read_as_nothing_never_as_an_error(hostile: dict[str, Any]) -> None:
    ctx = context(recent=hostile)
    values = {name: ctx.get(name) for name in NAMES}
    assert ctx.errors == {}
    assert values["card.spend_30d"] == 0
    assert values["app.opened_30d"] is False
    assert all(not isinstance(v, float) for v in values.values())


def test_unknown_merchant_codes_count_as_other() -> None:
    assert mcc_category("4511") == "travel"
    assert mcc_category("0742") == "other"
    assert mcc_category("9999") == "other"
    assert mcc_category("451") is None
    assert mcc_category("４５１１") is None  # full-width digits are not a code
    assert mcc_category(4511) is None
    ctx = context(
        recent={"card": [[at(hours=1), "0742", 10.0]], "card_days": {day(0): {"0742": [1, 10.0]}}}
    )
    assert ctx.get("card.last_category") == "other"
    assert ctx.get("card.spend_30d.other") == 10


def test_validation_names_the_path_of_a_bad_value() -> None:
    with pytest.raises(RuleError) as error:
        validate({"all": [{"attr": "card.last_category", "op": "eq", "value": "space-travel"}]})
    assert error.value.path.startswith("rule.all[0]")
    with pytest.raises(RuleError) as error:
        validate({"any": [{"attr": "card.spend_30d.travel", "op": "gte", "value": "lots"}]})
    assert error.value.path == "rule.any[0].value"
    with pytest.raises(RuleError) as error:
        validate({"attr": "card.spend_30d.yachts", "op": "gte", "value": 1})
    assert error.value.path == "rule.attr"


def test_each_family_is_computed_only_when_a_rule_asks_for_it() -> None:
    ctx = context()
    assert ctx.get("app.opened_30d") is True
    computed = set(ctx.known())
    assert "app.days_since_last_open" in computed
    assert not any(name.startswith(("card.", "branch.", "call_centre.")) for name in computed)
