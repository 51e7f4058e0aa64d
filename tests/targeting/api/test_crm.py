"""POST /api/v1/crm/memberships: the CRM upserts memberships in bulk, as the CSV import does."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation

from targeting.api.serializers import CrmBulkSerializer, first_error
from targeting.models import CrmMembership
from tests.targeting.api.conftest import client_for
from tests.targeting.factories import CrmMembershipFactory, UserFactory

URL = "/api/v1/crm/memberships"


@pytest.fixture
def crm_client(db):
    """The CRM's system account: may add and change memberships, nothing else."""
    user = UserFactory(username="crm-system")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_crmmembership", "change_crmmembership"])
    )
    return client_for(user)


def test_good_rows_are_upserted_and_bad_rows_reported_by_index(crm_client):
    # Given a batch with two good rows and three bad ones
    rows = [
        {"customer": "C0000001", "code": "VIP", "expires": "2030-12-31"},
        {"customer": "C0000001", "code": "bad code!"},
        {"customer": "C0000002", "code": "MORTGAGE"},
        {"customer": "", "code": "VIP"},
        {"customer": "C0000003", "code": "VIP", "expires": "soon"},
    ]

    # When the CRM posts it
    response = crm_client.post(URL, {"memberships": rows}, format="json")

    # Then the good rows are stored and each bad one is named with its index and reason
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["created"], answer["updated"], answer["unchanged"]) == (2, 0, 0)
    assert [r["index"] for r in answer["rejected"]] == [1, 3, 4]
    assert answer["rejected"][0]["reason"].startswith("code:")
    assert answer["rejected"][1]["reason"] == "customer: missing"
    assert answer["rejected"][2]["reason"].startswith("expires:")
    assert set(CrmMembership.objects.values_list("customer_ref", "code")) == {
        ("C0000001", "VIP"),
        ("C0000002", "MORTGAGE"),
    }


def test_sending_the_same_batch_twice_changes_nothing(crm_client):
    rows = [{"customer": "C0000001", "code": "VIP", "expires": "2030-12-31"}]
    crm_client.post(URL, {"memberships": rows}, format="json")

    again = crm_client.post(URL, {"memberships": rows}, format="json").json()

    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 1)
    assert CrmMembership.objects.count() == 1


def test_a_new_expiry_updates_the_membership(crm_client):
    CrmMembershipFactory(customer_ref="C0000001", code="VIP")

    answer = crm_client.post(
        URL,
        {"memberships": [{"customer": "C0000001", "code": "VIP", "expires": "2031-01-31"}]},
        format="json",
    ).json()

    assert answer["updated"] == 1
    assert CrmMembership.objects.get().expires_at.year == 2031


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("C0000001,VIP", "memberships[1]"),
        ({"customer": 42, "code": "VIP"}, "memberships[1].customer"),
        ({"code": "VIP"}, "memberships[1].customer"),
        ({"customer": "C1", "code": "VIP", "colour": "red"}, "memberships[1].colour"),
        ({"customer": "C1", "code": "VIP", "expires": 20301231}, "memberships[1].expires"),
    ],
)
def test_a_misshaped_row_refuses_the_batch_naming_it(crm_client, row, field):
    # Given a batch whose second row is not shaped as documented
    rows = [{"customer": "C1", "code": "OK"}, row]

    response = crm_client.post(URL, {"memberships": rows}, format="json")

    # Then nothing is stored and the answer names the row and field
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not CrmMembership.objects.exists()


def test_a_line_break_in_a_value_is_a_rejected_row(crm_client):
    rows = [{"customer": "C1", "code": "VIP\nC2,VIP"}, {"customer": "C1", "code": "OK"}]

    answer = crm_client.post(URL, {"memberships": rows}, format="json").json()

    assert [r["index"] for r in answer["rejected"]] == [0]
    assert answer["created"] == 1


def test_more_than_5000_rows_is_413(crm_client):
    rows = [{"customer": f"C{i:07d}", "code": "VIP"} for i in range(5001)]

    response = crm_client.post(URL, {"memberships": rows}, format="json")

    assert response.status_code == 413
    assert "memberships" in response.json()["errors"]
    assert not CrmMembership.objects.exists()


