"""``GET /api/v1/visitors/<id>``: the folded profile, for staff with the permission only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from targeting.tracking.models import VisitorProfile
from tests.targeting.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(db):
    return VisitorProfile.objects.create(
        visitor_id="a" * 32,
        data={"pageviews": 3, "categories": {"loan": "2026-03-07T10:00:00+08:00"}},
    )


def test_anonymous_callers_get_nothing(client, profile):
    assert client.get(f"/api/v1/visitors/{profile.visitor_id}").status_code in (401, 403)


def test_staff_without_the_permission_get_403(client, profile):
    client.force_login(UserFactory(username="editor", is_staff=True))
    assert client.get(f"/api/v1/visitors/{profile.visitor_id}").status_code == 403


def test_with_the_permission_the_folded_profile_is_returned(client, profile):
    user = UserFactory(username="analyst")
    user.user_permissions.add(Permission.objects.get(codename="view_visitorprofile"))
    client.force_login(user)
    response = client.get(f"/api/v1/visitors/{profile.visitor_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["visitor"] == profile.visitor_id
    assert body["behaviour"]["pageviews"] == 3
    assert body["behaviour"]["categories"] == ["loan"]
    assert client.get(f"/api/v1/visitors/{'f' * 32}").status_code == 404


@pytest.mark.parametrize(
    "visitor_id", ["%00", "a%00b", "customer-1%00", "x" * 5000, "a" * 31, "customer-", "unknown"]
)
def test_a_malformed_visitor_id_is_a_400_naming_the_field(client, visitor_id):
    # Given staff with the permission (a NUL in the path was a 500 on PostgreSQL)
    user = UserFactory(username="analyst")
    user.user_permissions.add(Permission.objects.get(codename="view_visitorprofile"))
    client.force_login(user)

    # (the API speaks the site's default language, zh-hans)
    response = client.get(f"/api/v1/visitors/{visitor_id}", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert response.json() == {"visitor": "应为 32 位字母或数字组成的访客标识，或 customer-<编号>"}


def test_a_bad_token_is_refused_even_beside_a_signed_in_session(client, profile):
    from django.contrib.auth.models import Permission

    staff = UserFactory(username="analyst2", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_visitorprofile"))
    client.force_login(staff)
    response = client.get(
        f"/api/v1/visitors/{profile.visitor_id}", HTTP_AUTHORIZATION="Token not-a-real-key"
    )
    assert response.status_code == 401
