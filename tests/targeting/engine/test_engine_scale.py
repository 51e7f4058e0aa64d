"""The engine at scale: work done once per snapshot, not once per segment or per explanation."""

from __future__ import annotations

import gc
from unittest import mock

import pytest

from targeting.engine import rules
from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.decide import Snapshot
from targeting.engine.rules import RuleError, compile_pattern, compile_segments, segment_results


def landing_rule(pattern: str) -> dict:
    return {"attr": "source.landing_path", "op": "matches", "value": pattern}


def test_a_pattern_shared_by_many_segments_is_analysed_once():
    # Given 300 segments with the same regular expression (a pattern nobody used before)
    segments = {f"seg-{i}": landing_rule(r"^/(cards|loans)/scale-test-1") for i in range(300)}
    # When they are validated and compiled
    with mock.patch.object(rules, "_analyse", wraps=rules._analyse) as analyse:
        predicates = compile_segments(segments)
    # Then the pattern was analysed once, and every segment works
    assert analyse.call_count == 1
    ctx = VisitorContext(
        RequestInfo(url="https://bank.example/cards/scale-test-1", path="/cards/scale-test-1")
    )
    assert all(predicates[slug](ctx) for slug in segments)


def test_a_refused_pattern_is_refused_every_time_with_the_path_of_its_node():
    for path in ("rule.value", "rule.all[1].value"):
        with pytest.raises(RuleError) as refused:
            compile_pattern("(a+)+b-scale-test", path)
        assert refused.value.path == path
        assert "repeats a group" in refused.value.message


def test_explaining_a_snapshot_does_not_validate_its_rules_again():
    # Given a snapshot (its rules validated once, when it was built)
    segments = {f"seg-{i}": landing_rule(r"^/cards/") for i in range(50)}
    segments["broken"] = {"attr": "geo.country", "op": "gt", "value": "CN"}
    snapshot = Snapshot.build(segments, [], version="v1")
    ctx = VisitorContext(RequestInfo(url="https://bank.example/cards/", path="/cards/"))
    # When every segment is explained
    with mock.patch.object(rules, "validate", wraps=rules.validate) as validate:
        explained = snapshot.explain_segments(ctx)
    # Then no rule is validated again, and the answers are the same as before
    assert validate.call_count == 0
    assert explained["seg-0"]["result"] is True
    assert explained["broken"]["node"] == "invalid"


def test_the_collector_pauses_while_a_snapshot_compiles_and_resumes_after():
    seen = []

    def compiling(segments, errors):
        seen.append(gc.isenabled())
        return {}

    with mock.patch("targeting.engine.decide.compile_segments", compiling):
        Snapshot.build({"a": {"attr": "geo.country", "op": "eq", "value": "CN"}}, [], "v1")
    assert seen == [False]
    assert gc.isenabled()


def test_a_condition_shared_by_many_segments_is_evaluated_once_per_visitor():
    # Given 100 segments that all start with the same condition
    segments = {
        f"seg-{i}": {
            "all": [
                {"attr": "device.type", "op": "eq", "value": "mobile"},
                {"attr": "behaviour.visits", "op": "gte", "value": i},
            ]
        }
        for i in range(100)
    }
    predicates = compile_segments(segments)
    asked = []

    class Counting(VisitorContext):
        __slots__ = ()

        def get(self, name):
            asked.append(name)
            return super().get(name)

    ctx = Counting(RequestInfo(), overrides={"device.type": "mobile", "behaviour.visits": 10})
    # When every segment is evaluated for one visitor
    hits = [slug for slug, predicate in predicates.items() if predicate(ctx)]
    # Then the shared condition was asked once, the others once each, and the answers are right
    assert asked.count("device.type") == 1
    assert asked.count("behaviour.visits") == 100
    assert hits == [f"seg-{i}" for i in range(11)]
    assert set(segment_results(ctx)) == set(segments)
