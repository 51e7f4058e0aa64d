"""Rules that cannot silently fail (issue 14 item 6): values real traffic can never have are
refused with the path named; Chinese places by ISO code and Chinese name."""

from __future__ import annotations

from typing import Any

import pytest

from targeting.engine import places
from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.providers import EngineConfig
from targeting.engine.rules import RuleError, compile_rule, validate


def cond(attr: str, op: str, value: Any) -> dict[str, Any]:
    return {
        "all": [
            {"attr": "time.hour", "op": "gte", "value": 0},
            {"attr": attr, "op": op, "value": value},
        ]
    }


@pytest.mark.parametrize(
    ("attr", "op", "value", "message"),
    [
        ("geo.region", "eq", "广东", "did you mean CN-GD (广东)?"),
        ("geo.region", "in", ["CN-SC", "广东省"], "did you mean CN-GD"),
        ("geo.region", "eq", "CN-44", "34 provincial divisions"),
        ("geo.region", "eq", "cn-gd", "not an ISO 3166-2 region code"),
        ("geo.region", "contains", "广东", "did you mean CN-GD"),
        ("profile.region", "eq", "四川", "did you mean CN-SC"),
        ("geo.country", "eq", "中国", "did you mean CN?"),
        ("geo.country", "eq", "cn", "in capitals"),
        ("geo.city", "eq", "广州市区", "not a prefecture-level city"),
        ("geo.city", "eq", "Guangzhuo", "did you mean 广州 (Guangzhou)?"),
        ("source.search_engine", "eq", "Baidu", "did you mean baidu?"),
        ("source.social_network", "eq", "微博", "is not one of"),
        ("device.type", "eq", "Mobile", "did you mean mobile?"),
        ("device.os", "eq", "iOS", "lowercase"),
        ("device.browser", "in", ["chrome", "Safari"], "lowercase"),
    ],
)
def test_values_no_visitor_can_have_are_refused_naming_the_path(attr, op, value, message):
    with pytest.raises(RuleError) as caught:
        validate(cond(attr, op, value))
    assert caught.value.path.startswith("rule.all[1].value")
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("attr", "value"),
    [
        ("geo.region", "CN-GD"),
        ("geo.region", "US-CA"),
        ("geo.region", "CN-HK"),
        ("geo.city", "广州"),
        ("geo.city", "延边朝鲜族自治州"),
        ("geo.city", "Chengdu"),  # rules written before Chinese names keep working
        ("geo.city", "Mountain View"),
        ("device.os", "ios"),
    ],
)
def test_real_values_are_accepted(attr, value):
    validate(cond(attr, "eq", value))


def test_a_city_in_pinyin_means_the_chinese_city():
    rule = compile_rule({"attr": "geo.city", "op": "in", "value": ["Chengdu", "Guangzhou"]})
    ctx = VisitorContext(RequestInfo(), providers={}, overrides={"geo.city": "广州"})
    assert rule(ctx) is True


def test_there_are_34_provincial_divisions_each_with_its_cities():
    assert len(places.PROVINCES) == 34
    assert set(places.CITIES) == set(places.PROVINCES)
    assert places.CITY_PROVINCE["深圳"] == "CN-GD"
    assert places.city_name("深圳市") == "深圳"
    assert places.city_name(None, "Shenzhen") == "深圳"


def test_geoip_cities_come_back_in_chinese(geo_config):
    ctx = VisitorContext(RequestInfo(remote_addr="119.6.1.1"), config=geo_config)
    rule = compile_rule({"attr": "geo.city", "op": "eq", "value": "成都"})
    assert rule(ctx) is True


def test_hong_kong_visitors_have_the_region_the_picker_offers():
    config = EngineConfig()
    ctx = VisitorContext(RequestInfo(cdn_headers={"cf-ipcountry": "HK"}), config=config)
    assert (ctx.get("geo.country"), ctx.get("geo.region")) == ("HK", "CN-HK")
