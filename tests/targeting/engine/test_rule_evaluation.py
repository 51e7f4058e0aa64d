"""Compiled rules: every operator on every type, boundaries, missing values, segment references."""

from __future__ import annotations

from typing import Any

import pytest
import re2

from targeting.engine.rules import (
    RuleError,
    attributes_used,
    compile_pattern,
    compile_rule,
    compile_segments,
    explain,
    families_used,
    segment_results,
    segments_used,
)
from tests.targeting.engine.conftest import context


def holds(attr: str, op: str, value: Any, actual: Any) -> bool:
    rule = {"attr": attr, "op": op, "value": value}
    return compile_rule(rule)(context({attr: actual}))


@pytest.mark.parametrize(
    ("op", "value", "actual", "expected"),
    [
        ("eq", "CN", "CN", True),
        ("eq", "CN", "cn", False),  # exact: codes are case-sensitive
        ("ne", "CN", "US", True),
        ("ne", "CN", "CN", False),
        ("in", ["CN", "HK"], "HK", True),
        ("in", ["CN", "HK"], "US", False),
        ("not_in", ["CN", "HK"], "US", True),
        ("not_in", ["CN", "HK"], "CN", False),
    ],
)
def test_string_comparisons(op, value, actual, expected):
    assert holds("geo.country", op, value, actual) is expected


@pytest.mark.parametrize(
    ("op", "value", "actual", "expected"),
    [
        ("contains", "信用卡", "招商信用卡申请", True),
        ("contains", "Card", "best credit CARD offers", True),  # case-insensitive
        ("contains", "loan", "credit card", False),
        ("startswith", "/Cards/", "/cards/gold/", True),
        ("startswith", "/cards/", "/loans/cards/", False),
        ("matches", r"^/cards/[a-z-]+/apply$", "/cards/gold-card/apply", True),
        ("matches", r"^/cards/[a-z-]+/apply$", "/CARDS/GOLD/APPLY", True),
        ("matches", r"^/cards/[a-z-]+/apply$", "/cards/gold/apply/now", False),
        ("matches", "(信用卡|credit ?card)", "申请信用卡", True),
        ("matches", ".*mortgage.*", "best mortgage rates", True),
        ("matches", ".*mortgage.*", "loans", False),
    ],
)
def test_string_text_operators(op, value, actual, expected):
    assert holds("source.landing_path", op, value, actual) is expected


def test_matches_looks_at_the_first_1000_characters_only():
    assert holds("source.keyword", "matches", "x", "a" * 999 + "x")
    assert not holds("source.keyword", "matches", "x", "a" * 1000 + "x")


def test_matches_with_two_quantifiers_looks_at_100_characters():
    assert holds("source.keyword", "matches", "a.*b.*c", "a" + "-" * 97 + "bc")
    assert not holds("source.keyword", "matches", "a.*b.*c", "a" + "-" * 98 + "bc")


@pytest.mark.parametrize("n", [24, 66])  # 66 is the longest that fits in 200 characters
def test_matches_is_linear_time_on_the_pattern_that_defeated_the_analysis(n):
    # Given a^n preceded by n optional a's: the analysis lets it through ("?" is not counted) and
    # Python's backtracking re takes about 2**n steps on a string of fewer than n a's
    pattern = "a?" * n + "a" * n
    rule = {"attr": "source.landing_path", "op": "matches", "value": pattern}
    predicate = compile_rule(rule)

    # When it is evaluated against long values that fail and that match
    failing = predicate(context({"source.landing_path": "a" * (n - 1) + "b" * 5000}))
    matching = predicate(context({"source.landing_path": "b" * 500 + "a" * n + "b" * 5000}))

    # Then the answers are right (this test would not finish with re), and RE2 gave them
    assert failing is False
    assert matching is True
    assert isinstance(compile_pattern(pattern).regex, type(re2.compile("x")))


def test_the_evil_pattern_at_n_100_is_refused_by_the_length_bound():
    with pytest.raises(RuleError) as caught:
        compile_rule({"attr": "source.keyword", "op": "matches", "value": "a?" * 100 + "a" * 100})
    assert caught.value.message == "regular expression longer than 200 characters"


