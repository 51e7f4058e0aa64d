"""The ``geo`` family: country, region and city of the client address.

The client address comes resolved (``RequestInfo.remote_addr``): the Django layer walks
``X-Forwarded-For`` behind the trusted proxies once per request (``targeting.tracking.clientaddr``)
and every limiter, log line and this provider read the same address.

The address is looked up in a MaxMind-format City (or Country) database. The file is opened once
per path and kept for the life of the process; a missing or unreadable file is logged once and
every lookup answers "unknown". The raw ``maxminddb`` record is read rather than geoip2's model
objects: the models cost about 40 µs per lookup against 9 µs, and the engine needs three fields.
Private, loopback, link-local and other non-global addresses are unknown.

Before GeoIP, the headers of a trusted CDN (``RequestInfo.cdn_headers``: Cloudflare's
``CF-IPCountry``, CloudFront's ``CloudFront-Viewer-Country``, a Chinese CDN's client-geolocation
header, names configurable in ``EngineConfig``) give the country and, where the CDN sends them,
region and city. The Django layer passes them only when the request came through one of the
trusted proxies, so a visitor cannot claim a country by sending the header. Where the CDN names a
country but no region or city, GeoIP's region and city are used only if GeoIP agrees on the
country. Codes that are not countries (``XX`` unknown, ``T1`` Tor, ``EU``, ``AP``...) are ignored.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import threading
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import maxminddb

from .. import places

if TYPE_CHECKING:
    from ..context import RequestInfo
    from . import EngineConfig

logger = logging.getLogger("targeting.engine")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
UNKNOWN: dict[str, Any] = {"geo.country": None, "geo.region": None, "geo.city": None}

#: Default names of the CDN geo headers, in order of preference. Cloudflare: CF-IPCountry (and,
#: with its "visitor location headers" transform, CF-Region-Code and CF-IPCity); CloudFront:
#: CloudFront-Viewer-Country, -Country-Region, -City; Tencent EdgeOne and Alibaba Cloud CDN send
#: the client's geolocation in origin-pull headers whose names the site chooses: the names below
#: are the ones our CDN configuration uses (docs/targeting.md, "Settings").
CDN_HEADERS: dict[str, tuple[str, ...]] = {
    "country": (
        "cf-ipcountry",
        "cloudfront-viewer-country",
        "eo-client-ipcountry",
        "ali-cdn-country",
    ),
    "region": (
        "cloudfront-viewer-country-region",
        "cf-region-code",
        "eo-client-ipregion",
        "ali-cdn-region",
    ),
    "city": ("cloudfront-viewer-city", "cf-ipcity", "eo-client-ipcity", "ali-cdn-city"),
}
#: Two-letter codes CDNs send that are not countries.
NOT_COUNTRIES = frozenset({"XX", "T1", "ZZ", "A1", "A2", "O1", "EU", "AP"})
_COUNTRY = re.compile(r"[A-Za-z]{2}")
_SUBDIVISION = re.compile(r"(?:([A-Za-z]{2})-)?([A-Za-z0-9]{1,3})")
MAX_CITY = 100

_readers: dict[str, Any] = {}
_readers_lock = threading.Lock()


def provide_geo(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
    """The ``geo.*`` attributes of a request: a trusted CDN's headers first, then GeoIP."""
    cdn = from_cdn_headers(info.cdn_headers, config) if info.cdn_headers else None
    found = _from_geoip(info, config)
    if cdn is None:
        return found
    if found["geo.country"] == cdn["geo.country"]:
        for name in ("geo.region", "geo.city"):
            if cdn[name] is None:
                cdn[name] = found[name]
    return cdn


def _from_geoip(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
    if not config.geoip_path:
        return dict(UNKNOWN)
    ip = _address(info.remote_addr)
    if ip is None or not ip.is_global:
        return dict(UNKNOWN)
    return dict(lookup(config.geoip_path, str(ip)))


def _first(headers: Mapping[str, str], names: Any) -> str | None:
    for name in names:
        value = headers.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()[:200]
    return None


def from_cdn_headers(headers: Mapping[str, str], config: EngineConfig) -> dict[str, Any] | None:
    """``geo.*`` from a trusted CDN's headers, or None when they name no country."""
    raw = _first(headers, config.cdn_country_headers)
    if raw is None or not _COUNTRY.fullmatch(raw) or raw.upper() in NOT_COUNTRIES:
        return None
    country = raw.upper()
    result: dict[str, Any] = {"geo.country": country, "geo.region": None, "geo.city": None}
    region = _first(headers, config.cdn_region_headers)
    match = _SUBDIVISION.fullmatch(region) if region else None
    if match and (match.group(1) is None or match.group(1).upper() == country):
        result["geo.region"] = f"{country}-{match.group(2).upper()}"
    if result["geo.region"] is None and country in places.REGION_OF_COUNTRY:
        result["geo.region"] = places.REGION_OF_COUNTRY[country]
    city = _first(headers, config.cdn_city_headers)
    if city:
        city = unquote(city, errors="replace") if "%" in city else city
        if city.isprintable() and len(city) <= MAX_CITY:
            result["geo.city"] = (places.city_name(city) if country == "CN" else None) or city
    return result


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
    names = _dict(_dict(record.get("city")).get("names"))
    english = names.get("en")
    # A Chinese city by the name the rule editor offers (广州, not Guangzhou or 广州市).
    city = places.city_name(names.get("zh-CN"), english) if country == "CN" else None
    if region is None and country in places.REGION_OF_COUNTRY:
        region = places.REGION_OF_COUNTRY[country]  # Hong Kong, Macao, Taiwan: CN-HK ...
    return (("geo.country", country), ("geo.region", region), ("geo.city", city or english))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def packaged_database_path() -> str | None:
    """The development GeoLite2 City file shipped by ``maxminddb-geolite2``, if installed."""
    try:
        from _maxminddb_geolite2 import geolite2_database
    except ImportError:
        return None
    return str(geolite2_database())