def test_5000_rows_are_accepted(crm_client):
    rows = [{"customer": f"C{i:07d}", "code": "VIP"} for i in range(5000)]

    response = crm_client.post(URL, {"memberships": rows}, format="json")

    assert response.status_code == 200
    assert response.json()["created"] == 5000


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "memberships"),
        ({"memberships": {"customer": "C1"}}, "memberships"),
        ({"memberships": [], "replace": "yes"}, "replace"),
        ({"memberships": [], "truncate": True}, "truncate"),
    ],
)
def test_a_malformed_body_is_400_naming_the_field(crm_client, body, field):
    response = crm_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_replace_leaves_each_named_customer_with_only_the_listed_codes(marketer_client):
    # Given customers with memberships (marketers may also delete memberships)
    CrmMembershipFactory(customer_ref="C0000001", code="VIP")
    CrmMembershipFactory(customer_ref="C0000001", code="MORTGAGE")
    CrmMembershipFactory(customer_ref="C0000002", code="VIP")
    CrmMembershipFactory(customer_ref="C0000003", code="VIP")

    # When the CRM replaces C0000001's codes, and sends a bad row for C0000003
    rows = [
        {"customer": "C0000001", "code": "VIP"},
        {"customer": "C0000003", "code": "bad code!"},
    ]
    answer = marketer_client.post(URL, {"memberships": rows, "replace": True}, format="json").json()

    # Then C0000001 keeps only VIP; customers not named, or with a bad row, keep everything
    assert answer["removed"] == 1
    assert set(CrmMembership.objects.values_list("customer_ref", "code")) == {
        ("C0000001", "VIP"),
        ("C0000002", "VIP"),
        ("C0000003", "VIP"),
    }


def test_replace_needs_the_delete_permission(crm_client):
    CrmMembershipFactory(customer_ref="C0000001", code="MORTGAGE")

    response = crm_client.post(
        URL,
        {"memberships": [{"customer": "C0000001", "code": "VIP"}], "replace": True},
        format="json",
    )

    assert response.status_code == 403
    assert CrmMembership.objects.filter(code="MORTGAGE").exists()


@pytest.mark.parametrize("who", ["anonymous_client", "customer_client", "reviewer_client"])
def test_only_callers_allowed_to_change_memberships_may_post(db, who, request):
    client = request.getfixturevalue(who)

    response = client.post(URL, {"memberships": [{"customer": "C1", "code": "VIP"}]}, format="json")

    assert response.status_code == (401 if who == "anonymous_client" else 403)
    assert not CrmMembership.objects.exists()


# --- Hostile values (issue 8, item 9) ----------------------------------------------------------


@pytest.mark.parametrize(
    "expires",
    ["99999-01-01", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00", "1" + "0" * 30],
)
def test_an_overflowing_expiry_is_a_rejected_row_not_a_500(crm_client, expires):
    response = crm_client.post(
        URL,
        {"memberships": [{"customer": "C0000001", "code": "VIP", "expires": expires}]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["rejected"][0]["index"] == 0
    assert response.json()["rejected"][0]["reason"].startswith("expires:")
    assert not CrmMembership.objects.exists()


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"memberships": [{"customer": "C1\\u0000", "code": "VIP"}]}', "memberships[0].customer"),
        ('{"memberships": [{"customer": "C1", "code": "V\\u001bIP"}]}', "memberships[0].code"),
        (
            '{"memberships": [{"customer": "C1", "code": "VIP", "expires": 1e30}]}',
            "memberships[0].expires",
        ),
        (
            '{"memberships": [{"customer": "C1", "code": "VIP", "expires": NaN}]}',
            "memberships[0].expires",
        ),
        ('{"memberships": [], "replace": Infinity}', "replace"),
        ('{"memberships": ' + "[" * 50 + "]" * 50 + "}", "memberships" + "[0]" * 32),
        ("[" * 100_000, "body"),
        ('{"memberships": [}', "body"),
    ],
)
def test_hostile_bodies_are_400_naming_the_field(crm_client, raw, field):
    response = crm_client.post(URL, raw, content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not CrmMembership.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "why"),
    [
        (
            {"memberships": [{"customer": 42, "code": "VIP"}]},
            "memberships[0].customer",
            "expected a string",
        ),
        (
            {"memberships": [{"customer": "C1", "code": "VIP", "x": 1}]},
            "memberships[0].x",
            "unknown key",
        ),
        (
            {"memberships": ["C1,VIP"]},
            "memberships[0]",
            "expected an object with customer, code and expires",
        ),
        ({"memberships": [], "replace": "yes"}, "replace", "Expected true or false."),
        ({"memberships": [], "truncate": True}, "truncate", "Unknown key."),
        ({"memberships": {"customer": "C1"}}, "memberships", "Expected a list of memberships."),
        ([], "body", "Expected a JSON object."),
    ],
)
def test_the_documented_serializer_is_the_contract_the_api_enforces(crm_client, body, field, why):
    # Given a body that breaks the documented request schema
    # When the serializer the OpenAPI schema is generated from validates it
    with translation.override("en"):
        serializer = CrmBulkSerializer(data=body)
        found = None if serializer.is_valid() else first_error(serializer.errors)
    with translation.override("zh-hans"):
        serializer = CrmBulkSerializer(data=body)
        serializer.is_valid()
        _field, why_in_chinese = first_error(serializer.errors)
    response = crm_client.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")

    # Then the serializer refuses it, and the API answers with the same field and reason
    assert found == (field, why)
    assert response.status_code == 400
    assert response.json() == {"errors": {field: why_in_chinese}}