@pytest.mark.parametrize(
    ("pattern", "actual", "expected"),
    [
        ("信用卡", "申请招商信用卡", True),  # search: anywhere in the value
        ("^信用卡$", "申请信用卡", False),  # anchors still anchor
        ("^信用卡$", "信用卡", True),
        ("CARD.LOAN", "card\nloan", True),  # "." matches a newline
        (r"\p{Han}{2}卡", "办信用卡", True),  # RE2 syntax for Chinese characters
        (r"\p{Han}", "credit card", False),
        ("ΣΑΣ", "σας", True),  # case-insensitive beyond ASCII
    ],
)
def test_matches_semantics_under_re2(pattern, actual, expected):
    assert holds("source.keyword", "matches", pattern, actual) is expected


@pytest.mark.parametrize(
    ("op", "value", "actual", "expected"),
    [
        ("eq", 3, 3, True),
        ("eq", 3, 4, False),
        ("ne", 3, 4, True),
        ("in", [1, 3, 5], 3, True),
        ("in", [1, 3, 5], 4, False),
        ("not_in", [1, 3, 5], 4, True),
        ("gt", 3, 4, True),
        ("gt", 3, 3, False),
        ("gte", 3, 3, True),
        ("gte", 3, 2, False),
        ("lt", 3, 2, True),
        ("lt", 3, 3, False),
        ("lte", 3, 3, True),
        ("lte", 3, 4, False),
        ("between", [3, 5], 3, True),  # inclusive at both ends
        ("between", [3, 5], 5, True),
        ("between", [3, 5], 2, False),
        ("between", [3, 5], 6, False),
        ("gte", 2.5, 3, True),
        ("eq", 0, 0, True),  # zero is a value, not missing
    ],
)
def test_integer_operators(op, value, actual, expected):
    assert holds("behaviour.visits", op, value, actual) is expected


@pytest.mark.parametrize(
    ("hour", "expected"),
    [(22, True), (23, True), (0, True), (5, True), (6, True), (7, False), (21, False)],
)
def test_hour_range_wraps_past_midnight(hour, expected):
    assert holds("time.hour", "between", [22, 6], hour) is expected


def test_weekday_range_wraps_too_but_age_does_not():
    assert [d for d in range(1, 8) if holds("time.weekday", "between", [6, 1], d)] == [1, 6, 7]
    assert [d for d in range(1, 8) if holds("time.weekday", "between", [2, 4], d)] == [2, 3, 4]
    assert holds("profile.age", "between", [30, 30], 30)


@pytest.mark.parametrize(
    ("op", "value", "actual", "expected"),
    [
        ("eq", True, True, True),
        ("eq", True, False, False),
        ("eq", False, False, True),
        ("ne", True, False, True),
        ("ne", True, True, False),
    ],
)
def test_boolean_operators(op, value, actual, expected):
    assert holds("time.is_holiday", op, value, actual) is expected


@pytest.mark.parametrize(
    ("op", "value", "actual", "expected"),
    [
        ("eq", "2025-10-01", "2025-10-01", True),
        ("ne", "2025-10-01", "2025-10-02", True),
        ("gt", "2025-09-30", "2025-10-01", True),
        ("gt", "2025-10-01", "2025-10-01", False),
        ("gte", "2025-10-01", "2025-10-01", True),
        ("lt", "2025-10-01", "2025-09-30", True),
        ("lte", "2025-10-01", "2025-10-02", False),
        ("between", ["2025-10-01", "2025-10-08"], "2025-10-01", True),
        ("between", ["2025-10-01", "2025-10-08"], "2025-10-08", True),
        ("between", ["2025-10-01", "2025-10-08"], "2025-10-09", False),
        ("between", ["2025-10-01", "2025-10-08"], "2025-09-30", False),
    ],
)
def test_date_operators(op, value, actual, expected):
    assert holds("time.date", op, value, actual) is expected


