"""Trends, hot words and spike alerts sent to the owning team."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from community.listening import intake, tasks, trends
from community.listening.models import Alert

pytestmark = pytest.mark.django_db


def _posts(texts, at):
    rows = [
        (
            n,
            {
                "source": "weibo",
                "id": f"{at.timestamp()}-{n}",
                "text": t,
                "published_at": at.isoformat(),
            },
        )
        for n, t in enumerate(texts)
    ]
    intake.store(rows)
    tasks.process_all_pending()


CHANNELS = ["手机银行", "网上银行", "APP", "网银", "微信银行"]
SYMPTOMS = ["崩了", "闪退", "登录不了", "白屏", "打不开", "宕机", "转账失败", "验证码收不到"]
PLACES = ["广州", "深圳", "上海", "北京", "杭州", "成都", "武汉", "南京"]
OUTAGES = [
    f"{PLACES[n % 8]}这边{CHANNELS[n % 5]}{SYMPTOMS[(n // 5) % 8]}，{PLACES[(n // 8) % 8]}的同事也是"
    for n in range(40)
]


def test_an_outage_spike_raises_one_alert_to_operations(ops_agent):
    now = timezone.now()
    _posts(OUTAGES[:12], now - timedelta(minutes=6))
    raised = trends.check_spikes(now)
    assert [a.topic for a in raised] == ["incident"]
    assert raised[0].team.name == "Operations"
    assert mail.outbox and ops_agent.email in mail.outbox[0].to
    assert trends.check_spikes(now) == []  # once per window
    assert Alert.objects.count() == 1


def test_no_alert_at_the_usual_level():
    now = timezone.now()
    # A week of about 12 outage posts per 15 minutes is the baseline: 12 now is not a spike.
    for day in range(1, 7):
        for quarter in range(0, 96, 12):
            at = now - timedelta(days=day, minutes=15 * quarter)
            _posts([f"{t} {day}-{quarter}" for t in OUTAGES[:12]], at)
    _posts(OUTAGES[:12], now - timedelta(minutes=6))
    assert trends.check_spikes(now) == []


def test_below_the_minimum_no_alert(settings):
    settings.LISTENING_ALERT_MIN_POSTS = 10
    now = timezone.now()
    _posts(OUTAGES[:5], now - timedelta(minutes=6))
    assert trends.check_spikes(now) == []


def test_hot_words_rank_words_above_their_usual_level():
    now = timezone.now()
    cards = [
        "信用卡年费太贵",
        "信用卡额度能提吗",
        "信用卡分期划算吗",
        "申请信用卡要多久",
        "信用卡积分怎么用",
    ]
    _posts(cards, now - timedelta(days=3))
    red_packets = [
        f"{who}说数字人民币红包{what}"
        for who, what in zip(
            ["同事", "邻居", "我妈", "朋友", "表哥", "老板"],
            ["抢不到", "一直抢不到，信用卡也用不了", "怎么领", "抢到了十块", "秒没", "在哪里抢"],
            strict=True,
        )
    ]
    _posts(red_packets, now - timedelta(hours=1))
    words = [w["word"] for w in trends.hot_words(hours=24, now=now)]
    assert words[:2] == ["数字人民币", "红包"] or words[:2] == ["红包", "数字人民币"]
    assert "信用卡" not in words  # fewer than 3 mentions in 24 hours
