"""The ``geo`` family: country, region and city of the client address.

The client address comes resolved (``RequestInfo.remote_addr``): the Django layer walks
``X-Forwarded-For`` behind the trusted proxies once per request (``targeting.tracking.clientaddr``)
and every limiter, log line and this provider read the same address.

The address is looked up in a MaxMind-format City (or Country) database. The file is opened once
per path and kept for the life of the process; a missing or unreadable file is logged once and
every lookup answers "unknown". The raw ``maxminddb`` record is read rather than geoip2's model
objects: the models cost about 40 µs per lookup against 9 µs, and the engine needs three fields.
Private, loopback, link-local and other non-global addresses are unknown.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import maxminddb

if TYPE_CHECKING:
    from ..context import RequestInfo
    from . import EngineConfig

logger = logging.getLogger("targeting.engine")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
UNKNOWN: dict[str, Any] = {"geo.country": None, "geo.region": None, "geo.city": None}

_readers: dict[str, Any] = {}
_readers_lock = threading.Lock()


def provide_geo(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
    """The ``geo.*`` attributes of a request."""
    if not config.geoip_path:
        return dict(UNKNOWN)
    ip = _address(info.remote_addr)
    if ip is None or not ip.is_global:
        return dict(UNKNOWN)
    return dict(lookup(config.geoip_path, str(ip)))


def _address(text: str) -> IPAddress | None:
    """The already resolved client address (``RequestInfo.remote_addr``), or None."""
    try:
        ip = ipaddress.ip_address(text.strip()[:64])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def open_reader(path: str) -> Any:
    """The database reader for a path, opened once; None (logged once) if it cannot be read."""
    try:
        return _readers[path]
    except KeyError:
        pass
    with _readers_lock:
        if path not in _readers:
            try:
                _readers[path] = maxminddb.open_database(path)
            except (OSError, ValueError, maxminddb.InvalidDatabaseError) as exc:
                logger.warning("GeoIP database %s cannot be read (%s): geo is unknown", path, exc)
                _readers[path] = None
        return _readers[path]


def reset_readers() -> None:
    """Close and forget every reader (tests, or after replacing the database file)."""
    with _readers_lock:
        for reader in _readers.values():
            if reader is not None:
                reader.close()
        _readers.clear()
    lookup.cache_clear()


@lru_cache(maxsize=4096)
def lookup(path: str, ip: str) -> tuple[tuple[str, Any], ...]:
    """``geo.*`` items for an address (cached: returning visitors and bursts repeat addresses)."""
    reader = open_reader(path)
    if reader is None:
        return tuple(UNKNOWN.items())
    try:
        record = reader.get(ip)
    except ValueError:  # e.g. an IPv6 address in an IPv4-only database
        record = None
    if not isinstance(record, dict):
        return tuple(UNKNOWN.items())
    country = _dict(record.get("country")).get("iso_code")
    subdivisions = record.get("subdivisions")
    region = None
    if country and isinstance(subdivisions, list) and subdivisions:
        code = _dict(subdivisions[-1]).get("iso_code")  # the most specific subdivision
        region = f"{country}-{code}" if code else None
    city = _dict(_dict(record.get("city")).get("names")).get("en")
    return (("geo.country", country), ("geo.region", region), ("geo.city", city))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def packaged_database_path() -> str | None:
    """The development GeoLite2 City file shipped by ``maxminddb-geolite2``, if installed."""
    try:
        from _maxminddb_geolite2 import geolite2_database
    except ImportError:
        return None
    return str(geolite2_database())
