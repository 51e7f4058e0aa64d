"""The visitor context: what the engine knows about one request, computed lazily.

``RequestInfo`` is the plain data the Django layer extracts from a request (or the simulate API
builds from its body). ``VisitorContext`` answers ``get("geo.country")`` by running the provider of
the attribute's family the first time any of that family's attributes is needed, and caching the
whole family. A provider that raises is logged and its attributes count as missing: marketing
never breaks a page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .attributes import ATTRIBUTES, coerce
from .providers import DEFAULT_PROVIDERS, EngineConfig, Provider

logger = logging.getLogger("targeting.engine")

Loader = Callable[[], Mapping[str, Any] | None]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """The facts of one request that providers read. The engine never touches a database:
    the Django layer injects ``behaviour_loader`` (the visitor's folded profile, one cache read)
    and ``customer_loader`` (the signed-in customer's profile, history and CRM memberships), which
    are called only if a rule needs those families.
    """

    #: Landing URL: full URL or path with query string (UTM and paid-search parameters live here).
    url: str = ""
    path: str = ""
    referrer: str = ""
    user_agent: str = ""
    #: The client's address, already resolved behind the site's trusted proxies.
    remote_addr: str = ""
    #: An aware datetime; a naive one is taken as local time in the site's time zone.
    now: datetime = field(default_factory=_utcnow)
    visitor_id: str | None = None
    customer_id: str | None = None
    #: Host the site is served on, to recognise internal referrers.
    site_host: str = ""
    #: The visitor's IANA time zone if known (e.g. from the app); else the site's.
    timezone: str | None = None
    #: Geo headers of a trusted CDN (lowercased name -> value), filled by the Django layer only
    #: when the request came through a trusted proxy; ``providers.geo`` believes them before GeoIP.
    cdn_headers: Mapping[str, str] = field(default_factory=dict)
    #: The visit's arrival kept by the Django layer (``session.source.*`` by short name: kind,
    #: keyword...), or None; ``providers.arrival`` re-checks it.
    arrival: Mapping[str, Any] | None = None
    #: Other ids the visitor's stored profiles are kept under (a signed-in customer's).
    profile_ids: tuple[str, ...] = ()
    behaviour_loader: Loader | None = None
    customer_loader: Loader | None = None


class VisitorContext:
    """Lazy attribute lookup for one visitor.

    ``overrides`` (attribute name -> value, ``None`` meaning unknown) win over providers; they
    are checked against the attribute registry and raise ``ValueError`` if unknown or mistyped.
    ``segment_memo`` holds segment results for this visitor (see ``rules.compile_segments``);
    ``errors`` maps a family to the error its provider raised.
    """

    __slots__ = ("_done", "_providers", "_values", "config", "errors", "info", "segment_memo")

    def __init__(
        self,
        info: RequestInfo,
        providers: Mapping[str, Provider] | None = None,
        overrides: Mapping[str, Any] | None = None,
        config: EngineConfig | None = None,
    ) -> None:
        self.info = info
        self.config = config if config is not None else EngineConfig()
        self._providers: Mapping[str, Provider] = (
            providers if providers is not None else DEFAULT_PROVIDERS
        )
        self._values: dict[str, Any] = {}
        if overrides:
            for name, value in overrides.items():
                self._values[name] = coerce(name, value)
        self._done: set[Provider] = set()
        self.segment_memo: dict[str, bool] = {}
        self.errors: dict[str, str] = {}

    def get(self, name: str) -> Any:
        """The value of an attribute, or None when it is unknown."""
        try:
            return self._values[name]
        except KeyError:
            pass
        family = name.partition(".")[0]
        provider = self._providers.get(family)
        if name.count(".") > 1:  # a sub-family with its own provider (session.source.kind)
            sub = name.rpartition(".")[0]
            if sub in self._providers:
                family, provider = sub, self._providers[sub]
        if provider is not None and provider not in self._done:
            self._run(family, provider)
        return self._values.setdefault(name, None)

    def _run(self, family: str, provider: Provider) -> None:
        self._done.add(provider)
        try:
            result = dict(provider(self.info, self.config))
        except Exception as exc:
            logger.exception("targeting provider for %s failed; its attributes are unknown", family)
            self.errors[family] = f"{type(exc).__name__}: {exc}"
            return
        values = self._values
        for key, value in result.items():
            # setdefault: overrides (and values already cached) win over the provider.
            values.setdefault(key, value)

    def resolve_all(self) -> dict[str, Any]:
        """Run every provider and return every attribute (plus any extra override) by name."""
        names = list(ATTRIBUTES)
        names.extend(n for n in self._values if n not in ATTRIBUTES)
        return {name: self.get(name) for name in names}

    def known(self) -> dict[str, Any]:
        """The attributes computed or overridden so far (for logs and debugging)."""
        return {k: v for k, v in self._values.items() if v is not None}
