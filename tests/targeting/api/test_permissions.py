"""Every path and method of the targeting CRUD, for every kind of caller.

Anonymous callers get 401, people without the targeting permissions 403 (reading included:
audiences describe customers), compliance reviewers may read and change campaigns only, and
marketers may do everything their admin role allows.
"""

from __future__ import annotations

import pytest

from tests.targeting.api.conftest import client_for
from tests.targeting.factories import (
    CreativeFactory,
    PlacementFactory,
    SegmentFactory,
    live_campaign,
    publish,
)

READ = {"get", "head", "options"}


@pytest.fixture
def objects(db):
    """One object of each kind, and the paths of each collection and object."""
    segment = publish(SegmentFactory(slug="young-professionals"))
    placement = PlacementFactory(slug="home-hero")
    creative = publish(CreativeFactory())
    campaign = live_campaign(placement, creative, include=[segment], slug="salary-card")
    spare = {
        "segments": publish(SegmentFactory(slug="spare")).slug,
        "placements": PlacementFactory(slug="spare").slug,
        "creatives": CreativeFactory().pk,
        "campaigns": campaign.slug,
    }
    paths = {resource: f"/api/v1/{resource}/{key}/" for resource, key in spare.items()}
    return {"paths": paths, "slugs": spare, "creative": creative.pk}


def valid_body(resource: str, slug: object, creative: int) -> dict:
    """A valid body, so a permitted caller's request succeeds (validation is tested elsewhere)."""
    mobile = {"attr": "device.type", "op": "eq", "value": "mobile"}
    body = {
        "segments": {"name": "手机访客", "rule": mobile, "enabled": True},
        "placements": {"name": "侧栏", "kind": "sidebar"},
        "creatives": {"name": "新创意", "headline": "新品"},
        "campaigns": {
            "name": "新活动",
            "placements": ["home-hero"],
            "creatives": [{"creative": creative, "weight": 1}],
        },
    }[resource]
    if resource != "creatives":
        body["slug"] = slug
    return body


def call(client, method: str, path: str, body: dict):
    if method in {"post", "put", "patch"}:
        return getattr(client, method)(path, body, format="json")
    return getattr(client, method)(path)


def allowed(role: str, resource: str, method: str) -> bool:
    if role == "marketer":
        return True
    if role == "reviewer":
        return method in READ or (resource == "campaigns" and method in {"put", "patch"})
    return False


ENDPOINTS = [
    (resource, method, where)
    for resource in ("segments", "placements", "creatives", "campaigns")
    for method, where in (
        ("get", "collection"),
        ("head", "collection"),
        ("options", "collection"),
        ("post", "collection"),
        ("get", "object"),
        ("head", "object"),
        ("options", "object"),
        ("put", "object"),
        ("patch", "object"),
        ("delete", "object"),
    )
]


@pytest.mark.parametrize(("resource", "method", "where"), ENDPOINTS)
def test_each_caller_gets_only_what_their_role_allows(
    objects, customer, outsider, reviewer, marketer, resource, method, where
):
    if where == "collection":
        path, slug = f"/api/v1/{resource}/", "new-one"
    else:
        path, slug = objects["paths"][resource], objects["slugs"][resource]
    body = valid_body(resource, slug, objects["creative"])
    callers = {
        "anonymous": None,
        "customer": customer,
        "admin user without targeting rights": outsider,
        "reviewer": reviewer,
        "marketer": marketer,
    }
    for role, user in callers.items():
        response = call(client_for(user), method, path, body)
        if user is None:
            expected = {401}
        elif allowed(role, resource, method):
            expected = {204} if method == "delete" else {200, 201}
        else:
            expected = {403}
        assert response.status_code in expected, (role, method, path, response.content[:300])
