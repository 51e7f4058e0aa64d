"""Systems authenticate with a token, the admin's pages with the session (CSRF on writes)."""

from __future__ import annotations

import io
import json
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from wagtail.models import APIToken

from portal.apikeys.tokens import find
from tests.targeting.factories import UserFactory


@contextmanager
def freeze(moment):
    """Make ``timezone.now()`` answer ``moment`` (token checks read the clock through it)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


MOBILE = {"attr": "device.type", "op": "eq", "value": "mobile"}


def create_token(*args: str) -> str:
    out = io.StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def get_segments(key: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/segments/")


def test_create_api_token_prints_a_key_that_authenticates_and_is_stored_only_hashed(marketer):
    # Given an operator creating the CRM system's key
    key = create_token("marketer", "--name", "CRM")

    # Then the key opens the API, and the database holds only its digest
    assert get_segments(key).status_code == 200
    token = APIToken.objects.get(user=marketer)
    assert token.name == "CRM"
    assert token.key_hash == APIToken.hash_token(key)
    stored = json.dumps(list(APIToken.objects.values()), default=str)
    assert key not in stored
    assert key[len(token.prefix) :] not in stored


def test_each_call_issues_a_new_key_shown_only_once(marketer):
    first, second = create_token("marketer"), create_token("marketer")

    assert first != second
    assert get_segments(first).status_code == 200
    assert get_segments(second).status_code == 200


def test_a_key_ends_after_the_default_lifetime(marketer, settings):
    # Given a key issued with a 30-day default lifetime
    settings.API_TOKEN_LIFETIME_DAYS = 30
    key = create_token("marketer")
    token = APIToken.objects.get(user=marketer)

    # Then it works on day 29 and is refused on day 31
    with freeze(token.created + timedelta(days=29)):
        assert get_segments(key).status_code == 200
    with freeze(token.created + timedelta(days=31)):
        response = get_segments(key)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_days_sets_the_keys_own_term(marketer):
    key = create_token("marketer", "--days", "1")
    token = APIToken.objects.get(user=marketer)

    with freeze(token.created + timedelta(days=2)):
        assert get_segments(key).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(marketer, django_assert_num_queries):
    key = create_token("marketer")
    token = APIToken.objects.get(user=marketer)
    assert token.last_used_at is None
    start = token.created + timedelta(seconds=5)

    # When the key is used three times within a minute, then again two minutes later
    with freeze(start):
        get_segments(key)
    with freeze(start + timedelta(seconds=30)):
        get_segments(key)
    token.refresh_from_db()
    first_use = token.last_used_at
    with freeze(start + timedelta(minutes=2)):
        get_segments(key)
    token.refresh_from_db()

    # Then the first use was recorded and kept for the minute, and the later one moved it on
    assert first_use == start
    assert token.last_used_at == start + timedelta(minutes=2)


def test_a_use_within_the_minute_writes_nothing(marketer):
    key = create_token("marketer")
    find(key)  # recorded now
    with CaptureQueriesContext(connection) as queries:
        assert find(key) is not None
    assert not [q for q in queries.captured_queries if q["sql"].upper().startswith("UPDATE")]


def test_rotate_issues_a_new_key_and_the_old_one_stops_working_at_once(marketer):
    old = create_token("marketer")

    new = create_token("marketer", "--rotate")

    assert new != old
    assert get_segments(new).status_code == 200
    assert get_segments(old).status_code == 401


def test_rotate_with_a_grace_period_keeps_the_old_key_until_it_ends(marketer):
    # Given a system's key rotated with 24 hours of overlap
    old = create_token("marketer")
    new = create_token("marketer", "--rotate", "--grace-hours", "24")
    rotated_at = APIToken.objects.filter(user=marketer).latest("created").created

    # Then both work for the day, and only the new one after it
    with freeze(rotated_at + timedelta(hours=23)):
        assert get_segments(old).status_code == 200
        assert get_segments(new).status_code == 200
    with freeze(rotated_at + timedelta(hours=25)):
        assert get_segments(old).status_code == 401
        assert get_segments(new).status_code == 200


def test_a_key_revoked_in_the_admin_stops_working(marketer):
    key = create_token("marketer")

    APIToken.objects.get(user=marketer).revoke()

    assert get_segments(key).status_code == 401


def test_an_inactive_users_key_stops_working(marketer):
    key = create_token("marketer")
    marketer.is_active = False
    marketer.save()

    assert get_segments(key).status_code == 401


@pytest.mark.django_db
def test_an_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="nobody"):
        create_token("nobody")


@pytest.mark.django_db
def test_an_inactive_user_gets_no_token():
    UserFactory(username="gone", is_active=False)

    with pytest.raises(CommandError, match="inactive"):
        create_token("gone")
    assert not APIToken.objects.exists()


@pytest.mark.django_db
def test_a_wrong_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")

    response = client.get("/api/v1/segments/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_the_admin_creates_a_key_and_shows_it_once(client, admin_user):
    # Given an administrator in Settings → API tokens
    client.force_login(admin_user)
    response = client.post(
        reverse("wagtailusers_api_tokens:add"), {"name": "CRM", "user": admin_user.pk}
    )

    # Then the page shows the key, which works, and the list shows only its start
    assert response.status_code == 200
    key = response.context["token"]
    assert key in response.content.decode()
    assert get_segments(key).status_code == 200
    listing = client.get(reverse("wagtailusers_api_tokens:index")).content.decode()
    assert key not in listing
    assert APIToken.objects.get(name="CRM").prefix in listing


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


def test_keys_from_before_hashing_keep_working_and_leave_no_clear_copy(marketer):
    # Given a database with a key of rest_framework.authtoken, stored in clear
    import importlib

    from django.apps import apps

    migration = importlib.import_module("portal.apikeys.migrations.0002_hash_drf_tokens")
    old_key = "0f" * 20
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp, "
            "user_id integer)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [old_key, "2026-01-01 00:00:00", marketer.pk],
        )

    # When the data migration runs
    # (what RunPython hands it: the SQLite schema editor cannot open inside a test's transaction)
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    migration.hash_old_keys(apps, editor)

    # Then the system's key still opens the API, only its digest is stored, and it will end
    assert get_segments(old_key).status_code == 200
    token = APIToken.objects.get(user=marketer)
    assert token.key_hash == APIToken.hash_token(old_key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
    with freeze(timezone.now() + timedelta(days=91)):
        assert get_segments(old_key).status_code == 401
