"""Fixtures of the engine tests: plain Python, no Django, no database.

Run alone, without even Django settings, with::

    .venv/bin/pytest -p no:django --confcutdir=tests/targeting/engine tests/targeting/engine
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.providers import EngineConfig, geo


@pytest.fixture(autouse=True)
def _clear_cache():
    """The engine uses no Django cache: this replaces the suite-wide fixture of that name."""
    yield


@pytest.fixture(autouse=True)
def _fresh_snapshot():
    """The engine tests build their own snapshots: replaces the targeting fixture of that name."""
    yield


def context(attributes: Mapping[str, Any] | None = None, **info: Any) -> VisitorContext:
    """A context whose attributes are exactly ``attributes`` (every other one unknown)."""
    return VisitorContext(RequestInfo(**info), providers={}, overrides=attributes or {})


@pytest.fixture(scope="session")
def geoip_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny MaxMind-format City database: Chengdu (Sichuan, CN), Mountain View (US), and a
    Chinese IPv6 block."""
    from mmdb_writer import MMDBWriter
    from netaddr import IPSet

    writer = MMDBWriter(
        ip_version=6,
        ipv4_compatible=True,
        database_type="GeoIP2-City",
        languages=["en", "zh-CN"],
        description="engine tests",
    )
    writer.insert_network(
        IPSet(["119.6.0.0/16", "240e:398::/32"]),
        {
            "country": {"iso_code": "CN", "names": {"en": "China", "zh-CN": "中国"}},
            "subdivisions": [{"iso_code": "SC", "names": {"en": "Sichuan", "zh-CN": "四川省"}}],
            "city": {"names": {"en": "Chengdu", "zh-CN": "成都"}},
        },
    )
    writer.insert_network(
        IPSet(["8.8.8.0/24"]),
        {
            "country": {"iso_code": "US", "names": {"en": "United States"}},
            "subdivisions": [{"iso_code": "CA", "names": {"en": "California"}}],
            "city": {"names": {"en": "Mountain View"}},
        },
    )
    path = tmp_path_factory.mktemp("geoip") / "City.mmdb"
    writer.to_db_file(str(path))
    return path


@pytest.fixture
def geo_config(geoip_db: Path) -> EngineConfig:
    geo.reset_readers()
    return EngineConfig(geoip_path=str(geoip_db))
