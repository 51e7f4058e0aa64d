"""Fixtures of the targeting tests."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from targeting import snapshot
from tests.targeting.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_snapshot():
    """Each test builds its own snapshot; the process-wide one must not leak between tests."""
    snapshot.reset()
    yield
    snapshot.reset()


@pytest.fixture
def marketer(db):
    user = UserFactory(username="marketer")
    user.groups.add(Group.objects.get(name="Marketers"))
    return user


@pytest.fixture
def reviewer(db):
    user = UserFactory(username="reviewer")
    user.groups.add(Group.objects.get(name="Compliance reviewers"))
    return user


@pytest.fixture
def outsider(db):
    """A staff member with admin access but no targeting permission."""
    from django.contrib.auth.models import Permission

    user = UserFactory(username="editor")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
DESKTOP = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
#: Addresses of the small GeoIP database below.
CHENGDU_IP = "1.2.3.4"
BEIJING_IP = "5.6.7.8"


@pytest.fixture
def geoip_db(tmp_path, settings):
    """A two-network MaxMind-format City database, wired in as GEOIP_PATH."""
    from mmdb_writer import MMDBWriter
    from netaddr import IPSet

    from targeting.engine.providers import geo
    from targeting.visitors import engine_config

    writer = MMDBWriter(ip_version=4, database_type="GeoIP2-City")
    writer.insert_network(
        IPSet(["1.2.3.0/24"]),
        {
            "country": {"iso_code": "CN"},
            "subdivisions": [{"iso_code": "SC"}],
            "city": {"names": {"en": "Chengdu"}},
        },
    )
    writer.insert_network(
        IPSet(["5.6.7.0/24"]),
        {
            "country": {"iso_code": "CN"},
            "subdivisions": [{"iso_code": "BJ"}],
            "city": {"names": {"en": "Beijing"}},
        },
    )
    path = tmp_path / "city.mmdb"
    writer.to_db_file(str(path))
    settings.GEOIP_PATH = str(path)
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    engine_config.cache_clear()
    geo.reset_readers()
    yield str(path)
    engine_config.cache_clear()
    geo.reset_readers()


@pytest.fixture(autouse=True)
def _fresh_engine_config():
    from targeting.visitors import engine_config

    engine_config.cache_clear()
    yield
    engine_config.cache_clear()
