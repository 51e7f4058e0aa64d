"""Generated posts: the labelled training set and the demo's outside posts.

Written for this project (no scraped or third-party text): sentences are assembled from
phrase lists per topic, with products, branches, campaigns and everyday noise mixed in, so the
result is ours to ship. ``data/labelled.jsonl`` is ``labelled(seed=7)`` frozen to a file, plus a
hand-written set of harder posts (``data/labelled_hard.jsonl``); regenerate it with
``python -m community.listening.generate > community/listening/data/labelled.jsonl``.

Because templates repeat, a model trained on them scores better on them than on real posts:
docs/listening.md says how to read the printed precision and recall.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta

PRODUCTS = {
    "credit_card": ["信用卡", "白金卡", "联名信用卡", "旅行信用卡", "留学信用卡"],
    "loan": ["消费贷", "信用贷", "车贷", "经营贷"],
    "mortgage": ["房贷", "按揭贷款", "公积金贷款"],
    "deposit": ["大额存单", "定期存款", "结构性存款"],
    "wealth": ["理财产品", "基金定投", "稳健理财", "净值型理财"],
    "insurance": ["重疾险", "年金险", "意外险"],
    "forex": ["外币兑换", "购汇", "境外汇款"],
}
BRANCHES = ["天河支行", "福田支行", "浦东支行", "朝阳支行", "西湖支行", "武侯支行", "南山支行"]
CAMPAIGNS = ["开卡有礼", "周五半价", "新户理财季", "境外返现", "积分翻倍月"]
PEOPLE = ["客服", "大堂经理", "柜员", "客户经理", "理财经理", "人工客服"]
CHANNELS = ["手机银行", "网上银行", "APP", "ATM", "网银"]

TEMPLATES: dict[str, list[str]] = {
    "complaint": [
        "{branch}排队等了两个小时，{person}态度还很差，必须投诉",
        "{product}莫名其妙扣了年费，打{person}电话一直推诿，太坑了",
        "申请{product}被拒也不说原因，{person}敷衍了事",
        "{product}乱收费，手续费说好免的结果还是扣了，要求退款",
        "在{branch}办业务，{person}让我来回跑了三趟，效率太低",
        "{product}的利息算错了，找{person}三次都没解决，非常不满",
        "催收电话一天打十几个，还打到我单位，严重骚扰",
        "{person}推销{product}说保本，现在亏了，这是误导销售",
        "{branch}的ATM吞卡了，等了一周还没拿回来",
        "提前还{product}要收违约金，合同里根本没写清楚",
        "投诉{branch}{person}，服务态度恶劣，不耐烦还翻白眼",
        "我的{product}额度无缘无故被降，打电话问就说系统决定，太不负责任",
    ],
    "praise": [
        "{branch}的{person}特别耐心，帮我把{product}的事情办得很顺利，点赞",
        "感谢{person}，半夜帮我解冻了卡，服务太贴心了",
        "{product}审批很快，一天就下来了，体验不错",
        "{channel}新版很好用，转账比以前快多了，赞一个",
        "{branch}环境好，{person}很专业，推荐大家去办{product}",
        "给{person}点赞，讲解{product}很清楚，没有硬推销",
        "这次{product}的利率很实惠，办理流程也方便",
        "{channel}的客服响应及时，问题当场就解决了，满意",
    ],
    "incident": [
        "{channel}又崩了，登录不了，转账也转不出去",
        "{channel}一直闪退，是不是系统故障了",
        "刚才{channel}转账失败，钱扣了对方没收到，怎么回事",
        "{channel}显示系统维护，工资到账查不了，急死了",
        "全城的ATM都取不了钱，{channel}也打不开，出什么事了",
        "{channel}验证码一直收不到，是不是宕机了",
        "刷卡显示交易失败，好几家店都不行，{channel}也进不去",
        "{channel}页面白屏，客服电话也打不通，是不是出故障了",
    ],
    "purchase_intent": [
        "想办一张{product}，哪家银行的权益好一点",
        "准备买房，请问{product}现在利率多少，怎么申请",
        "有没有人知道{product}在{branch}能办吗，想了解一下",
        "手里有点闲钱，想买{product}，收益大概多少",
        "孩子要出国留学，想办{product}，需要什么材料",
        "打算申请{product}，额度一般能批多少",
        "求推荐适合上班族的{product}，想下个月就办",
        "请问{product}怎么在{channel}上申请，有新户优惠吗",
    ],
    "campaign_feedback": [
        "{campaign}活动的奖励什么时候到账，参加了还没收到",
        "{campaign}规则写得不清楚，到底要消费多少才算",
        "{campaign}太给力了，已经领到返现了",
        "参加了{campaign}，优惠券用不了，说不符合条件",
        "{campaign}名额这么快就抢完了？早上八点就没了",
        "这次{campaign}的积分翻倍挺划算，就是页面太难找",
    ],
    "fraud_warning": [
        "提醒大家：有人冒充{person}打电话说{product}要降额，让转到安全账户，是诈骗",
        "收到短信说{product}积分要过期，点链接兑换，是钓鱼网站千万别点",
        "假客服说帮忙提高{product}额度要先交保证金，已经报警了",
        "有人冒充银行发验证码让我报给他，大家小心电信诈骗",
        "接到自称{branch}的电话说我的卡被冻结，要我下载屏幕共享软件，骗子",
        "网上有人收购银行卡帮忙刷单，这是违法的，大家别信",
    ],
    "other": [
        "{branch}几点开门，周末营业吗",
        "请问{channel}在哪里改绑定的手机号",
        "今天天气真好，出去走走",
        "{branch}附近有停车的地方吗",
        "有人知道{channel}的夜间模式在哪里设置吗",
        "春节期间网点营业时间有调整吗",
    ],
}

NOISE = [
    "加微信代办{product}，包过，秒批，低息无抵押",
    "刷单兼职日结，日赚三百，联系QQ",
    "高价回收各银行信用卡积分，长期有效",
    "专业征信修复，逾期记录可消除，咨询私信",
]

LEADS = ["", "", "", "求助：", "吐槽一下，", "说句公道话，", "【转】", "急！"]
TAILS = ["", "", "", "。", "！", "？？", "…", " #银行#", " 大家怎么看"]


def _fill(template: str, rng: random.Random) -> tuple[str, str]:
    kind = rng.choice(list(PRODUCTS))
    text = template.format(
        product=rng.choice(PRODUCTS[kind]),
        branch=rng.choice(BRANCHES),
        person=rng.choice(PEOPLE),
        campaign=rng.choice(CAMPAIGNS),
        channel=rng.choice(CHANNELS),
    )
    return rng.choice(LEADS) + text + rng.choice(TAILS), (kind if "{product}" in template else "")


def labelled(seed: int = 7, per_topic: int = 120) -> Iterator[dict[str, str]]:
    """Labelled posts: ``{"text", "topic", "product_type"}``."""
    rng = random.Random(seed)  # nosec B311 - generated sample text, not security
    for topic, templates in TEMPLATES.items():
        for _ in range(per_topic):
            text, kind = _fill(rng.choice(templates), rng)
            yield {
                "text": text,
                "topic": topic,
                "product_type": kind if topic == "purchase_intent" else "",
            }


SOURCES = ["weibo", "weibo", "weibo", "wechat", "news", "app_review"]


def outside_posts(
    count: int, *, days: int = 14, now: datetime, seed: int = 11, spike_at: datetime | None = None
) -> Iterator[dict[str, object]]:
    """Imported-looking outside posts over ``days`` days, with some noise and near duplicates.

    With ``spike_at``, an outage burst of about 60 posts follows it within 15 minutes.
    """
    rng = random.Random(seed)  # nosec B311 - generated sample text, not security
    weights = {
        "complaint": 22,
        "praise": 14,
        "incident": 6,
        "purchase_intent": 18,
        "campaign_feedback": 10,
        "fraud_warning": 5,
        "other": 15,
    }
    topics = list(weights)
    previous: list[str] = []
    for number in range(count):
        roll = rng.random()
        if roll < 0.05:
            text, _kind = _fill(rng.choice(NOISE), rng)
        elif roll < 0.09 and previous:
            text = rng.choice(previous) + rng.choice(["", "!", " 转发", "+1"])  # a repost
        else:
            topic = rng.choices(topics, weights=[weights[t] for t in topics])[0]
            text, _kind = _fill(rng.choice(TEMPLATES[topic]), rng)
            previous = (previous + [text])[-50:]
        at = now - timedelta(seconds=rng.randrange(days * 86400))
        yield _post(number, text, at, rng)
    if spike_at is not None:
        for number in range(60):
            text, _kind = _fill(rng.choice(TEMPLATES["incident"]), rng)
            at = spike_at + timedelta(seconds=rng.randrange(15 * 60))
            yield _post(count + number, text, at, rng)


def _post(number: int, text: str, at: datetime, rng: random.Random) -> dict[str, object]:
    source = rng.choice(SOURCES)
    return {
        "source": source,
        "id": f"demo-{source}-{number}",
        "text": text,
        "published_at": at.isoformat(timespec="seconds"),
        "author": f"user{rng.randrange(5000)}",
        "url": f"https://example.com/{source}/{number}",
    }


if __name__ == "__main__":  # pragma: no cover - regenerates the shipped file
    for row in labelled():
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
