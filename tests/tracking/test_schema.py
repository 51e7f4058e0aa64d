"""The event schema: each field validated, with an error naming it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from targeting.tracking.schema import Event, validate_event

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)


def good(**overrides):
    base = {
        "id": "4f1c2a9e-0000-4000-8000-000000000001",
        "type": "search",
        "at": "2026-03-07T19:59:00+08:00",
        "properties": {"query": "信用卡"},
    }
    base.update(overrides)
    return base


def test_a_valid_browser_event_is_accepted_and_normalised_to_utc():
    checked = validate_event(good(), now=NOW, from_browser=True)
    assert isinstance(checked, Event)
    assert checked.at == datetime(2026, 3, 7, 11, 59, tzinfo=UTC)
    assert checked.channel == "web"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"id": ""}, "id"),
        ({"id": "x" * 65}, "id"),
        ({"id": "bad id with spaces"}, "id"),
        ({"type": "teleport"}, "type"),
        ({"at": "yesterday"}, "at"),
        ({"at": "2026-03-07T12:10:00+00:00"}, "at"),  # ten minutes in the future
        ({"at": "2026-02-01T12:00:00+00:00"}, "at"),  # over a week old
        ({"properties": []}, "properties"),
        ({"properties": {}}, "properties.query"),  # required
        ({"properties": {"query": ""}}, "properties.query"),
        ({"properties": {"query": "x" * 101}}, "properties.query"),
        ({"properties": {"query": "a", "colour": "red"}}, "properties.colour"),
        ({"properties": {"query": "a", "results": "many"}}, "properties.results"),
        ({"visitor": "c" * 32}, "visitor"),
        ({"customer": "C001"}, "customer"),
        ({"channel": "atm"}, "channel"),
        ({"type": "card_transaction", "properties": {"merchant_category_code": "5411"}}, "type"),
    ],
)
def test_each_bad_field_is_named_in_the_errors(overrides, field):
    errors = validate_event(good(**overrides), now=NOW, from_browser=True)
    assert isinstance(errors, dict)
    assert field in errors, errors


def test_a_naive_time_is_read_in_the_site_time_zone():
    checked = validate_event(good(at="2026-03-07T19:00:00"), now=NOW, from_browser=True)
    assert checked.at == datetime(2026, 3, 7, 11, 0, tzinfo=UTC)


def test_a_system_may_name_a_customer_and_send_channel_types():
    raw = good(
        type="card_transaction",
        customer="C0001",
        channel="pos",
        properties={"merchant_category_code": "5411", "amount": 88.5, "currency": "CNY"},
    )
    checked = validate_event(raw, now=NOW, from_browser=False)
    assert isinstance(checked, Event)
    assert checked.customer == "C0001"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {
                "type": "card_transaction",
                "customer": "C1",
                "properties": {"merchant_category_code": "54"},
            },
            "properties.merchant_category_code",
        ),
        (
            {"type": "card_transaction", "customer": "C1", "properties": {}},
            "properties.merchant_category_code",
        ),
        ({"customer": "", "visitor": ""}, "visitor"),
        ({"visitor": "short"}, "visitor"),
        ({"customer": "C1", "channel": "pigeon"}, "channel"),
        ({"customer": "has spaces"}, "customer"),
    ],
)
def test_system_events_are_validated_too(overrides, field):
    errors = validate_event(good(**overrides), now=NOW, from_browser=False)
    assert isinstance(errors, dict) and field in errors, errors


def test_an_event_of_more_than_a_week_ago_is_too_old_but_six_days_is_fine():
    six_days = (NOW - timedelta(days=6)).isoformat()
    assert isinstance(validate_event(good(at=six_days), now=NOW, from_browser=True), Event)
