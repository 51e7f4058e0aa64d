"""The published OpenAPI schema covers the portal's own API under /api/, nothing else.

Wagtail's admin API (/admin/api/...) is internal to the admin, undocumented and not built for
drf-spectacular's introspection (it warns on every `check --deploy`); it stays out of the schema.
"""

from collections.abc import Callable
from typing import Any

Endpoint = tuple[str, str, str, Callable[..., Any]]


def only_public_api(endpoints: list[Endpoint], **kwargs: Any) -> list[Endpoint]:
    """drf-spectacular preprocessing hook: keep the endpoints whose path starts with /api/."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
