"""The OpenAPI document describes the public API and its documentation pages render."""

from __future__ import annotations

import pytest
import yaml
from drf_spectacular.validation import validate_schema


@pytest.mark.django_db
def test_the_schema_is_valid_openapi_covering_every_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    paths = set(schema["paths"])
    assert {
        "/api/v1/decide",
        "/api/v1/simulate",
        "/api/v1/crm/memberships",
        "/api/v1/segments/",
        "/api/v1/segments/{slug}/",
        "/api/v1/placements/{slug}/",
        "/api/v1/creatives/{id}/",
        "/api/v1/campaigns/{slug}/",
    } <= paths
    assert all(path.startswith("/api/") for path in paths)  # nothing of the admin's API
    decide = schema["paths"]["/api/v1/decide"]["get"]
    parameters = {parameter["name"]: parameter for parameter in decide["parameters"]}
    assert parameters["placement"]["required"] is True
    # a channel system's customer, documented with its pattern and the refusals
    assert not parameters["customer"].get("required")
    assert parameters["customer"]["schema"]["pattern"]
    assert {"400", "401", "403", "404"} <= set(decide["responses"])
    assert "Decision" in str(decide["responses"]["200"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "loader"),
    [
        # Swagger UI's start-up script is a file of its own under the Content-Security-Policy.
        ("/api/docs/", "/api/docs/?script="),
        ("/api/redoc/", "/api/redoc/"),
    ],
)
def test_the_documentation_pages_render_for_staff(client, marketer, path, loader):
    client.force_login(marketer)

    response = client.get(path)

    assert response.status_code == 200
    assert b"/api/schema/" in client.get(loader).content


@pytest.fixture
def schema(db, client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    return yaml.safe_load(response.content)


def test_every_error_answer_of_simulate_and_the_crm_batch_is_documented(schema):
    simulate = schema["paths"]["/api/v1/simulate"]["post"]["responses"]
    crm = schema["paths"]["/api/v1/crm/memberships"]["post"]["responses"]

    assert {"200", "400", "401", "403", "404", "413"} <= set(simulate)
    assert {"200", "400", "401", "403", "413"} <= set(crm)
    detail = schema["paths"]["/api/v1/segments/{slug}/"]["patch"]["responses"]
    assert {"200", "400", "401", "403", "404", "409", "413"} <= set(detail)


def test_request_bodies_are_as_strict_as_the_parser(schema):
    components = schema["components"]["schemas"]
    simulation = components["SimulationRequest"]
    row = components["CrmMembershipRowRequest"]

    # Unknown keys are refused, strings carry no control characters, attributes are known ones
    assert simulation["additionalProperties"] is False
    assert row["additionalProperties"] is False
    assert set(row["required"]) == {"customer", "code"}
    assert "\\u0000" in row["properties"]["customer"]["pattern"]
    attributes = simulation["properties"]["attributes"]
    assert attributes["additionalProperties"] is False
    assert attributes["properties"]["profile.age"]["maximum"] == 2**53 - 1
    assert None in attributes["properties"]["profile.risk_tolerance"]["enum"]  # null: unknown
    visitor = components["SimulationRequestRequest"]["properties"]["visitor"]
    assert visitor["pattern"] == "^[A-Za-z0-9]{32}$"


@pytest.mark.parametrize(
    "query", ["limit=abc", "limit=0", "limit=501", "offset=-1", "offset=1.5", "limit=1&limit=2"]
)
def test_a_bad_page_query_is_400_naming_it(marketer_client, query):
    response = marketer_client.get(f"/api/v1/segments/?{query}")

    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["errors"]


def test_a_good_page_query_pages(marketer_client):
    response = marketer_client.get("/api/v1/segments/?limit=1&offset=0")

    assert response.status_code == 200
    assert "count" in response.json()
