"""``POST /api/v1/events``: batches, identity rules, consent, limits and idempotency."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission

from portal.apikeys.tokens import issue
from targeting.tracking.models import RawEvent, VisitorProfile
from targeting.tracking.schema import MAX_BODY_BYTES
from tests.targeting.factories import UserFactory
from tests.tracking.conftest import VID, browser_client, event, post_batch

pytestmark = pytest.mark.django_db


def test_a_browser_batch_is_accepted_stored_and_folded(browser):
    # Given a consenting browser's batch of a page view and a search
    events = [
        event("page_view", properties={"path": "/p/", "category": "wealth"}),
        event("search", properties={"query": "理财"}),
    ]

    # When it is posted
    response = post_batch(browser, events)

    # Then both are accepted, stored for the cookie's visitor and folded into the profile
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == [e["id"] for e in events]
    assert body["rejected"] == [] and body["duplicates"] == []
    assert set(RawEvent.objects.values_list("visitor_id", flat=True)) == {VID}
    data = VisitorProfile.objects.get(visitor_id=VID).data
    assert data["pageviews"] == 1
    assert data["searches"] == ["理财"]
    assert "wealth" in data["categories"]


def test_a_retried_batch_counts_once(browser):
    events = [event(), event()]
    post_batch(browser, events)

    response = post_batch(browser, events)

    assert response.json()["duplicates"] == [e["id"] for e in events]
    assert response.json()["accepted"] == []
    assert RawEvent.objects.count() == 2
    assert VisitorProfile.objects.get(visitor_id=VID).data["pageviews"] == 2


def test_the_same_id_twice_in_one_batch_counts_once(browser):
    one = event()
    response = post_batch(browser, [one, dict(one)])
    assert response.json()["accepted"] == [one["id"]]
    assert response.json()["duplicates"] == [one["id"]]
    assert RawEvent.objects.count() == 1


def test_ids_are_scoped_per_source_so_two_visitors_may_reuse_one(db):
    shared = event(id="same-id")
    post_batch(browser_client("c" * 32), [shared])
    response = post_batch(browser_client("d" * 32), [shared])
    assert response.json()["accepted"] == ["same-id"]
    assert RawEvent.objects.count() == 2


def test_bad_events_are_rejected_with_index_and_field_the_rest_accepted(browser):
    good = event()
    bad = event("search", properties={})
    response = post_batch(browser, [good, bad, "not an object"])
    body = response.json()
    assert response.status_code == 200
    assert body["accepted"] == [good["id"]]
    assert body["rejected"][0] == {
        "index": 1,
        "id": bad["id"],
        "errors": {"properties.query": "required"},
        "detail": "events[1].properties.query: required",
    }
    assert body["rejected"][1]["index"] == 2
    assert RawEvent.objects.count() == 1


def test_a_browser_cannot_write_into_another_visitors_profile(browser):
    response = post_batch(browser, [event(visitor="e" * 32), event(customer="C0001")])
    rejected = response.json()["rejected"]
    assert "visitor" in rejected[0]["errors"]
    assert "customer" in rejected[1]["errors"]
    assert not VisitorProfile.objects.filter(visitor_id="e" * 32).exists()
    assert RawEvent.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"events": {}}', b'{"events": []}', b'{"something": 1}', b"\xff\xfe"],
)
def test_a_body_that_is_not_a_batch_is_a_400_naming_the_problem(browser, body):
    response = browser.post("/api/v1/events", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "bad_batch"
    assert response.json()["detail"]


def test_more_than_a_hundred_events_is_a_400(browser):
    response = post_batch(browser, [event() for _ in range(101)])
    assert response.status_code == 400
    assert "at most 100" in response.json()["detail"]
    assert RawEvent.objects.count() == 0


def test_an_oversized_body_is_a_413_before_parsing(browser):
    response = browser.post(
        "/api/v1/events", data=b"{" + b" " * MAX_BODY_BYTES + b"}", content_type="application/json"
    )
    assert response.status_code == 413
    assert RawEvent.objects.count() == 0


def test_the_beacons_text_plain_body_is_accepted(browser):
    response = post_batch(browser, [event()], content_type="text/plain;charset=UTF-8")
    assert response.status_code == 200 and len(response.json()["accepted"]) == 1


def test_a_form_encoded_body_is_refused(browser):
    response = browser.post("/api/v1/events", data={"events": "x"})
    assert response.status_code == 415


def test_get_is_not_allowed(browser):
    assert browser.get("/api/v1/events").status_code == 405


def test_without_analytics_consent_nothing_is_stored(db):
    client = browser_client(visitor_id=VID, consent="necessary")
    response = post_batch(client, [event()])
    assert response.status_code == 403
    assert response.json()["error"] == "consent_required"
    assert RawEvent.objects.count() == 0
    assert not VisitorProfile.objects.exists()


@pytest.mark.parametrize("header", [{"HTTP_SEC_GPC": "1"}, {"HTTP_DNT": "1"}])
def test_global_privacy_control_or_do_not_track_stops_the_batch(browser, header):
    response = post_batch(browser, [event()], **header)
    assert response.status_code == 403
    assert RawEvent.objects.count() == 0


def test_a_cross_site_batch_riding_on_the_cookie_is_refused(browser):
    response = post_batch(browser, [event()], HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    response = post_batch(browser, [event()], HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert RawEvent.objects.count() == 0


def test_a_same_origin_batch_is_accepted(browser):
    response = post_batch(
        browser, [event()], HTTP_SEC_FETCH_SITE="same-origin", HTTP_ORIGIN="http://testserver"
    )
    assert response.status_code == 200


def test_too_many_batches_from_one_visitor_get_429_with_retry_after(browser, settings):
    settings.TRACKING_RATE_LIMIT_VISITOR = 2
    assert post_batch(browser, [event()]).status_code == 200
    assert post_batch(browser, [event()]).status_code == 200
    response = post_batch(browser, [event()])
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert RawEvent.objects.count() == 2


def test_too_many_batches_from_one_address_get_429(db, settings):
    settings.TRACKING_RATE_LIMIT_ADDRESS = 1
    assert post_batch(browser_client("c" * 32), [event()]).status_code == 200
    response = post_batch(browser_client("d" * 32), [event()])
    assert response.status_code == 429
    assert "Retry-After" in response


def test_batches_are_accepted_when_the_cache_is_down(browser, settings, monkeypatch):
    # Given a cache that fails quietly (django-redis with IGNORE_EXCEPTIONS answers None)
    from django.core.cache import cache

    settings.TRACKING_RATE_LIMIT_VISITOR = 1
    monkeypatch.setattr(cache, "incr", lambda *args, **kwargs: None)
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: None)
    # When the visitor sends more batches than the limit, then none is refused or lost
    assert post_batch(browser, [event()]).status_code == 200
    assert post_batch(browser, [event()]).status_code == 200
    assert RawEvent.objects.count() == 2


def test_a_channel_system_names_the_customer_and_visitor(channel_system, client):
    _user, token = channel_system
    events = [
        event(
            "card_transaction",
            customer="C0001",
            channel="pos",
            properties={"merchant_category_code": "5812", "amount": 120},
        ),
        event("page_view", visitor="f" * 32),
    ]
    response = post_batch(client, events, HTTP_AUTHORIZATION=token)
    assert response.status_code == 200
    assert len(response.json()["accepted"]) == 2
    assert VisitorProfile.objects.get(visitor_id="f" * 32).data["pageviews"] == 1
    assert RawEvent.objects.get(type="card_transaction").customer_ref == "C0001"


def test_a_system_retry_counts_once(channel_system, client):
    _user, token = channel_system
    events = [event("app_open", customer="C0001", channel="app")]
    post_batch(client, events, HTTP_AUTHORIZATION=token)
    response = post_batch(client, events, HTTP_AUTHORIZATION=token)
    assert response.json()["duplicates"] == [events[0]["id"]]
    assert RawEvent.objects.count() == 1


def test_a_token_without_the_permission_is_refused(db, client):
    user = UserFactory(username="someone")
    token = issue(user, name="app")
    response = post_batch(
        client, [event(customer="C1", channel="app")], HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code == 403
    assert RawEvent.objects.count() == 0


def test_an_unknown_token_is_401(db, client):
    response = post_batch(client, [event()], HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401


def test_the_permission_alone_also_makes_a_channel_system(db, client):
    user = UserFactory(username="callcentre")
    user.user_permissions.add(Permission.objects.get(codename="add_event"))
    token = issue(user, name="app")
    raw = event(
        "call_centre_contact",
        customer="C9",
        channel="call_centre",
        properties={"reason": "card lost"},
    )
    response = post_batch(client, [raw], HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.json()["accepted"] == [raw["id"]]


def test_the_response_is_json_with_the_documented_keys(browser):
    body = json.loads(post_batch(browser, [event()]).content)
    assert set(body) == {"accepted", "rejected", "duplicates"}
