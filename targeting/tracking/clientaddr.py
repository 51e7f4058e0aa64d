"""The client's network address, resolved once for every limiter, log line and provider.

Behind the load balancer that production assumes, ``REMOTE_ADDR`` is the proxy's address, so
limits keyed on it put every customer in one bucket. The address is the peer unless the peer is
one of ``settings.TRUSTED_PROXIES``; then ``X-Forwarded-For`` is walked from the right while the
hops are trusted (the engine's resolver, ``targeting.engine.providers.geo.client_ip``). A header
sent by anyone else is ignored: it is only a claim.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from targeting.engine.providers.geo import client_ip as _resolve

_ATTRIBUTE = "_portal_client_ip"


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as text, or None when the peer address is not an address.

    Computed once per request and remembered on it (axes, the limiters and the targeting
    providers all ask).
    """
    try:
        return getattr(request, _ATTRIBUTE)
    except AttributeError:
        pass
    meta = request.META
    address = _resolve(
        meta.get("REMOTE_ADDR", "") or "",
        meta.get("HTTP_X_FORWARDED_FOR", "") or "",
        settings.TRUSTED_PROXIES,
    )
    setattr(request, _ATTRIBUTE, address)
    return address


def client_key(request: HttpRequest) -> str:
    """The address to count requests by: ``unknown`` when there is none (one shared bucket)."""
    return client_ip(request) or "unknown"