@pytest.mark.parametrize(
    ("op", "value", "actual", "expected"),
    [
        ("contains", "savings", ["credit-card", "savings"], True),
        ("contains", "Savings", ["savings"], False),  # list membership is exact
        ("contains", "sav", ["savings"], False),  # a member, not a substring
        ("in", ["mortgage", "savings"], ["savings"], True),  # any in common
        ("in", ["mortgage", "fund"], ["savings"], False),
        ("in", ["mortgage"], [], False),
        ("not_in", ["mortgage", "fund"], ["savings"], True),  # none in common
        ("not_in", ["mortgage", "savings"], ["savings"], False),
        ("not_in", ["mortgage"], [], True),  # a known empty list holds none of them
    ],
)
def test_list_operators(op, value, actual, expected):
    assert holds("profile.products", op, value, actual) is expected


# Missing values: every operator is false, exists:false is true, and `not` flips that.
MISSING_CASES = [
    ("geo.country", "eq", "CN"),
    ("geo.country", "ne", "CN"),
    ("geo.country", "in", ["CN"]),
    ("geo.country", "not_in", ["CN"]),
    ("source.keyword", "contains", "卡"),
    ("source.keyword", "startswith", "信"),
    ("source.keyword", "matches", "."),
    ("profile.age", "gt", 0),
    ("profile.age", "lt", 200),
    ("profile.age", "between", [0, 200]),
    ("time.is_holiday", "eq", False),
    ("time.is_holiday", "ne", True),
    ("time.date", "gte", "1900-01-01"),
    ("profile.products", "contains", "savings"),
    ("profile.products", "in", ["savings"]),
    ("profile.products", "not_in", ["savings"]),
    ("geo.country", "exists", True),
]


@pytest.mark.parametrize(("attr", "op", "value"), MISSING_CASES)
def test_missing_value_makes_a_condition_false_and_its_not_true(attr, op, value):
    rule = {"attr": attr, "op": op, "value": value}
    ctx = context()  # every attribute unknown
    assert compile_rule(rule)(ctx) is False
    assert compile_rule({"not": rule})(ctx) is True


def test_exists():
    assert holds("geo.country", "exists", True, "CN")
    assert not holds("geo.country", "exists", False, "CN")
    assert compile_rule({"attr": "geo.country", "op": "exists", "value": False})(context())
    assert holds("profile.products", "exists", True, [])  # a known empty list is known


def test_wrongly_typed_values_count_as_missing_not_as_errors():
    ctx = context()
    ctx._values["profile.age"] = "thirty"  # a provider bug must not raise into the page
    ctx._values["geo.city"] = 42
    assert compile_rule({"attr": "profile.age", "op": "gt", "value": 20})(ctx) is False
    assert compile_rule({"attr": "geo.city", "op": "contains", "value": "du"})(ctx) is False


def test_all_any_not():
    rule = {
        "all": [
            {"attr": "device.type", "op": "eq", "value": "mobile"},
            {
                "any": [
                    {"attr": "geo.region", "op": "eq", "value": "CN-SC"},
                    {"attr": "geo.region", "op": "eq", "value": "CN-CQ"},
                ]
            },
            {"not": {"attr": "time.is_weekend", "op": "eq", "value": True}},
        ]
    }
    predicate = compile_rule(rule)
    base = {"device.type": "mobile", "geo.region": "CN-CQ", "time.is_weekend": False}
    assert predicate(context(base))
    assert not predicate(context({**base, "geo.region": "CN-BJ"}))
    assert not predicate(context({**base, "time.is_weekend": True}))
    assert not predicate(context({**base, "device.type": "desktop"}))
    # Unknown weekend: the inner condition is false, so its `not` holds.
    assert predicate(context({**base, "time.is_weekend": None}))


def test_segment_references_are_evaluated_once_per_context():
    calls: list[str] = []

    def counting(ctx: Any) -> bool:
        calls.append("young")
        return True

    rule = {"all": [{"segment": "young"}, {"any": [{"segment": "young"}, {"segment": "vip"}]}]}
    predicate = compile_rule(rule, {"young": counting})
    ctx = context()
    assert predicate(ctx) is True
    assert predicate(ctx) is True
    assert calls == ["young"]
    assert ctx.segment_memo == {"young": True}
    # A slug the lookup does not know never matches.
    assert compile_rule({"segment": "vip"}, {})(context()) is False


