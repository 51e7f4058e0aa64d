"""A shared browser: sign-out gives the browser a new visitor id, events belong to a customer
only while they are signed in, and nothing of the customer is copied into a browser profile."""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory

from targeting.tracking.documents import customer_profile_key
from targeting.tracking.models import CustomerProfile, Interaction, VisitorProfile
from targeting.tracking.visitors import VISITOR_COOKIE, read_visitor_id
from tests.targeting.factories import UserFactory
from tests.tracking.conftest import VID, browser_client, event, post_batch
from tests.tracking.test_customers import confirm_password, unzipped

pytestmark = pytest.mark.django_db

PASSWORD = "s3cret-pass-123"


def make_user(username: str, **extra):
    user = UserFactory(username=username, email=f"{username}@example.com", **extra)
    user.set_password(PASSWORD)
    user.save()
    CustomerProfile.objects.create(user=user)
    return user


def cookie_vid(client: Client) -> str | None:
    """The visitor id the browser now carries, read as the portal reads its signed cookie."""
    morsel = client.cookies.get(VISITOR_COOKIE)
    request = RequestFactory().get("/")
    if morsel is not None and morsel.value:
        request.COOKIES[VISITOR_COOKIE] = morsel.value
    return read_visitor_id(request)


def sign_in(client: Client, username: str) -> None:
    response = client.post("/accounts/login/", {"login": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


def test_after_sign_out_the_next_person_inherits_nothing_of_the_customer():
    zhang = make_user("zhang.wei")
    # Given a customer who signs in on a shared browser and browses
    browser = browser_client(VID)
    sign_in(browser, "zhang.wei")
    post_batch(
        browser,
        [
            event(properties={"path": "/w/", "category": "wealth"}),
            event("search", properties={"query": "私人银行"}),
        ],
    )
    history_before = Interaction.objects.filter(user=zhang).count()
    assert history_before == 2

    # When they sign out and the next person browses anonymously
    response = browser.post("/accounts/logout/")
    assert response.status_code == 302
    new_vid = cookie_vid(browser)
    post_batch(browser, [event(properties={"path": "/l/", "category": "loan"})])

    # Then the browser carries a new visitor id whose profile holds only the new browsing
    assert new_vid and new_vid != VID
    fresh = VisitorProfile.objects.get(visitor_id=new_vid).data
    assert fresh["pageviews"] == 1
    assert set(fresh["categories"]) == {"loan"}
    assert not fresh.get("searches")
    # and the customer's history and profile got nothing after sign-out
    assert Interaction.objects.filter(user=zhang).count() == history_before
    customer = VisitorProfile.objects.get(visitor_id=customer_profile_key(zhang.pk)).data
    assert set(customer["categories"]) == {"wealth"} and customer["pageviews"] == 1
    # and the old browser profile kept none of the signed-in browsing either
    old = VisitorProfile.objects.filter(visitor_id=VID).values_list("data", flat=True).first()
    assert not (old or {}).get("searches")


def test_the_next_customers_download_holds_nothing_of_the_previous_one():
    make_user("zhang.wei")
    li = make_user("li.na")
    browser = browser_client(VID)
    sign_in(browser, "zhang.wei")
    post_batch(browser, [event("search", properties={"query": "私人银行"})])
    browser.post("/accounts/logout/")

    # When the next customer signs in on the same browser and downloads their data
    sign_in(browser, "li.na")
    post_batch(browser, [event("search", properties={"query": "助学贷款"})])
    confirm_password(browser)
    download = browser.get("/account/profile/download/")
    assert download.status_code == 200
    document = unzipped(download)

    # Then nothing of the previous customer is in it
    assert "私人银行" not in json.dumps(document, ensure_ascii=False)
    tracking = document["tracking"]
    assert [i["details"]["query"] for i in tracking["interaction_history"]] == ["助学贷款"]
    assert VID not in tracking["visitor_ids"]
    assert li.pk


def test_signing_out_of_the_staff_admin_also_gives_a_new_visitor_id():
    staff = make_user("ops.staff", is_staff=True, is_superuser=True)
    browser = browser_client(VID)
    browser.force_login(staff)

    browser.post("/admin/logout/")

    assert cookie_vid(browser) not in (None, VID)


def test_without_analytics_consent_sign_out_issues_no_visitor_id():
    make_user("zhang.wei")
    browser = browser_client(None, consent="necessary")
    sign_in(browser, "zhang.wei")
    browser.post("/accounts/logout/")
    assert cookie_vid(browser) is None


def test_a_browser_event_belongs_to_the_customer_only_while_signed_in():
    zhang = make_user("zhang.wei")
    browser = browser_client(VID)
    sign_in(browser, "zhang.wei")
    # The session ends without a sign-out (expiry, cookies cleared): the vid cookie stays
    browser.cookies.pop("sessionid", None)
    post_batch(browser, [event("search", properties={"query": "汇率"})])
    assert not Interaction.objects.filter(user=zhang).exists()
