"""wagtail-localize's translation editor can save what an editor types (issue 12, editor's walk).

The editor saves each translated string (and each overridden image or link) with a ``PUT`` of
form data to two Django REST framework views of wagtail-localize. They take the project's default
parser, which is the API's strict JSON parser (``portal.api_parsers``): every save answered 415
and the editor showed 服务器错误 beside each string, so no page could be translated in the
browser (the demo's English was written by code). Those two views get the form parsers they
were written for, and refuse, like the API's parser, control characters other than tab and line
breaks (a NUL cannot be stored by PostgreSQL) with a 400.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, MultiPartParser

from portal.api_parsers import CONTROL_CHARACTERS


def _check(data: Any) -> Any:
    values = data.data if hasattr(data, "data") else data  # MultiPartParser: DataAndFiles
    for key, items in values.lists():
        for value in [key, *items]:
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                raise ParseError(f"{key}: control characters are not allowed")
    return data


class CheckedFormParser(FormParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        return _check(super().parse(stream, media_type, parser_context))


class CheckedMultiPartParser(MultiPartParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        return _check(super().parse(stream, media_type, parser_context))


def install() -> None:
    """Give wagtail-localize's string and override editing views the form parsers."""
    # local: install() runs from PortalConfig.ready(); its views import its models
    from wagtail_localize.views import edit_translation  # type: ignore[import-untyped]

    for view in (edit_translation.edit_string_translation, edit_translation.edit_override):
        view.cls.parser_classes = [CheckedMultiPartParser, CheckedFormParser]
