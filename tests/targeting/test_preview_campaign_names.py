"""The preview as a visitor names each campaign in its reasons as marketers know it (issue 12,
marketer walk: the reasons said "year-end-wealth: chosen" and "lower priority than spring-loan")."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.targeting.factories import PlacementFactory, live_campaign


def test_the_preview_names_campaigns_in_its_reasons(marketer):
    placement = PlacementFactory(slug="home-hero", name="首页头图")
    live_campaign(placement, slug="year-end-wealth", name="年末理财推广", priority=10)
    live_campaign(placement, slug="spring-loan", name="春季<b>贷款</b>", priority=1)
    client = Client()
    client.force_login(marketer)
    response = client.get(
        reverse("targeting_preview"),
        {"run": "1", "device": "iphone-safari"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    html = response.content.decode()
    reasons = html.split('class="targeting-preview__reasons"', 1)[1].split("</ul>", 1)[0]
    assert "年末理财推广 <small><code>year-end-wealth</code></small>：" in reasons
    assert "春季&lt;b&gt;贷款&lt;/b&gt; <small><code>spring-loan</code></small>：" in reasons
    assert "<b>贷款</b>" not in reasons
    assert "已选中（优先级 10）" in reasons
    assert "优先级低于 年末理财推广" in reasons


def test_a_winner_named_with_spaces_still_reads_in_chinese():
    from django.utils import translation

    from targeting.templatetags.explain_tags import translate_phrase

    with translation.override("zh-hans"):
        assert translate_phrase("lower priority than Spring loan 2") == "优先级低于 Spring loan 2"
        assert (
            translate_phrase("lost the weighted split to 春季 贷款")
            == "按权重分流时让给了 春季 贷款"
        )
