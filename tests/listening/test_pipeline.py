"""The pipeline: duplicates, noise, topics, routing; problems flag posts, never stop intake."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.listening import classify, intake, pipeline, tasks
from community.listening.models import ListeningItem, NoiseRule, QueueStatus, Status

pytestmark = pytest.mark.django_db


def _store(*texts, source="weibo"):
    rows = [(n, {"source": source, "id": f"t{n}", "text": t}) for n, t in enumerate(texts, 1)]
    return intake.store(rows).ids


def _by_text():
    return {i.text: i for i in ListeningItem.objects.select_related("team")}


def test_topics_product_types_sentiment_and_routing():
    _store(
        "提醒大家：有人冒充客服让转到安全账户，是诈骗",
        "手机银行又崩了，登录不了",
        "想办一张信用卡，哪家银行的权益好一点",
        "天河支行排队等了两个小时，大堂经理态度还很差，必须投诉",
        "感谢客户经理，半夜帮我解冻了卡，服务太贴心了",
    )
    tasks.process_all_pending()
    items = _by_text()
    fraud = items["提醒大家：有人冒充客服让转到安全账户，是诈骗"]
    assert (fraud.topic, fraud.topic_reason) == ("fraud_warning", "rule: 诈骗")
    assert fraud.team.name == "Risk" and fraud.queue_status == QueueStatus.NEW
    assert items["手机银行又崩了，登录不了"].team.name == "Operations"
    intent = items["想办一张信用卡，哪家银行的权益好一点"]
    assert (intent.topic, intent.product_type, intent.team.name) == (
        "purchase_intent",
        "credit_card",
        "Marketers",
    )
    complaint = items["天河支行排队等了两个小时，大堂经理态度还很差，必须投诉"]
    assert complaint.topic == "complaint" and complaint.sentiment < 0
    assert complaint.entities["branches"] == ["天河支行"]
    assert complaint.team.name == "Customer service"
    praise = items["感谢客户经理，半夜帮我解冻了卡，服务太贴心了"]
    assert praise.topic == "praise" and praise.sentiment > 0 and praise.team is None


def test_exact_and_near_duplicates_are_dropped_across_batches():
    _store("手机银行又崩了，登录不了，转账也转不出去，大家怎么看")
    tasks.process_all_pending()
    first = ListeningItem.objects.get()
    rows = [
        (
            1,
            {
                "source": "wechat",
                "id": "x1",
                "text": "手机银行又崩了!登录不了,转账也转不出去,大家怎么看",
            },
        ),
        (
            2,
            {
                "source": "wechat",
                "id": "x2",
                "text": "手机银行又崩了，登录不了，转账也转不出去，大家怎么看 转发",
            },
        ),
        (3, {"source": "wechat", "id": "x3", "text": "请问大额存单现在利率多少"}),
    ]
    intake.store(rows)
    tasks.process_all_pending()
    statuses = dict(ListeningItem.objects.values_list("external_id", "status"))
    assert statuses == {"t1": "done", "x1": "duplicate", "x2": "duplicate", "x3": "done"}
    assert ListeningItem.objects.get(external_id="x2").duplicate_of_id == first.pk


def test_duplicates_older_than_the_window_count_again(settings):
    settings.LISTENING_DUPLICATE_DAYS = 7
    old = (timezone.now() - timedelta(days=10)).isoformat()
    intake.store([(1, {"source": "weibo", "id": "o", "text": "网银打不开了", "published_at": old})])
    tasks.process_all_pending()
    _store("网银打不开了")
    tasks.process_all_pending()
    assert ListeningItem.objects.get(external_id="t1").status == Status.DONE


def test_noise_rules_drop_ads_and_spam():
    _store("加微信代办信用卡，包过，秒批", "刷单兼职日结，日赚三百", "信用卡年费能免吗")
    tasks.process_all_pending()
    statuses = sorted(ListeningItem.objects.values_list("status", flat=True))
    assert statuses == ["done", "noise", "noise"]


def test_an_analysts_new_rule_applies_to_the_next_batch():
    _store("某某理财课程限时免费，名额有限")
    tasks.process_all_pending()
    assert ListeningItem.objects.get().status == Status.DONE
    NoiseRule.objects.create(name="courses", kind="keyword", pattern="理财课程", reason="ad")
    _store("新的理财课程开班啦", source="news")
    tasks.process_all_pending()
    assert ListeningItem.objects.get(source="news").status == Status.NOISE


def test_a_broken_classifier_flags_posts_and_intake_goes_on(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("model file missing")

    monkeypatch.setattr(classify, "classify_batch", broken)
    _store("信用卡被盗刷了怎么办")
    tasks.process_all_pending()
    item = ListeningItem.objects.get()
    assert item.status == Status.FLAGGED and "model file missing" in item.flag_reason
    assert intake.store([(1, {"source": "news", "id": "n", "text": "又一条"})]).created == 1
    monkeypatch.undo()
    assert pipeline.retry_flagged() == 1
    tasks.process_all_pending()
    assert ListeningItem.objects.get(pk=item.pk).status == Status.DONE


def test_one_unreadable_post_is_flagged_alone(monkeypatch):
    from community.listening import text

    real = text.segment

    def picky(value):
        if "坏" in value:
            raise ValueError("bad dictionary entry")
        return real(value)

    monkeypatch.setattr(text, "segment", picky)
    _store("坏帖子", "手机银行闪退")
    tasks.process_all_pending()
    statuses = dict(ListeningItem.objects.values_list("text", "status"))
    assert statuses == {"坏帖子": "flagged", "手机银行闪退": "done"}


def test_the_classifier_is_measured_on_held_out_posts(capsys):
    from django.core.management import call_command

    call_command("listening_evaluate")
    out = capsys.readouterr().out
    assert "held out" in out and "fraud_warning" in out
    macro = next(line for line in out.splitlines() if line.startswith("macro average"))
    precision, recall = (float(v) for v in macro.split()[2:4])
    assert precision > 0.8 and recall > 0.8
