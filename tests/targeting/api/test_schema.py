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
    assert decide["parameters"][0]["name"] == "placement"
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
