"""Known customers: profile page, merge on sign-in, interaction history, download and erasure."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from targeting.models import CrmMembership
from targeting.profiles import load_behaviour
from targeting.tracking.customers import merge_visitor_into_customer
from targeting.tracking.documents import customer_profile_key
from targeting.tracking.models import (
    CustomerProfile,
    CustomerVisitor,
    Interaction,
    RawEvent,
    VisitorProfile,
)
from tests.targeting.factories import UserFactory
from tests.tracking.conftest import VID, browser_client, event, post_batch

pytestmark = pytest.mark.django_db
SECRET = "s3cret-pass-123"


@pytest.fixture
def customer(db):
    user = UserFactory(username="zhang.wei", email="zhang@example.com")
    user.set_password("s3cret-pass-123")
    user.save()
    CustomerProfile.objects.create(user=user, customer_number="C0001", income_band="high")
    CrmMembership.objects.create(customer_ref="C0001", code="VIP")
    return user


def signed_in(user, visitor_id=VID) -> Client:
    client = browser_client(visitor_id)
    client.force_login(user)
    return client


def confirm_password(client: Client, password: str | None = None) -> None:
    """Confirm the password again (allauth's reauthentication), as download and erasure ask."""
    response = client.post("/accounts/reauthenticate/", {"password": password or SECRET})
    assert response.status_code == 302, response.content[:300]


def confirmed(user, visitor_id=VID) -> Client:
    client = signed_in(user, visitor_id)
    confirm_password(client)
    return client


def test_the_profile_page_needs_a_signed_in_customer(client):
    response = client.get("/account/profile/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_customer_sees_and_edits_their_declared_data(customer):
    client = signed_in(customer)
    page = client.get("/account/profile/")
    assert page.status_code == 200
    assert "csrfmiddlewaretoken" in page.content.decode()

    response = client.post(
        "/account/profile/",
        {
            "age": "36",
            "gender": "female",
            "income_band": "middle",
            "occupation": "教师",
            "region": "CN-SC",
            "interests": ["wealth", "credit_card"],
            # The questionnaire is the only way to a risk tolerance: a posted one is ignored.
            "risk_tolerance": "5",
        },
    )

    assert response.status_code == 302
    profile = CustomerProfile.objects.get(user=customer)
    assert (profile.age, profile.region, profile.risk_tolerance) == (36, "CN-SC", None)
    assert profile.interests == ["wealth", "credit_card"]


def test_bad_profile_input_names_the_field_and_keeps_the_rest(customer):
    response = signed_in(customer).post(
        "/account/profile/", {"age": "7", "occupation": "工程师", "risk_tolerance": "9"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "16" in text  # the age range is explained
    assert 'value="工程师"' in text  # nothing typed is lost
    assert CustomerProfile.objects.get(user=customer).occupation == ""


def test_the_profile_form_is_csrf_protected(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    assert client.post("/account/profile/", {"age": "40"}).status_code == 403


def test_signing_in_merges_the_browsers_history_into_the_customer(customer):
    # Given an anonymous visitor who looked at wealth products and searched
    anonymous = browser_client(VID)
    post_batch(
        anonymous,
        [
            event(properties={"path": "/w/", "category": "wealth"}),
            event("search", properties={"query": "基金"}),
        ],
    )

    # When they sign in through the account form (allauth's user_logged_in fires)
    response = anonymous.post(
        "/accounts/login/", {"login": "zhang.wei", "password": "s3cret-pass-123"}
    )
    assert response.status_code == 302

    # Then the browser is linked and the customer's profile holds the history
    assert CustomerVisitor.objects.filter(user=customer, visitor_id=VID).exists()
    merged = VisitorProfile.objects.get(visitor_id=customer_profile_key(customer.pk)).data
    assert merged["pageviews"] == 1 and merged["searches"] == ["基金"]
    # and signing in again does not count it twice
    merge_visitor_into_customer(VID, customer)
    assert (
        VisitorProfile.objects.get(visitor_id=customer_profile_key(customer.pk)).data["pageviews"]
        == 1
    )


def test_a_second_browser_brings_the_customers_history_along(customer):
    post_batch(
        browser_client("1" * 32), [event(properties={"path": "/c/", "category": "credit_card"})]
    )
    merge_visitor_into_customer("1" * 32, customer)
    post_batch(browser_client("2" * 32), [event(properties={"path": "/l/", "category": "loan"})])

    merge_visitor_into_customer("2" * 32, customer)

    # The customer's profile (what targeting reads while they are signed in) holds both
    behaviour = load_behaviour(customer_profile_key(customer.pk))
    assert set(behaviour["categories"]) == {"credit_card", "loan"}
    assert behaviour["pageviews"] == 2
    # but the merged document is never copied back into a browser's own profile
    assert load_behaviour("2" * 32)["categories"] == ["loan"]


def test_one_history_across_channels(customer, channel_system, client):
    _system, token = channel_system
    now = timezone.now()
    post_batch(signed_in(customer), [event("search", at=now, properties={"query": "房贷"})])
    post_batch(
        client,
        [
            event(
                "card_transaction",
                at=now - timedelta(hours=1),
                customer="C0001",
                channel="pos",
                properties={"merchant_category_code": "5411", "amount": 56.0},
            ),
            event(
                "branch_queue_swipe",
                at=now - timedelta(hours=2),
                customer="C0001",
                channel="branch",
                properties={"branch": "成都天府支行"},
            ),
            event(
                "call_centre_contact",
                at=now - timedelta(hours=3),
                customer="C0001",
                channel="call_centre",
                properties={"reason": "挂失"},
            ),
        ],
        HTTP_AUTHORIZATION=token,
    )
    history = list(Interaction.objects.filter(user=customer).values_list("type", flat=True))
    assert history == ["search", "card_transaction", "branch_queue_swipe", "call_centre_contact"]


def test_a_customer_downloads_their_data_as_a_zip_of_json(customer):
    post_batch(signed_in(customer), [event("search", properties={"query": "信用卡"})])
    response = confirmed(customer).get("/account/profile/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    document = unzipped(response)
    assert document["account"]["username"] == "zhang.wei"
    assert document["tracking"]["profile"]["customer_number"] == "C0001"
    assert document["crm"]["memberships"][0]["code"] == "VIP"
    assert document["tracking"]["interaction_history"][0]["type"] == "search"
    assert {"products", "community"} <= set(document)


def unzipped(response) -> dict:
    """The ``data.json`` of a download (a ZIP, docs/privacy.md)."""
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return json.loads(archive.read("data.json"))


def test_erasure_needs_confirmation(customer):
    client = confirmed(customer)
    assert client.get("/account/profile/erase/").status_code == 200
    response = client.post("/account/profile/erase/", {"confirm": "someone-else"})
    assert response.status_code == 400
    assert get_user_model().objects.get(pk=customer.pk).is_active


def test_erasure_removes_the_customers_data_and_closes_the_account(
    customer, channel_system, client
):
    merge_visitor_into_customer(VID, customer)
    post_batch(browser_client(VID), [event()])  # anonymous, on a browser they signed in with
    post_batch(signed_in(customer), [event()])
    post_batch(
        client,
        [event("app_open", customer="C0001", channel="app")],
        HTTP_AUTHORIZATION=channel_system[1],
    )
    assert RawEvent.objects.count() == 3

    response = confirmed(customer).post("/account/profile/erase/", {"confirm": "zhang.wei"})

    assert response.status_code == 302
    user = get_user_model().objects.get(pk=customer.pk)
    assert not user.is_active and user.email == "" and user.username == f"erased-{user.pk}"
    assert not CustomerProfile.objects.filter(user=user).exists()
    assert not CrmMembership.objects.filter(customer_ref="C0001").exists()
    assert not RawEvent.objects.exists()
    assert not Interaction.objects.exists()
    assert not VisitorProfile.objects.filter(
        visitor_id__in=[VID, customer_profile_key(user.pk)]
    ).exists()
    # and the old password no longer signs in
    assert not user.check_password("s3cret-pass-123")


def test_erasure_anonymises_applications(customer):
    from products.models import ProductApplication

    application = ProductApplication.objects.create(
        reference="AP20260307ABCDEF",
        product_title="信用卡",
        applicant_name="张伟",
        mobile_phone="13800138000",
        city="成都",
        user=customer,
        visitor_id=VID,
    )
    confirmed(customer).post("/account/profile/erase/", {"confirm": "zhang.wei"})
    application.refresh_from_db()
    assert (application.applicant_name, application.mobile_phone, application.user_id) == (
        "",
        "",
        None,
    )
    assert application.reference == "AP20260307ABCDEF"


def test_staff_need_the_permission_to_see_a_customers_history(customer, client):
    staff = UserFactory(username="marketer-x", is_staff=True)
    staff.groups.add(Group.objects.get(name="Marketers"))
    client.force_login(staff)
    assert client.get("/admin/targeting/customers/").status_code in (302, 403)
    assert client.get(f"/admin/targeting/customers/{customer.pk}/").status_code in (302, 403)

    service = UserFactory(username="service-x", is_staff=True)
    service.groups.add(Group.objects.get(name="Customer service"))
    client.force_login(service)
    post_batch(signed_in(customer), [event("search", properties={"query": "外汇"})])
    found = client.get("/admin/targeting/customers/", {"q": "C0001"})
    assert found.status_code == 200 and "zhang.wei" in found.content.decode()
    timeline = client.get(f"/admin/targeting/customers/{customer.pk}/")
    assert timeline.status_code == 200 and "外汇" in timeline.content.decode()


def test_downloading_my_data_asks_for_the_password_again_first(customer):
    # Given a signed-in session that has not confirmed the password lately
    client = signed_in(customer)

    # When the customer asks for their data, they are sent to confirm their password first
    response = client.get("/account/profile/download/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert "next=%2Faccount%2Fprofile%2Fdownload%2F" in response["Location"]
    # and a wrong password does not open it
    wrong = client.post("/accounts/reauthenticate/", {"password": "not-my-password"})
    assert wrong.status_code == 200
    assert client.get("/account/profile/download/").status_code == 302

    # Then with the password confirmed, the file comes
    confirm_password(client)
    response = client.get("/account/profile/download/")
    assert response.status_code == 200
    assert unzipped(response)["account"]["username"] == "zhang.wei"


def test_erasing_without_a_fresh_password_erases_nothing(customer):
    client = signed_in(customer)

    response = client.post("/account/profile/erase/", {"confirm": "zhang.wei"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert get_user_model().objects.get(pk=customer.pk).is_active
    assert CustomerProfile.objects.filter(user=customer).exists()


def test_the_erasure_is_resumed_once_the_password_is_confirmed(customer):
    client = signed_in(customer)
    asked = client.post("/account/profile/erase/", {"confirm": "zhang.wei"})

    # allauth resumes the suspended POST once the password is confirmed
    client.post(asked["Location"], {"password": SECRET})

    assert not get_user_model().objects.get(pk=customer.pk).is_active


def test_the_confirmation_window_is_configurable(customer, settings):
    client = confirmed(customer)
    assert client.get("/account/profile/download/").status_code == 200

    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0  # the window has passed

    response = client.get("/account/profile/download/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_the_profile_page_says_a_password_is_asked_and_links_without_download(customer):
    page = signed_in(customer).get("/account/profile/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "为保护您的数据，我们会先请您再次输入密码" in text
    # a download attribute would save the password page as a file instead of showing it
    assert 'href="/account/profile/download/">' in text
