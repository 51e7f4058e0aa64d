"""The preview's reasons read in Chinese; the engine and the API keep their English (issue 12)."""

from __future__ import annotations

import pytest
from django.utils import translation

from targeting.templatetags.explain_tags import attribute_value, translate_reason


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("crm-vip-campaign: not started", "crm-vip-campaign：尚未开始"),
        (
            "baidu-card: include segments not matched: baidu-visitors, mobile-sichuan",
            "baidu-card：未命中要求的受众：baidu-visitors, mobile-sichuan",
        ),
        ("baidu-card: excluded by segment customers", "baidu-card：被受众 customers 排除"),
        ("baidu-card: frequency cap reached (3/3 today)", "baidu-card：已达频次上限（今天 3/3）"),
        ("baidu-card: lower priority than crm-vip", "baidu-card：优先级低于 crm-vip"),
        (
            "wealth-r4: unsuitable: product risk R4 above customer tolerance C2",
            "wealth-r4：不适当：产品风险 R4 高于客户承受能力 C2",
        ),
        (
            "实验组：fixed split by creative weight, bucket 0.4211",
            "实验组：按创意权重固定分流，分桶值 0.4211",
        ),
        (
            "实验组：automatic allocation for all audiences (a: 60.00%, b: 40.00%), bucket 0.5",
            "实验组：全部受众的自动分配（a: 60.00%, b: 40.00%），分桶值 0.5",
        ),
        ("something the engine says later", "something the engine says later"),
    ],
)
def test_the_engines_reasons_read_in_chinese(line: str, expected: str) -> None:
    with translation.override("zh-hans"):
        assert translate_reason(line) == expected


def test_english_readers_keep_the_engines_words() -> None:
    with translation.override("en"):
        assert translate_reason("crm-vip: not started") == "crm-vip: not started"


def test_attribute_values_read_as_people_say_them() -> None:
    # "启用 True" was what a zh-hans marketer read for a boolean
    with translation.override("zh-hans"):
        assert attribute_value(True) == "是"
        assert attribute_value(False) == "否"
        assert attribute_value(["wealth", "loans"]) == "wealth、loans"
        assert attribute_value([]) == "—"
        assert attribute_value(3) == "3"
