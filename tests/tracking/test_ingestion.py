"""Hostile input on the event API (and the beacon's text/plain form of it): every refusal is a
4xx naming the field, never a 500, and one bad event never sinks the rest of its batch."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.db import connection

from targeting.tracking.models import RawEvent, VisitorProfile
from tests.tracking.conftest import VID, event, post_batch

pytestmark = pytest.mark.django_db

BEACON = "text/plain;charset=UTF-8"


def post_text(client, text: str, content_type: str = "application/json"):
    return client.post("/api/v1/events", data=text.encode(), content_type=content_type)


def batch_text(*events_json: str) -> str:
    return '{"events": [' + ",".join(events_json) + "]}"


def card_event(amount_json: str) -> str:
    """A search event whose ``results`` is written as raw JSON (so NaN can be sent)."""
    raw = event("search", properties={"query": "基金", "results": 0})
    return json.dumps(raw).replace('"results": 0', f'"results": {amount_json}')


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
@pytest.mark.parametrize("content_type", ["application/json", BEACON])
def test_a_non_finite_number_rejects_its_event_naming_the_field(browser, literal, content_type):
    # Given a batch whose second event carries NaN/Infinity (Python's json would accept them)
    good = event()
    response = post_text(
        browser, batch_text(json.dumps(good), card_event(literal)), content_type=content_type
    )

    # Then the good event is accepted and the bad one is rejected by index and field
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == [good["id"]]
    assert [r["index"] for r in body["rejected"]] == [1]
    assert body["rejected"][0]["detail"].startswith("events[1].properties.results: ")
    assert "finite" in body["rejected"][0]["detail"]
    assert RawEvent.objects.count() == 1


def test_a_batch_of_only_poisoned_events_is_a_400_naming_each_field(browser):
    response = post_text(browser, batch_text(card_event("NaN"), card_event("Infinity")))

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "rejected"
    assert "events[0].properties.results: expected a finite number" in body["detail"]
    assert "events[1].properties.results: expected a finite number" in body["detail"]
    assert RawEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        ({"query": "基\x00金"}, "properties.query", "control character U+0000 is not allowed"),
        ({"query": "a\x1bb"}, "properties.query", "control character U+001B is not allowed"),
        ({"query": "a\rb"}, "properties.query", "control character U+000D is not allowed"),
        ({"query": "a\x7fb"}, "properties.query", "control character U+007F is not allowed"),
        ({"query": "a\ud800b"}, "properties.query", "a lone surrogate U+D800 is not text"),
        (
            {"query": "a", "x\x00": 1},
            "properties.x\\x00",
            "name: control character U+0000 is not allowed",
        ),
    ],
)
def test_control_characters_reject_the_event_naming_the_field(browser, bad, field, message):
    # json.dumps writes "\u0000" and "\ud800" escapes, exactly what a hostile client sends
    good = event()
    response = post_batch(browser, [good, event("search", properties=bad)])

    body = response.json()
    assert response.status_code == 200
    assert body["accepted"] == [good["id"]]
    assert body["rejected"][0]["detail"] == f"events[1].{field}: {message}"


def test_tab_and_newline_are_allowed_in_free_text(browser):
    response = post_batch(browser, [event("search", properties={"query": "信用卡\t年费\n免"})])
    assert response.status_code == 200
    assert len(response.json()["accepted"]) == 1


def test_a_hostile_value_in_an_unknown_top_level_field_still_rejects_the_event(browser):
    response = post_text(browser, batch_text(json.dumps(event())[:-1] + ', "note": NaN}'))
    assert response.status_code == 400
    assert response.json()["rejected"][0]["detail"].startswith("events[0].note: ")


@pytest.mark.parametrize("content_type", ["application/json", BEACON])
def test_ten_thousand_levels_of_nesting_are_a_400_that_says_so(browser, content_type):
    deep = "[" * 10_000 + "]" * 10_000
    response = post_text(browser, '{"events": ' + deep + "}", content_type=content_type)
    assert response.status_code == 400
    assert response.json()["detail"] == "body: JSON nested too deeply"


def test_nesting_inside_an_event_is_bounded_and_named(browser):
    nested = event("page_view", properties={"tags": [[[["deep"]]]]})
    response = post_batch(browser, [nested])
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "events[0].properties.tags[0][0]: nested too deeply (at most 4 levels)"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1" * 5000, "expected a finite number within ±(2^53-1), got 111111111111111111111111…"),
        ("9007199254740993", "expected a finite number within ±(2^53-1), got 9007199254740993"),
        ("1000000001", "must be at most 1000000000"),
    ],
)
def test_huge_numbers_are_refused_naming_the_field(browser, value, message):
    response = post_text(browser, batch_text(card_event(value)))
    assert response.status_code == 400
    assert response.json()["detail"] == f"events[0].properties.results: {message}"


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("0001-01-01T00:00:00+14:00", "out of range (years 2000 to 2999)"),
        ("9999-12-31T23:59:59-12:00", "out of range (years 2000 to 2999)"),
        ("0001-01-01T00:00:00", "out of range (years 2000 to 2999)"),
        ("2026-03-07T20:30:00" + " " * 60, "at most 40 characters"),
        ("2026-13-45T99:00:00", "expected an ISO 8601 date-time, e.g. 2026-03-07T20:30:00+08:00"),
    ],
)
def test_out_of_range_and_oversized_times_are_refused_naming_at(browser, at, message):
    response = post_batch(browser, [event(at=None) | {"at": at}])
    assert response.status_code == 400
    assert response.json()["detail"] == f"events[0].at: {message}"


@pytest.mark.parametrize(
    ("client_id", "message"),
    [
        ("x" * 65, "required: 1 to 64 letters, digits or _.:- (a random UUID is best)"),
        ("abc\x00def", "control character U+0000 is not allowed"),
    ],
)
def test_oversized_and_nul_ids_are_refused_and_not_echoed(browser, client_id, message):
    response = post_batch(browser, [event(id=client_id)])
    assert response.status_code == 400
    rejected = response.json()["rejected"][0]
    assert rejected["detail"] == f"events[0].id: {message}"
    assert rejected["id"] is None


@pytest.mark.services
def test_with_redis_down_a_poisoned_event_is_a_400_not_a_500(redis_server, browser):
    # Given Redis configured but dead: batches go straight to the database
    redis_server.kill()
    with mock.patch("targeting.tracking.ingestion.schedule_folding"):
        response = post_text(
            browser,
            batch_text(
                card_event("NaN"), json.dumps(event("search", properties={"query": "\x00"}))
            ),
        )
        good = post_batch(browser, [event()])

    assert response.status_code == 400
    assert "events[0].properties.results" in response.json()["detail"]
    assert "events[1].properties.query: control character U+0000" in response.json()["detail"]
    assert good.status_code == 200  # and the database path still takes good events
    assert RawEvent.objects.count() == 1
    assert connection.vendor in ("sqlite", "postgresql")


def test_good_events_after_a_rejected_one_reach_the_profile(browser):
    post_text(browser, batch_text(card_event("NaN"), json.dumps(event())))
    assert VisitorProfile.objects.get(visitor_id=VID).data["pageviews"] == 1
