"""The API's JSON parser: hostile bodies are a 400 (or 413) naming the problem, never a 500.

Python's ``json`` accepts ``NaN`` and ``Infinity``, turns ``1e309`` into infinity, recurses
until ``RecursionError`` on deep nesting, and lets U+0000 through; PostgreSQL's jsonb and the
renderer then fail far from the caller. This parser refuses all of that at the door, with the
path of the offending value (``attributes.profile.age``, ``memberships[3].customer``), in the
API's error shape ``{"errors": {"<path>": "<why>"}}``. It is the default parser of every API view.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

#: Deeper than any rule the rule language allows (its limit is 20 levels) plus the envelope.
MAX_DEPTH = 32
#: The largest magnitude kept exactly by every JSON reader (I-JSON, RFC 7493).
MAX_NUMBER = 2**53 - 1
#: C0 controls other than tab, line feed and carriage return; DEL; C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Default body limit; a view may set ``max_body_bytes`` (the CRM batch allows more).
DEFAULT_MAX_BODY_BYTES = 1024 * 1024


class PayloadTooLarge(APIException):
    """The body is over the view's limit; refused before it is read."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class _NonFinite:
    """Stands in for ``NaN``/``Infinity`` while parsing so the walk can name where it was."""

    def __init__(self, literal: str) -> None:
        self.literal = literal


def bad_body(path: str, message: str) -> ParseError:
    """A 400 in the API's error shape."""
    return ParseError({"errors": {path or "body": message}})


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def check_value(data: Any, root: str = "") -> None:
    """Raise ``ParseError`` for the first hostile value in ``data``, naming its path.

    Iterative, so a value nested too deeply is reported rather than crashing the checker.
    """
    stack: list[tuple[Any, str, int]] = [(data, root, 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise bad_body(path, _("Nested deeper than %d levels.") % MAX_DEPTH)
        if isinstance(value, _NonFinite):
            raise bad_body(path, _("NaN and Infinity are not numbers in JSON."))
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, float):
            if not math.isfinite(value) or abs(value) > MAX_NUMBER:
                raise bad_body(path, _("Number out of range (at most ±%d).") % MAX_NUMBER)
        elif isinstance(value, int):
            if abs(value) > MAX_NUMBER:
                raise bad_body(path, _("Number out of range (at most ±%d).") % MAX_NUMBER)
        elif isinstance(value, str):
            if CONTROL_CHARACTERS.search(value):
                raise bad_body(path, _("Control characters (such as U+0000) are not allowed."))
        elif isinstance(value, dict):
            for key, item in value.items():
                child = _join(path, key)
                if CONTROL_CHARACTERS.search(key):
                    raise bad_body(
                        path or "body", _("Control characters (such as U+0000) are not allowed.")
                    )
                stack.append((item, child, depth + 1))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                stack.append((item, _join(path, index), depth + 1))


def max_body_bytes(parser_context: Mapping[str, Any] | None) -> int:
    view = (parser_context or {}).get("view")
    limit: int | None = getattr(view, "max_body_bytes", None)
    default: int = getattr(settings, "API_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)
    return int(limit or default)


class StrictJSONParser(JSONParser):
    """JSON without NaN/Infinity, control characters, numbers beyond ±2^53 or deep nesting."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        parser_context = parser_context or {}
        limit = max_body_bytes(parser_context)
        request = parser_context.get("request")
        too_large = PayloadTooLarge(
            {"errors": {"body": _("The body is larger than %d bytes.") % limit}}
        )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        except ValueError:
            length = 0
        if length > limit:
            raise too_large
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise too_large
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise bad_body("body", _("The body is not valid %s text.") % encoding) from None
        try:
            data = json.loads(text, parse_constant=_NonFinite)
        except RecursionError:
            raise bad_body("body", _("Nested deeper than %d levels.") % MAX_DEPTH) from None
        except ValueError as exc:
            # JSONDecodeError, and int() refusing thousands of digits.
            raise bad_body("body", _("Not valid JSON: %s") % exc) from None
        check_value(data)
        return data
