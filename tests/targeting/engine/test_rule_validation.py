"""Rule validation: each kind of mistake is rejected with the node's path and a clear message."""

from __future__ import annotations

import pickle

import pytest

from targeting.engine.rules import (
    MAX_DEPTH,
    RuleError,
    find_cycle,
    validate,
    validate_all,
)


def cond(attr: str, op: str, value: object) -> dict[str, object]:
    return {"attr": attr, "op": op, "value": value}


def error_of(rule: object, **kwargs: object) -> RuleError:
    with pytest.raises(RuleError) as caught:
        validate(rule, **kwargs)  # type: ignore[arg-type]
    return caught.value


def test_error_string_is_path_colon_message():
    rule = {
        "all": [
            cond("geo.country", "eq", "CN"),
            cond("device.type", "eq", "mobile"),
            cond("behaviour.visits", "gt", "three"),
        ]
    }
    error = error_of(rule)
    assert (error.path, error.message) == ("rule.all[2].value", "expected a number")
    assert str(error) == "rule.all[2].value: expected a number"
    assert error.as_dict() == {"path": "rule.all[2].value", "message": "expected a number"}


def test_rule_errors_survive_pickling():
    # Django caches and multiprocessing pickle exceptions; our own bytes, not untrusted data.
    error = pickle.loads(pickle.dumps(RuleError("rule.all[0]", "expected an object")))  # noqa: S301
    assert (error.path, str(error)) == ("rule.all[0]", "rule.all[0]: expected an object")


def test_valid_rule_returns_references_in_order():
    rule = {
        "any": [
            {"segment": "young"},
            {"not": {"segment": "vip"}},
            {"all": [{"segment": "young"}, cond("time.hour", "between", [22, 6])]},
        ]
    }
    assert validate(rule, known_segments={"young": {}, "vip": {}}) == ["young", "vip"]


@pytest.mark.parametrize(
    ("rule", "path", "message"),
    [
        # not an object
        (["geo.country"], "rule", "expected an object"),
        ({"all": ["CN"]}, "rule.all[0]", "expected an object"),
        # empty node, unknown key, several keys, condition keys without attr
        ({}, "rule", "empty node: expected all, any, not, segment or attr"),
        (
            {"every": []},
            "rule",
            "unknown node key 'every'; expected all, any, not, segment or attr",
        ),
        ({"all": [cond("geo.country", "eq", "CN")], "any": []}, "rule", None),
        ({"op": "eq", "value": 1}, "rule", 'a condition needs "attr"'),
        (
            {"attr": "geo.country", "op": "eq", "value": "CN", "negate": True},
            "rule",
            "unknown key 'negate' in a condition; expected attr, op, value",
        ),
        # all / any
        ({"all": {"attr": "geo.country"}}, "rule.all", "expected a list of nodes"),
        ({"any": []}, "rule.any", "expected at least one node"),
        # attribute and operator
        (
            cond("geo.contry", "eq", "CN"),
            "rule.attr",
            "unknown attribute 'geo.contry' (did you mean geo.country?)",
        ),
        (cond(42, "eq", "CN"), "rule.attr", "expected an attribute name"),
        ({"attr": "geo.country", "value": "CN"}, "rule.op", "missing operator"),
        (cond("geo.country", "equals", "CN"), "rule.op", "unknown operator 'equals'"),
        (
            cond("geo.country", "gt", "CN"),
            "rule.op",
            "operator 'gt' does not fit geo.country (str); "
            "use one of: eq, ne, in, not_in, contains, startswith, matches, exists",
        ),
        (
            cond("profile.products", "eq", "savings"),
            "rule.op",
            "operator 'eq' does not fit profile.products (list); "
            "use one of: contains, in, not_in, exists",
        ),
        ({"attr": "geo.country", "op": "eq"}, "rule.value", "missing value"),
    ],
)
def test_structural_errors(rule, path, message):
    error = error_of(rule)
    assert error.path == path
    if message is None:  # several keys
        assert error.message == "a node has exactly one key, found all, any"
    else:
        assert error.message == message