def test_compile_segments_resolves_references_and_memoises():
    segments = {
        "sichuan": {"attr": "geo.region", "op": "eq", "value": "CN-SC"},
        "mobile": {"attr": "device.type", "op": "eq", "value": "mobile"},
        "sichuan-mobile": {"all": [{"segment": "sichuan"}, {"segment": "mobile"}]},
        "not-sichuan": {"not": {"segment": "sichuan"}},
    }
    predicates = compile_segments(segments)
    ctx = context({"geo.region": "CN-SC", "device.type": "desktop"})
    assert predicates["sichuan-mobile"](ctx) is False
    assert segment_results(ctx) == {"sichuan": True, "mobile": False, "sichuan-mobile": False}
    assert predicates["not-sichuan"](ctx) is False
    unknown_geo = context({"device.type": "mobile"})
    assert predicates["not-sichuan"](unknown_geo) is True


def test_invalid_and_cyclic_segments_never_match_and_are_reported():
    segments = {
        "a": {"any": [{"segment": "b"}, {"attr": "device.type", "op": "exists", "value": False}]},
        "b": {"segment": "a"},
        "uses-a": {"not": {"segment": "a"}},
        "bad": {"attr": "geo.country", "op": "gt", "value": 1},
        "fine": {"attr": "device.type", "op": "exists", "value": False},
    }
    errors: dict[str, Any] = {}
    predicates = compile_segments(segments, errors)
    ctx = context()
    assert {slug: predicates[slug](ctx) for slug in segments} == {
        "a": False,
        "b": False,
        "uses-a": True,  # `not` of a never-matching segment
        "bad": False,
        "fine": True,
    }
    assert sorted(errors) == ["a", "b", "bad"]
    assert errors["a"].message == "segment reference cycle a -> b -> a"


def test_used_attributes_families_and_segments():
    rule = {
        "all": [
            {"attr": "geo.region", "op": "eq", "value": "CN-SC"},
            {"not": {"attr": "time.hour", "op": "between", "value": [22, 6]}},
            {"any": [{"segment": "vip"}, {"attr": "behaviour.visits", "op": "gt", "value": 3}]},
        ]
    }
    assert attributes_used(rule) == {"geo.region", "time.hour", "behaviour.visits"}
    assert families_used(rule) == {"geo", "time", "behaviour"}
    assert segments_used(rule) == {"vip"}


def test_explain_says_why_node_by_node():
    rule = {
        "all": [
            {"attr": "geo.region", "op": "eq", "value": "CN-SC"},
            {"not": {"attr": "profile.age", "op": "lt", "value": 25}},
            {"segment": "mobile"},
        ]
    }
    lookup = compile_segments({"mobile": {"attr": "device.type", "op": "eq", "value": "mobile"}})
    ctx = context({"geo.region": "CN-BJ", "device.type": "mobile"})
    tree = explain(rule, ctx, lookup)
    assert tree["node"] == "all" and tree["result"] is False
    first, second, third = tree["children"]
    assert first == {
        "path": "rule.all[0]",
        "node": "condition",
        "attr": "geo.region",
        "op": "eq",
        "value": "CN-SC",
        "actual": "CN-BJ",
        "result": False,
    }
    assert second["node"] == "not" and second["result"] is True
    assert second["children"][0]["actual"] is None
    assert second["children"][0]["path"] == "rule.all[1].not"
    assert third == {
        "path": "rule.all[2]",
        "node": "segment",
        "segment": "mobile",
        "known": True,
        "result": True,
    }
    assert compile_rule(rule, lookup)(ctx) is tree["result"]


def test_explain_of_an_invalid_rule():
    tree = explain({"attr": "geo.country", "op": "gt", "value": 1}, context())
    assert tree["node"] == "invalid" and tree["result"] is False
    assert tree["error"].startswith("rule.op: operator 'gt' does not fit geo.country")
