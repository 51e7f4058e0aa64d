"""The profile document module is pure and keeps applications out (issue 9 items 1 and 6)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from targeting.tracking.documents import (
    MAX_SEARCHES,
    behaviour_view,
    fold_event,
    merge_documents,
    parse_time,
)

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_an_application_event_adds_no_second_record_of_applications():
    # given a visitor's document after a page view
    document = fold_event({}, "page_view", AT, {"category": "loan"})
    # when their application is folded in
    after = fold_event(document, "application", AT + timedelta(minutes=1), {"product": "home-loan"})
    # then the document is unchanged: the application record is the products app's alone
    assert after == document
    assert "applications" not in after


def test_merging_keeps_no_applications_list_either():
    merged = merge_documents({"applications": ["a"]}, {"applications": ["b"], "pageviews": 2})
    # the stale key of an old document is not carried into a list of its own
    assert merged.get("applications") == ["a"]
    assert merged["pageviews"] == 2


def test_folding_never_changes_the_document_it_is_given():
    document = {"searches": ["old"], "categories": {"loan": AT.isoformat()}, "pageviews": 1}
    before = copy.deepcopy(document)
    for type_, properties in (
        ("page_view", {"category": "card", "tags": ["gold"]}),
        ("search", {"query": "  Gold   CARD "}),
        ("click", {"campaign": "spring"}),
        ("community_post", {"category": "wealth"}),
        ("branch_visit", {}),
    ):
        fold_event(document, type_, AT, properties)
    assert document == before


def test_lists_stay_bounded_and_most_recent_last():
    document: dict = {}
    for n in range(MAX_SEARCHES + 5):
        document = fold_event(document, "search", AT, {"query": f"q{n}"})
    assert len(document["searches"]) == MAX_SEARCHES
    assert document["searches"][-1] == f"q{MAX_SEARCHES + 4}"


def test_unreadable_stored_times_count_as_unknown_not_as_errors():
    assert parse_time("2026-13-45") is None
    assert parse_time(12345) is None
    assert parse_time("\x00") is None
    # a document with a broken last_seen still folds: a new session starts
    document = fold_event({"last_seen": "not a time", "sessions": 1}, "page_view", AT, {})
    assert document["sessions"] == 2


def test_the_engine_view_lists_categories_most_recent_first():
    document = {
        "categories": {"loan": "2026-11-01T00:00:00+00:00", "card": "2026-11-02T00:00:00+00:00"}
    }
    assert behaviour_view(document)["categories"] == ["card", "loan"]
    assert behaviour_view({}) is None
