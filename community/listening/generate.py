"""Generated posts: the labelled training set and the demo's outside posts.

Written for this project (no scraped or third-party text): sentences are assembled from
phrase lists per topic, with products, branches, campaigns and everyday noise mixed in, so the
result is ours to ship. ``data/labelled.jsonl`` is ``labelled(seed=7)`` frozen to a file, plus a
hand-written set of harder posts (``data/labelled_hard.jsonl``); regenerate it with
``python -m community.listening.generate > community/listening/data/labelled.jsonl``.

Because templates repeat, a model trained on them scores better on them than on real posts:
docs/listening.md says how to read the printed precision and recall.

``fresh_posts`` writes the benchmark's posts anew for each seed (bench/listening_bench.py).
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


# Fresh posts for the benchmark (``fresh_posts``): each post is put together from a topic's
# core sentence, one or two details and an opening or closing remark, in varied order, with
# numbers, times, places and amounts drawn anew. Unlike ``outside_posts`` (templates that repeat,
# so most of a second run's posts were near duplicates of the first), two fresh posts seldom
# reach the near-duplicate similarity by chance: the duplicates are the reposts mixed in.
CITIES = [
    "广州",
    "深圳",
    "上海",
    "北京",
    "杭州",
    "成都",
    "武汉",
    "南京",
    "西安",
    "长沙",
    "苏州",
    "重庆",
    "天津",
    "郑州",
    "青岛",
    "厦门",
    "合肥",
    "昆明",
]
WHEN = [
    "昨天下午",
    "今天早上",
    "上周三",
    "前天晚上",
    "刚才",
    "这个月初",
    "周末",
    "中午",
    "半夜",
    "月底",
    "上个月",
    "今天上午十点多",
    "晚上九点",
    "早上七点半",
    "国庆前",
]
AMOUNTS = ["{n}元", "{n}块", "{n}块钱", "{n}多", "{n}元左右"]
COUNTS = ["{k}次", "{k}回", "{k}趟", "好几次", "{k}遍"]
MINUTES = ["{m}分钟", "{h}个小时", "大半天", "一上午", "{m}多分钟"]
WHO = ["我妈", "我爸", "我老婆", "同事", "室友", "邻居阿姨", "我自己", "朋友", "我姐", "老公"]
FEELINGS = ["", "", "[怒]", "😡", "[哭]", "🙄", "[赞]", "👍", "[疑问]", "🙏"]
HASHTAGS = ["", "", "", " #银行#", " #吐槽#", " #{city}#", " #理财#", " #信用卡#"]

CORES: dict[str, list[str]] = {
    "complaint": [
        "在{branch}排队{wait}，{person}还爱答不理",
        "{product}被扣了{amount}年费，之前明明说免",
        "打了{count}客服电话，{product}的问题还是没人管",
        "{person}推{product}时说稳赚，现在亏了{amount}",
        "{branch}的ATM吞了{who}的卡，{days}天了还没退回来",
        "提前还{product}被收了{amount}违约金，合同里没写",
        "{product}额度说降就降，问原因只说系统评估",
        "催收一天打{count}电话到{who}单位，太过分了",
        "{channel}上的手续费收了{amount}，页面上根本没提示",
        "{who}去{branch}销户，被要求跑了{count}",
        "{product}的利息比说好的多了{amount}，找{person}也说不清",
        "{branch}只开一个窗口，{wait}才轮到{who}",
    ],
    "praise": [
        "{branch}的{person}耐心帮{who}办完了{product}，全程不到{wait}",
        "{when}卡被锁，{person}几分钟就帮我解决了",
        "{product}审批{days}天就下来了，比别家快多了",
        "{channel}改版后转账方便多了，{who}都会用了",
        "给{branch}的{person}点个赞，讲{product}讲得特别清楚",
        "{person}看{who}年纪大，主动过来帮忙填表",
        "{product}到账很快，利率也比预期低，满意",
        "{when}在{city}丢了卡，{channel}上挂失补卡一次搞定",
        "{person}没有硬推销，帮{who}比较了三款{product}",
        "{channel}客服{when}秒回，问题当场解决",
    ],
    "incident": [
        "{channel}{when}开始就登不上，一直转圈",
        "{channel}转账{amount}显示失败，钱却扣了",
        "{city}这边{channel}打不开，{who}那边也一样",
        "{channel}验证码{wait}都收不到，是不是出故障了",
        "刷卡支付连续失败{count}，收银员说你们行都不行",
        "{channel}点什么都报网络异常，别的APP都正常",
        "工资{when}还没到账，{channel}查不了明细",
        "{channel}一打开就闪退，重装了{count}也没用",
        "{city}好几台ATM都取不出钱，屏幕显示暂停服务",
        "{channel}页面白屏，客服热线也占线",
    ],
    "purchase_intent": [
        "想办一张{product}，有没有人推荐一下",
        "打算在{city}买房，{product}现在利率大概多少",
        "手上有{amount}闲钱，{product}和存款哪个划算",
        "{who}下个月出国，想办{product}，要准备什么材料",
        "想申请{product}，{channel}上能直接办吗",
        "准备换车，{product}一般能批多少额度",
        "{branch}能办{product}吗，想这周去问问",
        "工资卡每月剩{amount}，想弄点{product}",
        "给{who}买{product}，哪款性价比高",
        "第一次申请{product}，需要带什么证件",
    ],
    "campaign_feedback": [
        "{campaign}的奖励{days}天了还没到账",
        "参加了{campaign}，消费了{amount}却说不符合条件",
        "{campaign}的规则看了{count}也没看懂",
        "{campaign}{when}就抢完了，名额也太少了",
        "{campaign}领到了{amount}返现，挺给力",
        "{campaign}的券在{city}的店里用不了",
        "{campaign}页面藏得太深，找了{wait}才找到",
        "{who}参加{campaign}中了奖，一直没人联系领奖",
    ],
    "fraud_warning": [
        "有人冒充{person}打给{who}，说{product}要降额，让转到安全账户",
        "收到短信说{product}积分过期，链接是钓鱼网站",
        "假客服让{who}下载屏幕共享软件，差点被骗{amount}",
        "自称公检法的电话说{who}涉嫌洗钱，让转{amount}去验资，是诈骗",
        "网上有人收购银行卡，{amount}一张，是骗局",
        "{city}有人冒充{branch}员工在门口帮老人操作手机，小心诈骗",
        "陌生人加{who}微信说能提{product}额度，先交{amount}手续费，骗子",
    ],
    "other": [
        "{branch}周末几点开门",
        "{channel}在哪里改绑定手机号",
        "{city}{when}下雨了，出门记得带伞",
        "{branch}附近哪里好停车",
        "{channel}的夜间模式在哪里开",
        "{who}问春节网点营业时间有没有调整",
        "{city}哪家网点人少一点",
        "这个论坛怎么改头像",
    ],
}
DETAILS: dict[str, list[str]] = {
    "complaint": [
        "{when}去的",
        "已经打了{count}电话",
        "前后花了{wait}",
        "{who}气得不行",
        "说好{days}天内回复",
        "工号都记下了",
        "再不处理就找监管",
        "问了{count}都推给别人",
    ],
    "praise": [
        "{when}去的",
        "前后不到{wait}",
        "{who}也说好",
        "下次还找她",
        "必须表扬",
        "比上次快多了",
        "态度特别好",
    ],
    "incident": [
        "{when}开始的",
        "试了{count}",
        "{who}也遇到了",
        "已经{wait}了",
        "急用钱",
        "4G和WiFi都试过",
    ],
    "purchase_intent": [
        "预算{amount}",
        "{when}想去办",
        "{who}推荐的",
        "比较了{count}家",
        "最好{days}天内能办下来",
        "在{city}",
    ],
    "campaign_feedback": [
        "{when}参加的",
        "客服说等{days}天",
        "{who}也没收到",
        "截图都留了",
        "页面写得不清楚",
    ],
    "fraud_warning": [
        "{when}的事",
        "号码是境外的",
        "已经报警了",
        "大家转给家里老人看看",
        "{who}差点就信了",
    ],
    "other": ["谢谢", "在线等", "{when}去", "有知道的吗"],
}
OPENERS = [
    "",
    "",
    "",
    "求助：",
    "吐槽一下，",
    "说句公道话，",
    "急！",
    "有没有人知道，",
    "真的服了，",
    "分享一下：",
    "{city}的朋友，",
    "问一下，",
]
CLOSERS = [
    "",
    "",
    "",
    "。",
    "！",
    "？？",
    "…",
    " 大家怎么看",
    " 有同样情况的吗",
    "，无语",
    "，记录一下",
    "，求解答",
]
NOISE_FRESH = [
    "加微信{contact}代办{product}，包过秒批，{amount}起",
    "刷单兼职日结，日赚{amount}，联系QQ{contact}",
    "高价回收{product}积分，长期有效，V{contact}",
    "专业征信修复，{days}天消除逾期记录，私信{contact}",
    "{product}低息无抵押，当天放款{amount}，加V{contact}",
]


def _fresh_fill(template: str, rng: random.Random) -> str:
    kind = rng.choice(list(PRODUCTS))
    values = {
        "product": rng.choice(PRODUCTS[kind]),
        "branch": rng.choice(BRANCHES),
        "person": rng.choice(PEOPLE),
        "campaign": rng.choice(CAMPAIGNS),
        "channel": rng.choice(CHANNELS),
        "city": rng.choice(CITIES),
        "when": rng.choice(WHEN),
        "who": rng.choice(WHO),
        "amount": rng.choice(AMOUNTS).format(
            n=rng.choice([rng.randrange(20, 1000), rng.randrange(10, 500) * 100])
        ),
        "count": rng.choice(COUNTS).format(k=rng.randrange(2, 12)),
        "wait": rng.choice(MINUTES).format(m=rng.randrange(10, 90), h=rng.randrange(1, 5)),
        "days": str(rng.randrange(2, 45)),
        "contact": str(rng.randrange(10_000, 99_999)),
        "place": rng.choice(PLACES),
        "tail": str(rng.randrange(1000, 9999)),
        "k": str(rng.randrange(2, 20)),
    }
    return template.format(**values)


PLACES = [
    "商场",
    "地铁站",
    "公司楼下",
    "小区门口",
    "高铁站",
    "医院",
    "学校旁边",
    "超市",
    "机场",
    "菜市场",
    "写字楼",
    "老家",
    "酒店",
    "加油站",
]
CONTEXTS = [
    "{who}{when}在{city}{place}",
    "{when}在{city}{place}附近",
    "{k}年的老客户了",
    "尾号{tail}的卡",
    "这是第{k}次了",
    "{who}用了{k}年你们的卡",
    "{when}从{city}回来",
    "在{place}排了{wait}",
]


def fresh_text(topic: str, rng: random.Random) -> str:
    """One post of ``topic`` put together anew (see ``CORES``): its core sentence, one or two
    details and often a personal context, in varied order and punctuation."""
    parts = [_fresh_fill(rng.choice(CORES[topic]), rng)]
    extras = rng.sample(DETAILS[topic], k=rng.choice([1, 1, 2]))
    if rng.random() < 0.7:
        extras.append(rng.choice(CONTEXTS))
    for detail in extras:
        parts.insert(rng.randrange(len(parts) + 1), _fresh_fill(detail, rng))
    joined = rng.choice(["，", "，", "。", " ", "！"]).join(parts)
    return (
        _fresh_fill(rng.choice(OPENERS), rng)
        + joined
        + rng.choice(CLOSERS)
        + rng.choice(FEELINGS)
        + _fresh_fill(rng.choice(HASHTAGS), rng)
    )


TOPIC_WEIGHTS = {
    "complaint": 22,
    "praise": 14,
    "incident": 6,
    "purchase_intent": 18,
    "campaign_feedback": 10,
    "fraud_warning": 5,
    "other": 15,
}


def fresh_posts(
    count: int,
    *,
    now: datetime,
    seed: int,
    label: str = "fresh",
    spread_seconds: int = 3600,
    reposts: float = 0.07,
    noise: float = 0.05,
) -> Iterator[dict[str, object]]:
    """``count`` outside posts written anew for ``seed`` (give each run its own), published over
    the ``spread_seconds`` before ``now`` (a live stream: the last hour), with ``noise`` ads and
    spam and ``reposts`` copies of recent posts (with 转发, 【转】, +1 or a short remark), which are
    the near duplicates the pipeline should drop."""
    rng = random.Random(seed)  # nosec B311 - generated sample text, not security
    topics = list(TOPIC_WEIGHTS)
    weights = [TOPIC_WEIGHTS[t] for t in topics]
    recent: list[str] = []
    for number in range(count):
        roll = rng.random()
        if roll < noise:
            text = _fresh_fill(rng.choice(NOISE_FRESH), rng)
        elif roll < noise + reposts and recent:
            original = rng.choice(recent)
            text = (
                rng.choice(["", "【转】", "转：", "//"])
                + original
                + rng.choice(["", " 转发", " +1", " 同问", "，同样的情况", "！"])
            )
        else:
            text = fresh_text(rng.choices(topics, weights=weights)[0], rng)
            recent = (recent + [text])[-200:]
        at = now - timedelta(seconds=rng.random() * spread_seconds)
        source = rng.choice(SOURCES)
        yield {
            "source": source,
            "id": f"{label}-{seed}-{number}",
            "text": text,
            "published_at": at.isoformat(timespec="seconds"),
            "author": f"user{rng.randrange(50_000)}",
            "url": f"https://example.com/{source}/{seed}/{number}",
        }


if __name__ == "__main__":  # pragma: no cover - regenerates the shipped file
    for row in labelled():
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
