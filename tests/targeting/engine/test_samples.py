"""Random samples and static audiences as the engine sees them (issue 14 item 4)."""

from __future__ import annotations

from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.providers.visitor import bucket
from targeting.engine.rules import compile_rule


def ctx(visitor_id: str | None = None, **info) -> VisitorContext:
    return VisitorContext(RequestInfo(visitor_id=visitor_id, **info))


def sample(name: str, percent: int) -> dict:
    return {"attr": "visitor.bucket", "key": name, "op": "lt", "value": percent}


def test_a_sample_takes_about_its_share_and_keeps_its_members():
    ids = [f"{i:032x}" for i in range(4000)]
    rule = compile_rule(sample("spring", 20))

    picked = {vid for vid in ids if rule(ctx(vid))}

    assert 0.17 < len(picked) / len(ids) < 0.23
    # the same visitors every time (a new context, a new visit)
    assert picked == {vid for vid in ids if rule(ctx(vid))}


def test_samples_of_different_names_are_independent():
    ids = [f"{i:032x}" for i in range(4000)]
    first = {vid for vid in ids if bucket(vid, "a") < 50}
    second = {vid for vid in ids if bucket(vid, "b") < 50}

    overlap = len(first & second) / len(ids)
    assert 0.21 < overlap < 0.29  # about a quarter, as for independent halves


def test_a_visitor_without_an_id_is_in_no_sample():
    assert compile_rule(sample("spring", 99))(ctx()) is False
    assert ctx().get("visitor.ids") is None


def test_static_members_match_by_any_of_the_visitors_ids():
    rule = compile_rule({"attr": "visitor.ids", "op": "in", "value": ["customer-7"]})

    assert rule(ctx("a" * 32, profile_ids=("customer-7",))) is True
    assert rule(ctx("a" * 32)) is False
