"""The client's network address, resolved once for every limiter, log line and provider.

Behind the load balancer that production assumes, ``REMOTE_ADDR`` is the proxy's address, so
limits keyed on it put every customer in one bucket. The address is the peer unless the peer is
one of ``settings.TRUSTED_PROXIES``; then ``X-Forwarded-For`` is walked from the right while the
hops are trusted (``resolve_client_ip``). A header sent by anyone else is ignored: it is only a
claim. Tracking owns this, the one resolver of the portal: the engine's geo provider, the sign-in
lockout (axes), products, community and the event API all read the address resolved here.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Longest X-Forwarded-For read, and most hops walked: a huge header costs nothing.
MAX_FORWARDED_FOR = 2000
MAX_HOPS = 30

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
    address = resolve_client_ip(
        meta.get("REMOTE_ADDR", "") or "",
        meta.get("HTTP_X_FORWARDED_FOR", "") or "",
        settings.TRUSTED_PROXIES,
    )
    setattr(request, _ATTRIBUTE, address)
    return address


def came_through_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the peer is one of ``settings.TRUSTED_PROXIES`` (the CDN or load balancer), so
    the headers it adds (a CDN's geolocation) can be believed; anyone else's are claims."""
    peer = _parse_ip(request.META.get("REMOTE_ADDR", "") or "")
    if peer is None:
        return False
    networks = tuple(
        p if not isinstance(p, str) else _parse_network(p.strip()) for p in settings.TRUSTED_PROXIES
    )
    return _trusted(peer, networks)


def client_key(request: HttpRequest) -> str:
    """The address to count requests by: ``unknown`` when there is none (one shared bucket)."""
    return client_ip(request) or "unknown"


def resolve_client_ip(
    remote_addr: str, forwarded_for: str, trusted_proxies: Iterable[str | IPNetwork]
) -> str | None:
    """The client's address: the peer, or the first untrusted hop of X-Forwarded-For counted from
    the right when the peer is a trusted proxy. None if the peer address is not an address."""
    networks = tuple(
        p if not isinstance(p, str) else _parse_network(p.strip()) for p in trusted_proxies
    )
    peer = _parse_ip(remote_addr)
    if peer is None or not forwarded_for or not _trusted(peer, networks):
        return str(peer) if peer is not None else None
    client = peer
    for hop in reversed(forwarded_for[:MAX_FORWARDED_FOR].split(",")[-MAX_HOPS:]):
        ip = _parse_ip(hop)
        if ip is None:  # garbage in the chain: believe nothing further left
            break
        client = ip
        if not _trusted(ip, networks):
            break
    return str(client)


def _trusted(ip: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(ip in network for network in networks)


@lru_cache(maxsize=256)
def _parse_network(cidr: str) -> IPNetwork:
    return ipaddress.ip_network(cidr, strict=False)


def _parse_ip(text: str) -> IPAddress | None:
    text = text.strip()[:64]
    if text.startswith("["):  # [v6]:port
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # v4:port
        text = text.partition(":")[0]
    text = text.partition("%")[0]  # IPv6 zone id
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip
