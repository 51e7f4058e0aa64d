"""The visitor of a request as targeting sees it: the id (``targeting.tracking.visitors``, with
consent) and a lazy engine context."""

from __future__ import annotations

import functools
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property

from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.providers import DEFAULT_PROVIDERS, EngineConfig, geo
from targeting.profiles import load_behaviour, load_customer
from targeting.tracking.clientaddr import came_through_trusted_proxy, client_ip
from targeting.tracking.consent import has_consent
from targeting.tracking.documents import customer_profile_key
from targeting.tracking.visitors import new_visitor_id, read_visitor_id


@functools.cache
def engine_config() -> EngineConfig:
    """The engine's configuration from settings, built once per process."""
    hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h and h != "*"]
    cdn = {**geo.CDN_HEADERS, **getattr(settings, "TARGETING_CDN_GEO_HEADERS", {})}
    return EngineConfig(
        site_timezone=settings.TIME_ZONE,
        geoip_path=settings.GEOIP_PATH or None,
        site_hosts=tuple(hosts),
        cdn_country_headers=tuple(cdn["country"]),
        cdn_region_headers=tuple(cdn["region"]),
        cdn_city_headers=tuple(cdn["city"]),
    )


def cdn_headers(request: HttpRequest) -> dict[str, str]:
    """The configured CDN geo headers of a request that came through a trusted proxy (else none:
    a header from anyone else is only a claim). A few dictionary reads, no parsing."""
    if not came_through_trusted_proxy(request):
        return {}
    headers = request.headers
    found = {}
    for name in engine_config().cdn_header_names:
        value = headers.get(name)
        if value:
            found[name] = value
    return found


def request_info(
    request: HttpRequest, visitor_id: str | None, now: datetime | None = None
) -> RequestInfo:
    """Describe the request for the engine's providers."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    behaviour_id = visitor_id
    if visitor_id and signed_in:
        behaviour_id = customer_profile_key(user.pk)
    try:
        url = request.build_absolute_uri()
        host = request.get_host()
    except Exception:  # DisallowedHost: describe the request without the host, never fail
        url, host = request.get_full_path(), ""
    return RequestInfo(
        url=url,
        path=request.path,
        referrer=request.headers.get("Referer", ""),
        user_agent=request.headers.get("User-Agent", ""),
        # Resolved once behind the trusted proxies (the same address every limiter uses).
        remote_addr=client_ip(request) or "",
        now=now or timezone.now(),
        visitor_id=visitor_id,
        customer_id=str(user.pk) if signed_in else None,
        site_host=host,
        timezone=settings.TIME_ZONE,
        cdn_headers=cdn_headers(request),
        # Signed in (and consenting), behaviour is the customer's cross-device profile; the
        # browser's own profile holds only what was done on it anonymously (docs/tracking.md).
        # Memoised: the behaviour family and each channel family (card, branch, app, call
        # centre) read the same document, once per request.
        behaviour_loader=(
            functools.cache(lambda: load_behaviour(behaviour_id)) if behaviour_id else None
        ),
        customer_loader=(lambda: load_customer(user)) if signed_in else None,
    )


class Visitor:
    """``request.visitor``: who is asking, as far as targeting is allowed to know."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.consented = has_consent(request, "analytics")
        self.cookie_id = read_visitor_id(request)
        self.is_new = False
        self.id: str | None = None
        if self.consented:
            self.id = self.cookie_id or new_visitor_id()
            self.is_new = self.cookie_id is None

    @property
    def is_anonymous(self) -> bool:
        user = getattr(self.request, "user", None)
        return user is None or not user.is_authenticated

    @cached_property
    def context(self) -> VisitorContext:
        """The engine's context, built on first use; providers run only when a rule asks."""
        return VisitorContext(
            request_info(self.request, self.id), providers=DEFAULT_PROVIDERS, config=engine_config()
        )
