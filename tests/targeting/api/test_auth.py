"""Systems authenticate with a token, the admin's pages with the session (CSRF on writes)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.targeting.factories import UserFactory

MOBILE = {"attr": "device.type", "op": "eq", "value": "mobile"}


def create_token(*args: str) -> str:
    out = io.StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_create_api_token_prints_a_token_that_authenticates(marketer):
    # Given an operator creating the CRM system's token
    key = create_token("marketer")

    # Then it is the user's token and it opens the API
    assert key == Token.objects.get(user=marketer).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/segments/").status_code == 200


def test_asking_again_prints_the_same_token(marketer):
    assert create_token("marketer") == create_token("marketer")


def test_rotate_replaces_the_token_and_the_old_one_stops_working(marketer):
    old = create_token("marketer")

    new = create_token("marketer", "--rotate")

    assert new != old
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get("/api/v1/segments/").status_code == 401


@pytest.mark.django_db
def test_an_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="nobody"):
        create_token("nobody")


@pytest.mark.django_db
def test_an_inactive_user_gets_no_token():
    UserFactory(username="gone", is_active=False)

    with pytest.raises(CommandError, match="inactive"):
        create_token("gone")
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_a_wrong_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")

    response = client.get("/api/v1/segments/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_signed_in_marketer_reads_with_the_session(marketer):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(marketer)

    assert client.get("/api/v1/segments/").status_code == 200


def test_a_session_write_without_the_csrf_token_is_refused(marketer):
    # A page on another site must not make a signed-in marketer's browser change targeting.
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(marketer)

    response = client.post(
        "/api/v1/segments/", {"name": "x", "slug": "x", "rule": MOBILE}, format="json"
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_a_session_write_with_the_csrf_token_is_accepted(marketer):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(marketer)
    client.get("/admin/")  # any page that sets the CSRF cookie
    token = client.cookies["csrftoken"].value

    response = client.post(
        "/api/v1/segments/",
        {"name": "x", "slug": "x", "rule": MOBILE},
        format="json",
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 201
