"""The geo provider: lookups of the resolved client address, unknown geo."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.providers import EngineConfig, geo
from targeting.engine.providers.geo import provide_geo

UNKNOWN = {"geo.country": None, "geo.region": None, "geo.city": None}
CHENGDU = {"geo.country": "CN", "geo.region": "CN-SC", "geo.city": "成都"}


def located(config: EngineConfig, remote_addr: str) -> dict[str, Any]:
    return provide_geo(RequestInfo(remote_addr=remote_addr), config)


def test_lookup_gives_country_region_and_city(geo_config):
    assert located(geo_config, "119.6.1.1") == CHENGDU
    assert located(geo_config, "8.8.8.8") == {
        "geo.country": "US",
        "geo.region": "US-CA",
        "geo.city": "Mountain View",
    }
    assert located(geo_config, "240e:398::8") == CHENGDU


def test_the_provider_reads_the_resolved_address_and_nothing_else(geo_config):
    # The engine is handed the address resolved behind the trusted proxies (tracking's
    # clientaddr); an unparsable one is unknown rather than an error.
    assert located(geo_config, " 119.6.1.1 ") == CHENGDU
    assert located(geo_config, "::ffff:119.6.1.1") == CHENGDU
    assert located(geo_config, "119.6.1.1, 10.0.0.5") == UNKNOWN
    assert located(geo_config, "\x00" * 100) == UNKNOWN


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "192.168.1.20", "::1", "fe80::1", "100.64.0.1", "1.1.1.1"]
)
def test_private_loopback_and_unlisted_addresses_are_unknown(geo_config, address):
    assert located(geo_config, address) == UNKNOWN


def test_without_a_database_geo_is_unknown(geoip_db):
    assert located(EngineConfig(geoip_path=None), "119.6.1.1") == UNKNOWN


def test_a_missing_database_is_logged_once_and_geo_is_unknown(tmp_path, caplog):
    geo.reset_readers()
    config = EngineConfig(geoip_path=str(tmp_path / "missing.mmdb"))
    with caplog.at_level(logging.WARNING, logger="targeting.engine"):
        assert located(config, "119.6.1.1") == UNKNOWN
        assert located(config, "8.8.8.8") == UNKNOWN
    warnings = [r for r in caplog.records if "cannot be read" in r.getMessage()]
    assert len(warnings) == 1


def test_a_corrupt_database_is_unknown_too(tmp_path):
    geo.reset_readers()
    path = tmp_path / "corrupt.mmdb"
    path.write_bytes(b"not a maxmind database" * 10)
    assert located(EngineConfig(geoip_path=str(path)), "119.6.1.1") == UNKNOWN


def test_readers_are_opened_once_per_path(geo_config):
    first = geo.open_reader(str(geo_config.geoip_path))
    assert geo.open_reader(str(geo_config.geoip_path)) is first


def test_geo_through_the_context(geo_config):
    ctx = VisitorContext(RequestInfo(remote_addr="119.6.1.1"), config=geo_config)
    assert (ctx.get("geo.country"), ctx.get("geo.region"), ctx.get("geo.city")) == (
        "CN",
        "CN-SC",
        "成都",  # GeoIP's Chinese name (issue 14 item 6)
    )


def test_the_packaged_development_database_knows_chengdu():
    path = geo.packaged_database_path()
    if path is None:
        pytest.skip("maxminddb-geolite2 is not installed")
    geo.reset_readers()
    assert located(EngineConfig(geoip_path=path), "119.6.0.1")["geo.region"] == "CN-SC"
