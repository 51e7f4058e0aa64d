"""The peer's other conditions (issue 14 item 2): the whole referrer, signed-in, CDN geo headers."""

from __future__ import annotations

from typing import Any

import pytest

from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.providers import EngineConfig
from targeting.engine.providers.geo import from_cdn_headers
from targeting.engine.rules import compile_rule


def ctx(config: EngineConfig | None = None, **info: Any) -> VisitorContext:
    return VisitorContext(RequestInfo(**info), config=config)


def test_the_whole_referrer_matches_like_the_peers_referral_rule():
    rule = {
        "attr": "source.referrer",
        "op": "matches",
        "value": r"^https://[^/]*zhihu\.com/question/",
    }
    assert compile_rule(rule)(ctx(referrer="https://www.zhihu.com/question/123?x=1")) is True
    assert compile_rule(rule)(ctx(referrer="https://www.zhihu.com/people/a")) is False
    assert compile_rule(rule)(ctx()) is False
    assert ctx(referrer="https://a.example/p?q=\x00x").get("source.referrer") == (
        "https://a.example/p?q= x"
    )


def test_signed_in_comes_from_the_customer_id_without_a_record():
    rule = {"attr": "profile.is_signed_in", "op": "eq", "value": True}
    # signed in, no customer record: no loader call needed to know it
    assert compile_rule(rule)(ctx(customer_id="7")) is True
    assert compile_rule(rule)(ctx()) is False
    assert ctx().get("profile.is_signed_in") is False
    assert compile_rule(rule)(ctx(customer_id="7", customer_loader=lambda: {"age": 30})) is True


CONFIG = EngineConfig()


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"cf-ipcountry": "cn"}, ("CN", None, None)),
        (
            {
                "cloudfront-viewer-country": "CN",
                "cloudfront-viewer-country-region": "GD",
                "cloudfront-viewer-city": "Guangzhou",
            },
            ("CN", "CN-GD", "广州"),
        ),
        ({"eo-client-ipcountry": "CN", "eo-client-ipregion": "CN-SC"}, ("CN", "CN-SC", None)),
        # a region of another country than the one named is not believed
        ({"cf-ipcountry": "CN", "cf-region-code": "US-CA"}, ("CN", None, None)),
        ({"cf-ipcountry": "CN", "cf-ipcity": "S%C3%A3o"}, ("CN", None, "São")),
    ],
)
def test_cdn_headers(headers, expected):
    found = from_cdn_headers(headers, CONFIG)
    assert (found["geo.country"], found["geo.region"], found["geo.city"]) == expected


@pytest.mark.parametrize("value", ["XX", "T1", "EU", "", "CHN", "1A", "中国", "C\x00"])
def test_codes_that_are_not_countries_are_ignored(value):
    assert from_cdn_headers({"cf-ipcountry": value}, CONFIG) is None


def test_cdn_headers_win_over_geoip_and_borrow_its_region_only_if_it_agrees(geo_config):
    chengdu = "119.6.1.1"  # GeoIP: CN, CN-SC, Chengdu
    same = ctx(geo_config, remote_addr=chengdu, cdn_headers={"cf-ipcountry": "CN"})
    assert same.get("geo.region") == "CN-SC"
    other = ctx(geo_config, remote_addr=chengdu, cdn_headers={"cf-ipcountry": "SG"})
    assert (other.get("geo.country"), other.get("geo.region")) == ("SG", None)
    # without headers GeoIP answers as before
    assert ctx(geo_config, remote_addr=chengdu).get("geo.country") == "CN"


def test_header_names_are_configurable():
    config = EngineConfig(cdn_country_headers=["X-Geo-Country"])
    assert from_cdn_headers({"x-geo-country": "SG"}, config)["geo.country"] == "SG"
    assert from_cdn_headers({"cf-ipcountry": "SG"}, config) is None
    assert "x-geo-country" in config.cdn_header_names
