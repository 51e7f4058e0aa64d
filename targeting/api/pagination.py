"""Paging of the API's lists: a bad ``limit`` or ``offset`` is a 400, not silently ignored."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

#: The largest page; also the largest offset a caller may ask for (lists are small).
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000


class StrictLimitOffsetPagination(LimitOffsetPagination):
    """``?limit=&offset=`` as DRF reads them, but refusing what DRF would quietly replace."""

    max_limit = MAX_LIMIT

    def _number(self, request: Request, name: str, low: int, high: int) -> int | None:
        raw = request.query_params.getlist(name)
        if not raw:
            return None
        if len(raw) > 1 or not raw[0].isascii() or not raw[0].isdigit():
            raise ValidationError({"errors": {name: _("Expected one whole number.")}})
        value = int(raw[0])
        if not low <= value <= high:
            raise ValidationError(
                {
                    "errors": {
                        name: _("Expected a number from %(low)d to %(high)d.")
                        % {"low": low, "high": high}
                    }
                }
            )
        return value

    def get_limit(self, request: Request) -> int | None:
        value = self._number(request, self.limit_query_param, 1, MAX_LIMIT)
        return self.default_limit if value is None else value

    def get_offset(self, request: Request) -> int:
        value = self._number(request, self.offset_query_param, 0, MAX_OFFSET)
        return value or 0

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: (1, MAX_LIMIT),
            self.offset_query_param: (0, MAX_OFFSET),
        }
        for parameter in parameters:
            low, high = bounds[parameter["name"]]
            parameter["schema"].update({"minimum": low, "maximum": high})
        return parameters
