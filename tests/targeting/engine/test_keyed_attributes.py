"""Keyed attributes (issue 14 item 1): ``source.query`` by landing-URL parameter and
``behaviour.page_visits`` by page path."""

from __future__ import annotations

from typing import Any

import pytest

from targeting.engine.attributes import coerce, describe, normalise_key, normalise_path
from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.rules import RuleError, compile_rule, explain, validate


def landing(url: str) -> VisitorContext:
    return VisitorContext(RequestInfo(url=url))


def profile(document: dict[str, Any] | None) -> VisitorContext:
    return VisitorContext(RequestInfo(behaviour_loader=lambda: document))


def query(key: str, op: str, value: Any) -> dict[str, Any]:
    return {"attr": "source.query", "key": key, "op": op, "value": value}


def visits(key: str, op: str, value: Any) -> dict[str, Any]:
    return {"attr": "behaviour.page_visits", "key": key, "op": op, "value": value}


def test_a_landing_parameter_matches_among_others_around_it():
    # Given the peer's query rule: ?query=value, with other parameters before and after it
    rule = query("promo", "eq", "spring")
    url = "https://bank.example/cards/?utm_source=x&promo=spring&gclid=abc"

    # Then it matches that URL and not one where the parameter differs or is missing
    assert compile_rule(rule)(landing(url)) is True
    assert compile_rule(rule)(landing("https://bank.example/cards/?promo=summer")) is False
    assert compile_rule(rule)(landing("https://bank.example/cards/?utm_source=x")) is False
    assert compile_rule({"not": rule})(landing("https://bank.example/cards/")) is True


def test_several_parameters_at_once():
    rule = {"all": [query("promo", "eq", "spring"), query("ch", "in", ["a", "b"])]}
    assert compile_rule(rule)(landing("/x?ch=b&x=1&promo=spring")) is True
    assert compile_rule(rule)(landing("/x?ch=c&promo=spring")) is False


def test_parameter_names_ignore_case_values_are_decoded():
    rule = query("Kw", "eq", "信用卡")
    assert compile_rule(rule)(landing("/?KW=%E4%BF%A1%E7%94%A8%E5%8D%A1")) is True
    assert compile_rule(query("promo", "exists", True))(landing("/?promo=")) is True
    assert compile_rule(query("promo", "eq", "x"))(landing("/?promo=")) is False


def test_page_visits_count_one_page_with_number_operators():
    # Given a visitor who viewed /cards/ three times (stored with and without the slash)
    ctx = profile({"visits": 2, "page_visits": {"/cards/": 2, "/cards": 1, "/loans/": 1}})

    # Then the peer's visit-count rule holds on that page only
    assert compile_rule(visits("/cards/", "gte", 3))(ctx) is True
    assert compile_rule(visits("/cards", "lt", 3))(ctx) is False
    assert compile_rule(visits("/loans/?from=nav", "eq", 1))(ctx) is True
    # a page never viewed counts 0 for a visitor whose views are known
    assert compile_rule(visits("/mortgage/", "lt", 1))(ctx) is True
    assert compile_rule(visits("/mortgage/", "eq", 0))(ctx) is True


def test_page_visits_are_unknown_without_a_profile():
    rule = visits("/cards/", "lt", 1)
    assert compile_rule(rule)(profile(None)) is False
    assert compile_rule({"not": rule})(profile(None)) is True
    # a document folded before paths were counted: unknown too, not 0
    assert compile_rule(rule)(profile({"visits": 3})) is False


@pytest.mark.parametrize(
    ("rule", "path", "message"),
    [
        ({"attr": "source.query", "op": "eq", "value": "x"}, "rule.key", "needs a key"),
        (query("", "eq", "x"), "rule.key", "non-empty"),
        (query(7, "eq", "x"), "rule.key", "expected a string"),
        (query("a\x00b", "eq", "x"), "rule.key", "control"),
        (query("k" * 201, "eq", "x"), "rule.key", "longer than 200"),
        (query("promo", "gt", 1), "rule.op", "does not fit"),
        (visits("cards", "gte", 1), "rule.key", "starting with /"),
        (visits("/cards/", "gte", "3"), "rule.value", "expected a number"),
        (
            {"attr": "geo.country", "key": "x", "op": "eq", "value": "CN"},
            "rule.key",
            "takes no key",
        ),
        (
            {"any": [{"attr": "geo.country", "op": "eq", "value": "CN"}, query(None, "eq", "a")]},
            "rule.any[1].key",
            "expected a string",
        ),
    ],
)
def test_bad_keys_are_refused_naming_the_path(rule, path, message):
    with pytest.raises(RuleError) as caught:
        validate(rule)
    assert caught.value.path == path
    assert message in caught.value.message


def test_explain_shows_the_keyed_value():
    rule = query("promo", "eq", "spring")
    tree = explain(rule, landing("/?promo=spring&x=1"))
    assert tree["key"] == "promo"
    assert tree["actual"] == "spring"
    assert tree["result"] is True


def test_the_catalogue_offers_the_key():
    by_name = {a["name"]: a for a in describe()["attributes"]}
    assert by_name["source.query"]["keyed"] is True
    assert by_name["source.query"]["key_label"] == "Parameter name"
    assert by_name["behaviour.page_visits"]["type"] == "int"
    assert by_name["geo.country"]["keyed"] is False


def test_overrides_of_a_keyed_attribute_are_objects():
    assert coerce("source.query", {"Promo": "spring"}) == {"promo": "spring"}
    assert coerce("behaviour.page_visits", {"/cards/": "2"}) == {"/cards": 2}
    with pytest.raises(ValueError, match="expected an object"):
        coerce("source.query", "promo=spring")
    with pytest.raises(ValueError, match="starting with /"):
        coerce("behaviour.page_visits", {"cards": 1})
    with pytest.raises(ValueError, match="expected a number"):
        coerce("behaviour.page_visits", {"/cards/": True})


def test_paths_normalise():
    assert normalise_path("/cards/?a=1#x") == "/cards"
    assert normalise_path("/%E4%BF%A1/") == "/信"
    assert normalise_path("/") == "/"
    assert normalise_path("cards") is None
    assert normalise_key("source.query", " Promo ") == "promo"