@pytest.mark.parametrize(
    ("condition", "path", "message"),
    [
        (cond("behaviour.visits", "gte", "3"), "rule.value", "expected a number"),
        (cond("behaviour.visits", "gte", True), "rule.value", "expected a number"),
        (cond("geo.country", "eq", 86), "rule.value", "expected a string"),
        (cond("geo.country", "in", "CN"), "rule.value", "in needs a list"),
        (cond("geo.country", "not_in", "CN"), "rule.value", "not_in needs a list"),
        (cond("geo.country", "in", []), "rule.value", "in needs at least one value"),
        (cond("geo.country", "in", ["CN", 1]), "rule.value[1]", "expected a string"),
        (cond("profile.products", "in", "savings"), "rule.value", "in needs a list"),
        (cond("profile.products", "contains", ["a"]), "rule.value", "expected a string"),
        (cond("geo.city", "contains", ""), "rule.value", "expected a non-empty string"),
        (cond("time.hour", "between", 22), "rule.value", "between needs [low, high]"),
        (cond("time.hour", "between", [1, 2, 3]), "rule.value", "between needs [low, high]"),
        (cond("time.hour", "between", [22, "6"]), "rule.value[1]", "expected a number"),
        (
            cond("profile.age", "between", [40, 30]),
            "rule.value",
            "between needs [low, high] with low <= high",
        ),
        (cond("geo.country", "exists", "yes"), "rule.value", "exists needs true or false"),
        (cond("time.is_weekend", "eq", "true"), "rule.value", "expected true or false"),
        (cond("time.is_holiday", "eq", 1), "rule.value", "expected true or false"),
        (cond("time.date", "gte", "2025/10/01"), "rule.value", "expected a date YYYY-MM-DD"),
        (cond("time.date", "eq", "2025-02-29"), "rule.value", "expected a date YYYY-MM-DD"),
        (
            cond("time.date", "between", ["2025-10-08", "2025-10-01"]),
            "rule.value",
            "between needs [low, high] with low <= high",
        ),
        (
            cond("device.type", "eq", "phone"),
            "rule.value",
            "'phone' is not one of: mobile, tablet, desktop, bot",
        ),
        (
            cond("source.kind", "in", ["search", "seo"]),
            "rule.value[1]",
            "'seo' is not one of: direct, search, social, internal, referral, campaign",
        ),
        (
            cond("time.hour", "eq", 24),
            "rule.value",
            "24 is not one of: " + ", ".join(str(h) for h in range(24)),
        ),
        (cond("time.weekday", "between", [6, 8]), "rule.value[1]", None),
    ],
)
def test_value_errors(condition, path, message):
    error = error_of({"all": [{"segment": "x"}, condition]}, known_segments={"x": {}})
    assert error.path == path.replace("rule", "rule.all[1]", 1)
    if message is not None:
        assert error.message == message
    else:
        assert error.message.startswith("8 is not one of: 1, 2")


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("[", "invalid regular expression: unterminated character set at position 0"),
        ("x" * 201, "regular expression longer than 200 characters"),
        ("(a+)+$", "regular expression repeats a group that contains a quantifier"),
        ("(a|ab)*c", "regular expression repeats a group that contains a quantifier"),
        ("(?:cards|loans)+", "regular expression repeats a group that contains a quantifier"),
        (r"(\w)\1", "backreferences are not allowed in a regular expression"),
        ("a.*b.*c.*d", "regular expression has 3 variable quantifiers"),
        ("(ab?)+", "regular expression repeats a group that contains a quantifier"),
    ],
)
def test_regex_errors(pattern, message):
    error = error_of({"not": cond("source.landing_path", "matches", pattern)})
    assert error.path == "rule.not.value"
    assert error.message.startswith(message)


@pytest.mark.parametrize(
    ("pattern", "detail"),
    [
        ("^/cards/(?=gold)", "invalid perl operator: (?="),  # lookahead
        ("(?<!no-)card", "invalid perl operator: (?<!"),  # lookbehind
        ("(?>card)s", "invalid perl operator: (?>"),  # atomic group
        (r"card\Z", r"invalid escape sequence: \Z"),  # RE2 spells it \z
    ],
)
def test_patterns_re2_cannot_compile_are_refused_with_the_node_path(pattern, detail):
    # Given a rule whose third condition uses syntax Python reads and RE2 does not
    rule = {
        "all": [
            cond("geo.country", "eq", "CN"),
            cond("device.type", "eq", "mobile"),
            cond("source.landing_path", "matches", pattern),
        ]
    }
    # When it is validated, then the error names that node's value and says why
    error = error_of(rule)
    assert error.path == "rule.all[2].value"
    assert error.message.startswith("regular expression uses syntax RE2 does not support")
    assert error.message.endswith(detail)


