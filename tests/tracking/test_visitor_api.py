"""``GET /api/v1/visitors/<id>``: the folded profile, for staff with the permission only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from targeting.models import VisitorProfile
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
    assert client.get("/api/v1/visitors/unknown").status_code == 404
