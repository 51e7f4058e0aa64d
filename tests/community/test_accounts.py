"""Customer accounts (django-allauth): sign up, sign in by username or email, sign out, on pages
that use the portal's layout. Staff keep the Wagtail admin login."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from tests.community.factories import UserFactory


def test_sign_up_creates_a_customer_and_signs_them_in(db):
    client = Client()
    page = client.get("/accounts/signup/").content.decode()
    assert 'class="site-header"' in page  # the portal's layout, not allauth's bare page
    response = client.post(
        "/accounts/signup/",
        {
            "username": "zhangsan",
            "email": "zhangsan@example.cn",
            "password1": "Strong-pass-2025",
            "password2": "Strong-pass-2025",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="zhangsan")
    assert not user.is_staff
    assert client.get("/community/me/").status_code == 200


def test_sign_up_errors_name_the_field(db):
    UserFactory(username="taken")
    response = Client().post(
        "/accounts/signup/",
        {"username": "taken", "email": "x@example.cn", "password1": "a", "password2": "b"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_username_error"' in page
    assert 'value="x@example.cn"' in page  # what the customer typed is kept


def test_sign_in_by_username_or_email_and_sign_out(db):
    UserFactory(username="lisi", email="lisi@example.cn")
    for login in ("lisi", "lisi@example.cn"):
        client = Client()
        response = client.post("/accounts/login/", {"login": login, "password": "Secret-pass-2025"})
        assert response.status_code == 302, login
        assert response["Location"] == "/community/"
        assert client.get("/community/me/").status_code == 200
        client.post("/accounts/logout/")
        assert client.get("/community/me/").status_code == 302


def test_wrong_password_is_refused_politely(db):
    UserFactory(username="lisi")
    response = Client().post("/accounts/login/", {"login": "lisi", "password": "wrong"})
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()


def test_staff_still_sign_in_at_the_admin(db):
    assert Client().get("/admin/login/").status_code == 200