def test_numbered_backreference_keeps_its_friendly_error():
    error = error_of({"all": [cond("source.keyword", "matches", r"(ab)\1")]})
    assert (error.path, error.message) == (
        "rule.all[0].value",
        "backreferences are not allowed in a regular expression",
    )


@pytest.mark.parametrize(
    "pattern",
    [
        "x" * 200,
        "^/cards/[a-z-]+/apply",
        r"(信用卡|credit ?card)",
        r"(\d{3})+",
        ".*card.*",  # the .* at either end are dropped, not counted
        "loan.*rate.*calculator",
        "^https?://(www\\.)?bank.*loan.*",  # "?" does not count as a variable quantifier
        r"\p{Han}+卡",  # RE2 syntax that Python's parser does not read
        r"^card\z",
    ],
)
def test_acceptable_regexes(pattern):
    assert validate(cond("source.keyword", "matches", pattern)) == []


def test_unknown_segment_reference():
    rule = {"any": [cond("geo.country", "eq", "CN"), {"segment": "gone"}]}
    assert validate(rule) == ["gone"]  # without known segments, any slug is accepted
    error = error_of(rule, known_segments={"young": {}})
    assert (error.path, error.message) == ("rule.any[1].segment", "unknown segment 'gone'")


def test_segment_reference_must_be_a_slug_and_not_itself():
    error = error_of({"segment": ["young"]})
    assert (error.path, error.message) == ("rule.segment", "expected a segment slug")
    error = error_of({"not": {"segment": "me"}}, self_slug="me")
    assert (error.path, error.message) == ("rule.not.segment", "a segment cannot refer to itself")


def test_depth_limit():
    rule: dict[str, object] = cond("geo.country", "eq", "CN")
    for _ in range(MAX_DEPTH - 1):
        rule = {"not": rule}
    assert validate(rule) == []  # exactly 20 levels
    error = error_of({"all": [rule]})
    assert error.path == "rule.all[0]" + ".not" * (MAX_DEPTH - 1)
    assert error.message == "nested deeper than 20 levels"


def test_node_count_limit():
    leaves = [cond("behaviour.visits", "gte", i) for i in range(499)]
    assert validate({"any": leaves}) == []  # 500 nodes
    error = error_of({"any": [*leaves, cond("behaviour.visits", "gte", 500)]})
    assert (error.path, error.message) == ("rule", "more than 500 nodes")


def test_find_cycle():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": []}) is None
    assert find_cycle({"a": ["b"], "b": ["a"]}) == ["a", "b", "a"]
    assert find_cycle({"x": ["y"], "y": ["z"], "z": ["y"]}) == ["y", "z", "y"]
    assert find_cycle({"a": ["a"]}) == ["a", "a"]
    chain = {f"s{i}": [f"s{i + 1}"] for i in range(5000)}  # deep chains do not recurse
    assert find_cycle(chain) is None
    chain["s5000"] = ["s0"]
    cycle = find_cycle(chain)
    assert cycle is not None and len(cycle) == 5002 and cycle[0] == cycle[-1]


def test_validate_all_flags_cycles_on_every_member_and_other_errors():
    segments = {
        "a": {"segment": "b"},
        "b": {"all": [{"segment": "a"}, cond("geo.country", "eq", "CN")]},
        "c": {"segment": "a"},  # references a cyclic segment: valid itself, never matches
        "d": cond("geo.country", "gt", 1),
        "e": {"segment": "nowhere"},
        "f": cond("device.type", "eq", "mobile"),
    }
    errors = validate_all(segments)
    assert {slug: str(error) for slug, error in errors.items()} == {
        "a": "rule: segment reference cycle a -> b -> a",
        "b": "rule: segment reference cycle b -> a -> b",
        "d": (
            "rule.op: operator 'gt' does not fit geo.country (str); "
            "use one of: eq, ne, in, not_in, contains, startswith, matches, exists"
        ),
        "e": "rule.segment: unknown segment 'nowhere'",
    }
