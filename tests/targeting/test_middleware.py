"""The visitor id: issued only with analytics consent, signed, and never trusted when tampered."""

from __future__ import annotations

import json

import pytest
from django.core import signing
from django.test import RequestFactory
from django.utils import timezone

from targeting.tracking.consent import has_consent
from targeting.tracking.visitors import VISITOR_COOKIE, VISITOR_COOKIE_SALT
from targeting.visitors import Visitor

URL = "/healthz"


@pytest.mark.django_db
def test_no_visitor_cookie_without_consent(client):
    response = client.get(URL)
    assert VISITOR_COOKIE not in response.cookies


@pytest.mark.django_db
def test_no_visitor_cookie_with_only_necessary_cookies(client):
    client.cookies["consent"] = "necessary"
    response = client.get(URL)
    assert VISITOR_COOKIE not in response.cookies


@pytest.mark.django_db
@pytest.mark.parametrize("header", [{"HTTP_SEC_GPC": "1"}, {"HTTP_DNT": "1"}])
def test_global_privacy_control_and_do_not_track_override_consent(client, header):
    # Given a visitor who consented in the banner but whose browser says no
    client.cookies["consent"] = "necessary,analytics,marketing"

    # When they load a page
    response = client.get(URL, **header)

    # Then no id is issued
    assert VISITOR_COOKIE not in response.cookies


@pytest.mark.django_db
def test_a_page_never_issues_the_visitor_id(client):
    # Given a visitor who consented to analytics but has no id (the cookie was cleared)
    client.cookies["consent"] = "necessary,analytics"

    # When they load a page, it sets no cookie (pages are cached, issue 13)
    assert VISITOR_COOKIE not in client.get(URL).cookies


@pytest.mark.django_db
def test_consenting_visitor_gets_a_signed_long_lived_http_only_cookie_from_the_beacon(client):
    # Given a visitor who consented to analytics but has no id
    client.cookies["consent"] = "necessary,analytics"

    # When their beacon sends its first batch
    now = timezone.now().isoformat()
    batch = {"events": [{"id": "e-1", "type": "page_view", "at": now, "properties": {"path": "/"}}]}
    response = client.post(
        "/api/v1/events",
        data=json.dumps(batch),
        content_type="application/json",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 200, response.content

    # Then a signed visitor id is set for a year, HttpOnly and SameSite=Lax
    morsel = response.cookies[VISITOR_COOKIE]
    request = RequestFactory().get(URL)
    request.COOKIES[VISITOR_COOKIE] = morsel.value
    value = request.get_signed_cookie(VISITOR_COOKIE, salt=VISITOR_COOKIE_SALT)
    assert len(value) == 32
    with pytest.raises(signing.BadSignature):
        request.COOKIES[VISITOR_COOKIE] = value  # the bare id without its signature
        request.get_signed_cookie(VISITOR_COOKIE, salt=VISITOR_COOKIE_SALT)
    assert morsel["httponly"]
    assert morsel["samesite"] == "Lax"
    assert int(morsel["max-age"]) == 365 * 24 * 3600

    # and it is kept (not reissued) by the next batch
    batch["events"][0]["id"] = "e-2"
    again = client.post(
        "/api/v1/events",
        data=json.dumps(batch),
        content_type="application/json",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert again.status_code == 200
    assert VISITOR_COOKIE not in again.cookies


def test_a_tampered_visitor_cookie_is_ignored():
    # Given a consenting visitor whose id cookie was edited by hand
    request = RequestFactory().get(URL)
    request.COOKIES["consent"] = "analytics"
    request.COOKIES[VISITOR_COOKIE] = "0" * 32 + ":forged"

    # When the middleware reads it
    visitor = Visitor(request)

    # Then a fresh id replaces it
    assert visitor.id != "0" * 32
    assert visitor.is_new


@pytest.mark.django_db
def test_withdrawing_consent_deletes_the_visitor_cookie(client):
    # Given a visitor who had an id (issued by the consent form or the beacon)
    signer = signing.get_cookie_signer(salt=VISITOR_COOKIE + VISITOR_COOKIE_SALT)
    client.cookies[VISITOR_COOKIE] = signer.sign("c" * 32)
    client.cookies["consent"] = "necessary"
    response = client.get(URL)
    assert response.cookies[VISITOR_COOKIE].value == ""


def test_consent_is_read_from_the_comma_list():
    request = RequestFactory().get(URL)
    request.COOKIES["consent"] = " necessary , Analytics "
    assert has_consent(request, "analytics")
    assert not has_consent(request, "marketing")
