"""The event API in the OpenAPI document (issue 9 item 6): its real shapes, from its own rules."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator

from targeting.tracking.schema import EVENT_TYPES, hostile_values
from tests.tracking.conftest import event, post_batch


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def resolved(document: dict[str, Any], name: str) -> dict[str, Any]:
    """A component schema with its ``$ref``s inlined, as plain JSON Schema."""

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                return inline(copy.deepcopy(document["components"]["schemas"][ref.split("/")[-1]]))
            return {key: inline(value) for key, value in node.items() if key != "nullable"}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return inline(document["components"]["schemas"][name])


def is_valid(schema: dict[str, Any], value: Any) -> bool:
    return jsonschema.Draft7Validator(schema).is_valid(value)


def test_the_document_has_the_events_operation_with_every_event_type(document):
    operation = document["paths"]["/api/v1/events"]["post"]

    assert set(operation["responses"]) >= {"200", "400", "401", "403", "413", "415", "429"}
    events = resolved(document, "EventBatchRequest")["properties"]["events"]
    types = {branch["properties"]["type"]["enum"][0] for branch in events["items"]["oneOf"]}
    assert types == set(EVENT_TYPES)
    # Every property of every type says what it accepts (a new validator must describe itself)
    for branch in events["items"]["oneOf"]:
        for name, schema in branch["properties"]["properties"]["properties"].items():
            assert schema, f"{branch['title']}.properties.{name} has no schema"


SAMPLES: list[Any] = [
    None,
    True,
    0,
    -1,
    3,
    5.5,
    2**31,
    10**13,
    "",
    "a",
    "home-hero",
    "a b",
    "/p/",
    "p/",
    "5812",
    "581",
    "CNY",
    "cny",
    "ios",
    "click",
    "x" * 41,
    "x" * 81,
    "x" * 501,
    "tab\there",
    "nul\x00",
    "2026-12-01",
    [],
    ["a"],
    [""],
    ["a"] * 21,
    {"a": 1},
]


def test_each_property_schema_accepts_exactly_what_its_validator_accepts(document):
    # Given every property of every event type, its validator and its published schema
    batch = resolved(document, "EventBatchRequest")
    branches = {
        b["properties"]["type"]["enum"][0]: b
        for b in batch["properties"]["events"]["items"]["oneOf"]
    }
    for type_name, event_type in EVENT_TYPES.items():
        published = branches[type_name]["properties"]["properties"]["properties"]
        for name, (_required, check) in event_type.properties.items():
            for value in SAMPLES:
                # Then the two agree on each sample value (control characters are refused for
                # the whole event, wherever they are: the schema states it on each string)
                accepted = check(value) is None and not hostile_values(value)
                assert accepted == is_valid(published[name], value), (
                    f"{type_name}.properties.{name} = {value!r}"
                )


@pytest.mark.django_db
def test_a_channel_systems_batch_and_the_answers_match_the_document(
    document, channel_system, client
):
    _user, token = channel_system
    # Given a batch as a channel system sends it, valid by the document
    events = [
        event(
            "card_transaction",
            customer="C0001",
            channel="pos",
            properties={"merchant_category_code": "5812", "amount": 120, "currency": "CNY"},
        ),
        event("page_view", visitor="f" * 32, properties={"path": "/p/"}),
        event("app_open", customer="C0001", channel="app", properties={"platform": "ios"}),
    ]
    assert is_valid(resolved(document, "EventBatchRequest"), {"events": events})

    # When it is posted, with one event the document refuses added
    bad = event("search", customer="C0001", properties={})
    assert not is_valid(resolved(document, "EventBatchRequest"), {"events": [bad]})
    response = post_batch(client, [*events, bad], HTTP_AUTHORIZATION=token)

    # Then the good ones are accepted, the bad one rejected, and the answer is as documented
    assert response.status_code == 200
    answer = response.json()
    assert len(answer["accepted"]) == 3 and answer["rejected"][0]["index"] == 3
    assert is_valid(resolved(document, "EventBatchAnswer"), answer)

    # And the refusals are shaped as documented too
    problem = resolved(document, "EventProblem")
    all_bad = post_batch(client, [bad], HTTP_AUTHORIZATION=token)
    assert all_bad.status_code == 400 and is_valid(problem, all_bad.json())
    not_json = client.post("/api/v1/events", data="x", content_type="application/xml")
    assert not_json.status_code == 415 and is_valid(problem, not_json.json())
    unknown_token = post_batch(client, events, HTTP_AUTHORIZATION="Token nope")
    assert unknown_token.status_code == 401 and is_valid(problem, unknown_token.json())


@pytest.mark.django_db
def test_the_visitors_api_refusals_match_the_document(document, client):
    from django.contrib.auth.models import Permission

    from tests.targeting.factories import UserFactory

    operation = document["paths"]["/api/v1/visitors/{visitor_id}"]["get"]

    def schema_of(code: str) -> dict[str, Any]:
        ref = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
        return resolved(document, ref.rsplit("/", 1)[-1])

    staff = UserFactory(username="analyst")
    staff.user_permissions.add(Permission.objects.get(codename="view_visitorprofile"))
    client.force_login(staff)

    bad_id = client.get("/api/v1/visitors/not-an-id")
    assert bad_id.status_code == 400 and is_valid(schema_of("400"), bad_id.json())
    unknown = client.get("/api/v1/visitors/" + "a" * 32)
    assert unknown.status_code == 404 and is_valid(schema_of("404"), unknown.json())
    client.logout()
    refused = client.get("/api/v1/visitors/" + "a" * 32)
    assert refused.status_code == 401 and is_valid(schema_of("401"), refused.json())
    client.force_login(UserFactory(username="editor"))
    forbidden = client.get("/api/v1/visitors/" + "a" * 32)
    assert forbidden.status_code == 403 and is_valid(schema_of("403"), forbidden.json())
