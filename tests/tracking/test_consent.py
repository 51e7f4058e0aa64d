"""Consent: the banner, the consent view (with and without JavaScript), cookie settings, vid."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from targeting.tracking.visitors import VISITOR_COOKIE
from tests.tracking.conftest import VID, browser_client, signed_vid

pytestmark = pytest.mark.django_db


def test_the_consent_form_sets_the_cookie_and_a_visitor_id_then_goes_back(client):
    response = client.post("/privacy/consent/", {"choice": "all", "next": "/products/"})
    assert response.status_code == 302 and response["Location"] == "/products/"
    assert response.cookies["consent"].value == "necessary,analytics,marketing"
    assert response.cookies[VISITOR_COOKIE].value  # identified from the very next event
    assert response.cookies[VISITOR_COOKIE]["httponly"]


def test_necessary_only_deletes_the_visitor_cookie(db):
    client = browser_client(VID)
    response = client.post("/privacy/consent/", {"choice": "necessary", "next": "/"})
    assert response.cookies["consent"].value == "necessary"
    assert response.cookies[VISITOR_COOKIE].value == ""
    assert response.cookies[VISITOR_COOKIE]["max-age"] == 0


def test_ticked_boxes_choose_purposes(client):
    response = client.post("/privacy/consent/", {"choice": "custom", "marketing": "on"})
    assert response.cookies["consent"].value == "necessary,marketing"
    assert VISITOR_COOKIE not in response.cookies or response.cookies[VISITOR_COOKIE].value == ""


def test_with_javascript_the_answer_is_json_and_no_redirect(client):
    response = client.post("/privacy/consent/", {"choice": "all"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json() == {"purposes": ["analytics", "marketing", "necessary"]}


def test_the_consent_view_never_redirects_off_site(client):
    response = client.post("/privacy/consent/", {"choice": "all", "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
    ],
)
def test_a_cross_site_consent_post_is_refused(headers):
    # The banner carries no CSRF token (pages are cached and set no cookie, issue 13): the
    # browser's Sec-Fetch-Site, else its Origin, tells a forged post from our own form.
    client = Client(enforce_csrf_checks=True)
    response = client.post("/privacy/consent/", {"choice": "all"}, **headers)
    assert response.status_code == 403
    assert "consent" not in response.cookies


def test_the_banner_posts_consent_without_a_token_from_this_site():
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/privacy/consent/",
        {"choice": "necessary"},
        HTTP_SEC_FETCH_SITE="same-origin",
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 302
    assert response.cookies["consent"].value == "necessary"


def test_the_consent_view_only_accepts_post(client):
    assert client.get("/privacy/consent/").status_code == 405


def test_the_banner_is_the_same_for_everyone_and_scripts_hide_it_once_decided(client):
    # The banner is in every page whatever the cookies say, so pages can be cached (issue 13)
    page = client.get("/privacy/cookies/").content.decode()
    assert 'id="consent-banner"' in page and 'role="dialog"' in page

    client.cookies["consent"] = "necessary"
    assert 'id="consent-banner"' in client.get("/privacy/cookies/").content.decode()
    # and scripted.js, loaded before first paint, hides it once the visitor has decided
    from django.contrib.staticfiles import finders

    script = Path(finders.find("portal/js/scripted.js")).read_text(encoding="utf-8")
    assert 'classList.add("consent-decided")' in script
    css = Path(finders.find("targeting/css/tracking.css")).read_text(encoding="utf-8")
    assert ".consent-decided .consent-banner { display: none; }" in css


def test_cookie_settings_show_the_current_choice_and_are_linked_from_the_footer(client):
    client.cookies["consent"] = "necessary,analytics"
    page = client.get("/privacy/cookies/").content.decode()
    assert (
        'id="purpose-analytics" name="analytics" value="on" aria-describedby="purpose-analytics-help" checked'
        in page
    )
    assert (
        'id="purpose-marketing" name="marketing" value="on" aria-describedby="purpose-marketing-help">'
        in page
    )
    assert 'href="/privacy/cookies/"' in page


def test_cookie_settings_say_when_the_browser_opts_out(client):
    page = client.get(
        "/privacy/cookies/", HTTP_SEC_GPC="1", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "您的浏览器要求网站不要跟踪您（全球隐私控制或“请勿跟踪”）" in page


def test_pages_carry_the_beacon_and_declare_the_endpoint(client):
    page = client.get("/privacy/cookies/").content.decode()
    assert "targeting/js/beacon.js" in page
    assert 'data-tracking-endpoint="/api/v1/events"' in page


def test_the_beacon_script_is_served_small_and_checks_consent(client):
    from django.contrib.staticfiles import finders

    path = finders.find("targeting/js/beacon.js")
    source = Path(path).read_text(encoding="utf-8")
    assert len(source.encode()) < 10_000
    for needle in (
        "globalPrivacyControl",
        "doNotTrack",
        "sendBeacon",
        "keepalive",
        "randomUUID",
        "IntersectionObserver",
    ):
        assert needle in source


def test_without_consent_the_middleware_issues_no_visitor_id_end_to_end(client):
    response = client.get("/privacy/cookies/")
    assert VISITOR_COOKIE not in response.cookies
    client.cookies[VISITOR_COOKIE] = signed_vid(VID)
    response = client.get("/privacy/cookies/")
    assert response.cookies[VISITOR_COOKIE].value == ""  # a stale id is deleted


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"choice": "everything"}, "choice", "expected one of: all, necessary, custom"),
        ({"choice": "all\x00"}, "choice", "expected one of: all, necessary, custom"),
        ({"choice": "custom", "analytics": "\x00"}, "analytics", "expected “on” when ticked"),
        ({"choice": "all", "next": "/a\x00b"}, "next", "contains control characters"),
        ({"choice": "all", "next": "/a\r\nSet-Cookie: x=1"}, "next", "contains control characters"),
        ({"choice": "all", "next": "/" + "a" * 3000}, "next", "at most 2000 characters"),
    ],
)
def test_a_forged_consent_form_is_a_400_naming_the_field(client, form, field, message):
    response = client.post("/en/privacy/consent/", form, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {field: message}
    assert "consent" not in response.cookies


def test_a_forged_consent_form_without_javascript_is_a_plain_400(client):
    response = client.post("/en/privacy/consent/", {"choice": "x"})
    assert response.status_code == 400
    assert response.content.decode() == "choice: expected one of: all, necessary, custom"


def test_a_referer_with_control_characters_is_not_followed(client):
    response = client.post("/privacy/consent/", {"choice": "all"}, HTTP_REFERER="/x\r\ny")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_consent_errors_speak_chinese(client):
    response = client.post(
        "/privacy/consent/",
        {"choice": "x"},
        HTTP_ACCEPT="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.json()["errors"] == {"choice": "应为以下之一：all、necessary、custom"}
