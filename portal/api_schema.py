"""The published OpenAPI schema: the portal's own API under /api/, told as it really behaves.

Wagtail's admin API (/admin/api/...) is internal to the admin, undocumented and not built for
drf-spectacular's introspection (it warns on every `check --deploy`); it stays out of the schema.

drf-spectacular documents the happy path; schemathesis (.ci/schemathesis) checks every answer
against the document, so ``PortalAutoSchema`` adds the error answers each operation can give
(400, 401, 403, 404, 409, 413) and ``tighten_requests`` writes down what the JSON parser
(``targeting.api.parsers``) refuses: unknown properties, control characters in strings, numbers
beyond ±2^53.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from portal.api_parsers import MAX_NUMBER

Endpoint = tuple[str, str, str, Callable[..., Any]]

#: Strings without the control characters the parser refuses (tab, LF and CR are allowed).
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"


def only_public_api(endpoints: list[Endpoint], **kwargs: Any) -> list[Endpoint]:
    """drf-spectacular preprocessing hook: keep the endpoints whose path starts with /api/."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]


class ProblemSerializer(serializers.Serializer):
    """An error: ``detail`` (authentication, permission, not found, conflict), or ``errors``
    naming each bad field (``{"errors": {"request.at": "..."}}``), or, from the targeting
    objects' forms, each field's list of messages (``{"slug": ["..."]}``)."""

    detail = serializers.CharField(required=False)
    errors = serializers.DictField(child=serializers.CharField(), required=False)


ERROR_DESCRIPTIONS = {
    "400": "The request is malformed or a field is invalid; the answer names the field.",
    "401": "No credentials, or an unknown, expired or revoked key (`WWW-Authenticate: Token`).",
    "403": "The caller lacks the permission this operation needs.",
    "404": "No such object.",
    "409": "The object cannot be changed as asked in its current state.",
    "413": "The body is larger than the API reads.",
}


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's schema plus the error answers every operation can give."""

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        view, method = self.view, self.method.upper()
        codes = ["400"]
        if view.authentication_classes:
            codes.append("401")
        if any(p is not AllowAny for p in view.permission_classes):
            codes.append("403")
        if "{" in self.path or view.__class__.__name__ == "DecideView":
            codes.append("404")
        if method in ("PUT", "PATCH", "DELETE"):
            codes.append("409")
        if method in ("POST", "PUT", "PATCH"):
            codes.append("413")
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ProblemSerializer, code, direction=direction
                )
                responses[code]["description"] = ERROR_DESCRIPTIONS[code]
        return responses


def _tighten(schema: Any, components: dict[str, Any], seen: set[str]) -> None:
    """Recursively: closed objects, strings without control characters, bounded numbers."""
    if isinstance(schema, list):
        for item in schema:
            _tighten(item, components, seen)
        return
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            _tighten(components.get(name), components, seen)
        return
    kind = schema.get("type")
    if kind == "object" and "properties" in schema:
        schema.setdefault("additionalProperties", False)
    if kind == "string" and "enum" not in schema and "format" not in schema:
        schema.setdefault("pattern", NO_CONTROL_CHARACTERS)
    if kind in ("integer", "number"):
        schema.setdefault("minimum", -MAX_NUMBER)
        schema.setdefault("maximum", MAX_NUMBER)
    for key, value in schema.items():
        if key in ("properties",):
            for item in value.values():
                _tighten(item, components, seen)
        elif key in ("items", "additionalProperties", "allOf", "anyOf", "oneOf", "not"):
            _tighten(value, components, seen)


def tighten_requests(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: request bodies as strict as the JSON parser."""
    components = result.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for content in (operation.get("requestBody") or {}).get("content", {}).values():
                _tighten(content.get("schema"), components, seen)
            for parameter in operation.get("parameters", []):
                _tighten(parameter.get("schema"), components, seen)
    return result
