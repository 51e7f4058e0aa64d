"""The header account menu, "my account" and "my applications" (issue 12 items 3, 6 and 7)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from products.choices import ApplicationStatus
from tests.products.factories import ProductApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    return get_user_model().objects.create_user("zhangwei", "zhangwei@example.com", "pw-12345678")


def menu_of(html: str) -> str:
    return re.search(r'<details class="account-menu".*?</details>', html, re.S).group(0)


def test_an_anonymous_visitor_can_sign_in_from_every_page_header(home_page):
    with translation.override("en"):
        html = Client().get("/en/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    menu = menu_of(html)
    assert "<summary" in menu and "Sign in" in menu
    assert 'href="/en/accounts/login/?next=/en/"' in menu
    assert 'href="/en/accounts/signup/"' in menu
    assert 'href="/en/community/complaints/lookup/"' in menu
    # The customer's own pages lead through sign-in to where they were going
    assert "/en/accounts/login/?next=/en/account/applications/" in menu


def test_a_signed_in_customer_finds_their_pages_and_can_sign_out(home_page, customer):
    client = Client()
    client.force_login(customer)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    menu = menu_of(html)
    assert "zhangwei" in menu
    for href in (
        "/account/",
        "/community/notifications/",
        "/account/applications/",
        "/community/complaints/",
        "/account/profile/",
    ):
        assert f'href="{href}"' in menu, href
    assert 'action="/accounts/logout/"' in menu and "csrfmiddlewaretoken" in menu


def test_my_applications_lists_only_mine_with_what_the_status_means(home_page, customer):
    mine = ProductApplicationFactory(user=customer, status=ApplicationStatus.CONTACTED)
    ProductApplicationFactory(user=None, reference="AP-NOT-MINE-1")
    other = get_user_model().objects.create_user("lisi", "lisi@example.com", "pw")
    ProductApplicationFactory(user=other, reference="AP-NOT-MINE-2")
    client = Client()
    client.force_login(customer)
    with translation.override("en"):
        response = client.get("/en/account/applications/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert mine.reference in html and mine.product_title in html
    assert "A customer manager has contacted you" in html
    assert "AP-NOT-MINE" not in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_account_pages_need_sign_in(home_page):
    for path in ("/account/", "/account/applications/"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_my_account_counts_what_is_open(home_page, customer):
    ProductApplicationFactory(user=customer, status=ApplicationStatus.NEW)
    ProductApplicationFactory(user=customer, status=ApplicationStatus.APPROVED)
    client = Client()
    client.force_login(customer)
    with translation.override("en"):
        html = client.get("/en/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 in progress" in html
    assert 'href="/en/account/profile/"' in html


def test_the_application_confirmation_points_to_my_applications(home_page, customer, rf):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = customer
    html = render_to_string(
        "products/apply_done.html", {"page": home_page, "reference": "AP1"}, request=request
    )
    assert 'href="/account/applications/"' in html
