"""The visitor of a request as targeting sees it: the id (``targeting.tracking.visitors``, with
consent) and a lazy engine context."""

from __future__ import annotations

import dataclasses
import functools
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property

from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.providers import DEFAULT_PROVIDERS, EngineConfig, arrival, geo
from targeting.profiles import cached_behaviour, load_behaviour, load_customer
from targeting.snapshot import get_snapshot
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


#: The visit's arrival and the segments that stay matched for it (issue 14 item 3): a signed
#: cookie, with analytics consent only, written only when it changes (an arrival from outside,
#: a sticky segment newly matched), so internal pages set no cookie and stay cacheable.
VISIT_COOKIE = "tgt_visit"
VISIT_COOKIE_SALT = "targeting.visit"
#: A visit lasts at most this long after its arrival (seconds); the cookie expires with it.
VISIT_MAX_AGE = 4 * 60 * 60
#: Most sticky segments one visit keeps.
MAX_VISIT_SEGMENTS = 20
_SOURCE_NAMES = tuple(f"source.{name}" for name in arrival.ARRIVAL_NAMES)


def read_visit(request: HttpRequest) -> dict[str, Any]:
    """The visit cookie as ``{"a": arrival or None, "s": [sticky slugs]}`` (empty if none)."""
    raw = request.get_signed_cookie(
        VISIT_COOKIE, default=None, salt=VISIT_COOKIE_SALT, max_age=VISIT_MAX_AGE
    )
    if not raw or len(raw) > 4000:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    kept = data.get("a")
    slugs = data.get("s")
    return {
        "a": arrival.checked(kept) if isinstance(kept, dict) else None,
        "s": [s for s in slugs if isinstance(s, str)][:MAX_VISIT_SEGMENTS]
        if isinstance(slugs, list)
        else [],
    }


def request_info(
    request: HttpRequest,
    visitor_id: str | None,
    now: datetime | None = None,
    visit: dict[str, Any] | None = None,
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
        arrival=(visit or {}).get("a"),
        profile_ids=(behaviour_id,) if visitor_id and signed_in and behaviour_id else (),
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
        self.visit: dict[str, Any] = {}
        if self.consented:
            self.id = self.cookie_id or new_visitor_id()
            self.is_new = self.cookie_id is None
            if VISIT_COOKIE in request.COOKIES:
                self.visit = read_visit(request)

    @property
    def is_anonymous(self) -> bool:
        user = getattr(self.request, "user", None)
        return user is None or not user.is_authenticated

    @cached_property
    def context(self) -> VisitorContext:
        """The engine's context, built on first use; providers run only when a rule asks.

        Segments that stay matched for the visit and matched earlier in it are matched here
        before any rule runs (the memo the engine consults first).
        """
        ctx = VisitorContext(
            request_info(self.request, self.id, visit=self.visit),
            providers=DEFAULT_PROVIDERS,
            config=engine_config(),
        )
        kept = self.visit.get("s")
        if kept and self._new_arrival(ctx) is None:  # a new arrival starts a new visit
            sticky = get_snapshot().visit_segments
            ctx.segment_memo.update({slug: True for slug in kept if slug in sticky})
        return ctx

    def context_without_queries(self) -> VisitorContext:
        """This request's context for work after the response (counting the audiences the
        visitor matched): families the page already computed, and segments it already
        answered, are reused; profiles not read yet come from the cache alone, so a profile
        missing from it counts as unknown and no query is ever made.

        The page is done with the context by then, so its loaders are swapped in place.
        """
        ctx = self.context
        info = ctx.info
        user = getattr(self.request, "user", None)
        behaviour_id = info.profile_ids[0] if info.profile_ids else info.visitor_id
        ctx.info = dataclasses.replace(
            info,
            behaviour_loader=(
                functools.cache(lambda: cached_behaviour(behaviour_id)) if behaviour_id else None
            ),
            customer_loader=(
                (lambda: load_customer(user, cached_only=True))
                if info.customer_loader is not None
                else None
            ),
        )
        return ctx

    def _new_arrival(self, ctx: VisitorContext) -> dict[str, Any] | None:
        """This request's arrival if it comes from outside and differs from the kept one."""
        request = self.request
        if not (request.headers.get("Referer") or request.META.get("QUERY_STRING")):
            return None
        current = arrival.arrival_of({name: ctx.get(name) for name in _SOURCE_NAMES})
        if current is None or current["kind"] == "direct" or current == self.visit.get("a"):
            return None
        return current

    def visit_cookie(self) -> str | None:
        """The new value of the visit cookie after this request, or None to leave it as it is.

        A request from outside (search, social, referral, campaign) starts a new visit with its
        arrival; segments that stay for the visit and matched on this request are added. Nothing
        is computed for a request that asked no rule and came from nowhere new.
        """
        if not self.consented:
            return None
        request = self.request
        old_arrival, old_slugs = self.visit.get("a"), list(self.visit.get("s") or [])
        new_arrival, slugs = old_arrival, old_slugs
        if request.headers.get("Referer") or request.META.get("QUERY_STRING"):
            current = self._new_arrival(self.context)
            if current is not None:
                new_arrival, slugs = current, []  # a new arrival is a new visit
        if "context" in self.__dict__:
            sticky = get_snapshot().visit_segments
            matched = [s for s, hit in self.context.segment_memo.items() if hit and s in sticky]
            slugs = sorted(set(slugs) | set(matched))[:MAX_VISIT_SEGMENTS]
        if new_arrival == old_arrival and slugs == old_slugs:
            return None
        if new_arrival is None and not slugs:
            return None
        return json.dumps({"a": new_arrival, "s": slugs}, ensure_ascii=False, separators=(",", ":"))
