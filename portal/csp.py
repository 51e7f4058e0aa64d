"""Content-Security-Policy by area of the site (django-csp; the policies live in settings).

The public site gets ``CONTENT_SECURITY_POLICY``: scripts only from our own static files or
carrying the response's nonce, never inline handlers. Some areas run code we do not write (the
Wagtail and Django admins, the API documentation); ``CSP_AREA_POLICIES`` maps a path prefix to
the directives that area needs, so a looser rule there never loosens the public pages. The
longest matching prefix wins, and ``None`` keeps the site policy (the admin login pages, which
anyone can reach). A view's own ``csp_update``/``csp_replace`` decorators still apply on top.
"""

from __future__ import annotations

from typing import Any

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase


def area_directives(path: str) -> dict[str, Any] | None:
    """The directives of the area ``path`` belongs to, or None where the site policy applies."""
    areas: dict[str, dict[str, Any] | None] = getattr(settings, "CSP_AREA_POLICIES", {})
    matches = [prefix for prefix in areas if path.startswith(prefix)]
    if not matches:
        return None
    return areas[max(matches, key=len)]


class AreaCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy of the request's area of the site."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None:
            directives = area_directives(request.path_info)
            if directives is not None:
                parts.config = default_config(directives)
        return parts
