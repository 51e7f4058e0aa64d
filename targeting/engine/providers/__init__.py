"""Attribute providers: one function per family, ``(info, config) -> {attribute name: value}``.

A provider returns every attribute of its family (``None`` for unknown ones) and may raise: the
context logs the error and treats the family as unknown. Providers never touch a database; what
they need from storage arrives through ``RequestInfo``'s loaders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import arrival, behaviour, channels, customer, device, geo, source, time, visitor

if TYPE_CHECKING:
    from ..context import RequestInfo


@dataclass(frozen=True)
class EngineConfig:
    """Site-wide settings the providers need (built once from Django settings)."""

    site_timezone: str = "Asia/Shanghai"
    #: A MaxMind-format City database; None means geo is always unknown.
    geoip_path: str | None = None
    #: Hosts (and their subdomains) whose referrers count as internal, besides the request's host.
    site_hosts: Iterable[str] = ()
    #: Request headers a trusted CDN sets with the client's country, region and city, in order
    #: of preference (``providers.geo.CDN_HEADERS`` by default; names are case-insensitive).
    cdn_country_headers: Iterable[str] = geo.CDN_HEADERS["country"]
    cdn_region_headers: Iterable[str] = geo.CDN_HEADERS["region"]
    cdn_city_headers: Iterable[str] = geo.CDN_HEADERS["city"]

    def __post_init__(self) -> None:
        # Frozen: normalise through object.__setattr__ once, so providers never re-parse.
        object.__setattr__(self, "site_hosts", tuple(h.lower() for h in self.site_hosts))
        for name in ("cdn_country_headers", "cdn_region_headers", "cdn_city_headers"):
            object.__setattr__(self, name, tuple(h.lower() for h in getattr(self, name)))

    @property
    def cdn_header_names(self) -> tuple[str, ...]:
        """Every configured CDN geo header (lowercased): what the Django layer passes on."""
        names = [*self.cdn_country_headers, *self.cdn_region_headers, *self.cdn_city_headers]
        return tuple(dict.fromkeys(names))


Provider = Callable[["RequestInfo", EngineConfig], Mapping[str, Any]]


#: The provider of each attribute family. Several families may share one provider; the context
#: runs each provider at most once per visitor.
def provide_no_event(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
    """``event.*`` are known only while a push trigger evaluates an event (it passes them as
    overrides); a page view has no event, so the family is always unknown here."""
    return {}


DEFAULT_PROVIDERS: Mapping[str, Provider] = {
    "source": source.provide_source,
    "geo": geo.provide_geo,
    "time": time.provide_time,
    "device": device.provide_device,
    "behaviour": behaviour.provide_behaviour,
    "session": behaviour.provide_behaviour,
    # A sub-family: session.source.* (the visit's arrival) needs no profile.
    "session.source": arrival.provide_arrival,
    "visitor": visitor.provide_visitor,
    # Recent channel events, from the same profile document (providers.channels).
    "card": channels.provide_card,
    "branch": channels.provide_branch,
    "app": channels.provide_app,
    "call_centre": channels.provide_call_centre,
    "profile": customer.provide_customer,
    "history": customer.provide_customer,
    "crm": customer.provide_customer,
    "listening": customer.provide_customer,
    "event": provide_no_event,
}

__all__ = ["DEFAULT_PROVIDERS", "EngineConfig", "Provider"]
