"""Demo community: boards, Chinese threads with official and accepted answers, complaints in every
status with their timelines, and the people who use them. Idempotent: run again, nothing doubles.

Demo accounts get a random password printed by the command only when DEBUG is on (development);
elsewhere their passwords are unusable.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from community import complaints
from community.markup import render_markdown
from community.models import (
    Access,
    Board,
    Category,
    Complaint,
    ComplaintStatus,
    Member,
    Post,
    Subscription,
    Topic,
)
from targeting.models import CrmMembership
from targeting.tracking.models import CustomerProfile

PEOPLE = [
    # username, display name, email, groups
    ("wangfang", "王芳", "wangfang@example.cn", []),
    ("lijun", "李军", "lijun@example.cn", []),
    ("zhaolei", "赵磊", "zhaolei@example.cn", []),
    ("chenjing", "陈静", "chenjing@example.cn", []),
    ("vip_sun", "孙先生", "sun@example.cn", []),
    ("banzhu_liu", "版主小刘", "liu.mod@example.cn", ["Moderators"]),
    ("kefu_zhang", "客服小张", "zhang.cs@example.cn", ["Customer service", "Bank staff"]),
    ("licai_wu", "理财经理吴", "wu.staff@example.cn", ["Bank staff"]),
]

CATEGORIES = [
    ("credit-card", "信用卡"),
    ("digital", "网上银行与手机银行"),
    ("wealth", "财富管理"),
    ("small-business", "小微企业"),
    ("general", "综合讨论"),
]

BOARDS = [
    # category, slug, name, description, qa, product category, access
    (
        "credit-card",
        "card-qa",
        "信用卡问答",
        "年费、额度、账单、积分与权益，提问并获得解答。",
        True,
        "credit_card",
        None,
    ),
    (
        "credit-card",
        "card-talk",
        "用卡心得",
        "分享用卡经验与优惠活动。",
        False,
        "credit_card",
        None,
    ),
    ("digital", "mobile-qa", "手机银行问答", "转账、限额、登录与安全设置。", True, "payment", None),
    ("wealth", "wealth-talk", "理财交流", "存款、理财产品与基金的讨论。", True, "wealth", None),
    (
        "wealth",
        "vip-wealth",
        "财富VIP专区",
        "私人银行与财富VIP客户专属交流区。",
        False,
        "wealth",
        "VIP_WEALTH",
    ),
    (
        "small-business",
        "sme-loans",
        "小微企业融资",
        "经营贷、发票贷与对公开户。",
        True,
        "loan",
        None,
    ),
    ("general", "general", "综合讨论", "网点服务、建议与其他话题。", False, "", None),
]

# board, title, asker, question, replies [(author, text)], accepted reply index or None, tags
THREADS: list[tuple[str, str, str, str, list[tuple[str, str]], int | None, list[str]]] = [
    (
        "card-qa",
        "信用卡年费怎么免？",
        "wangfang",
        "刚办了一张金卡，年费 300 元，有什么办法可以免掉吗？",
        [
            ("lijun", "我的卡是每年刷满 6 次就免次年年费，你可以看看卡片权益说明。"),
            (
                "kefu_zhang",
                "您好！金卡在一个年度内消费满 6 笔（不限金额）即可免次年年费，可在手机银行“信用卡-年费查询”中查看进度。",
            ),
            ("wangfang", "谢谢，已经查到了，还差两笔。"),
        ],
        1,
        ["年费", "金卡"],
    ),
    (
        "card-qa",
        "临时额度到期后会怎样？",
        "zhaolei",
        "上个月申请了临时额度，快到期了，到期后欠款要一次还清吗？",
        [
            (
                "kefu_zhang",
                "临时额度到期后，超出固定额度的部分会计入当期账单，需要在到期还款日前全额归还，不能分期。",
            )
        ],
        0,
        ["额度"],
    ),
    (
        "card-qa",
        "积分可以兑换航空里程吗？",
        "chenjing",
        "想把积分换成里程，比例是多少？",
        [
            ("lijun", "我换过国航的，好像是 15 积分换 1 里程。"),
            ("kefu_zhang", "目前支持多家航空公司，兑换比例以积分商城页面为准，白金卡有优惠比例。"),
        ],
        1,
        ["积分"],
    ),
    (
        "card-qa",
        "账单分期手续费怎么算？",
        "lijun",
        "账单 12000 元想分 12 期，总共要多少手续费？",
        [("zhaolei", "一般每期 0.6% 左右，折算年化利率其实不低，建议先看清楚。")],
        None,
        ["分期"],
    ),
    (
        "card-talk",
        "周末超市满减活动分享",
        "chenjing",
        "本周六日在指定超市刷卡满 200 减 20，亲测有效。",
        [("wangfang", "感谢分享！"), ("zhaolei", "每个账户限一次，别重复刷哦。")],
        None,
        ["优惠"],
    ),
    (
        "card-talk",
        "境外消费要注意什么？",
        "zhaolei",
        "下个月去日本旅游，用信用卡有什么要注意的？",
        [
            ("lijun", "出发前在手机银行开通境外交易，另外留意货币转换费。"),
            ("wangfang", "建议选择当地货币结算，不要选人民币结算，汇率更划算。"),
        ],
        None,
        ["境外"],
    ),
    (
        "mobile-qa",
        "手机银行转账限额如何调整？",
        "wangfang",
        "单笔只能转 5 万，需要给家里转 20 万，怎么提高？",
        [
            ("chenjing", "我是带着身份证去网点调的。"),
            (
                "kefu_zhang",
                "您好！可在手机银行“安全中心-限额管理”中调整，使用 U 盾或动态令牌认证后单日最高 50 万；超过上限请携带身份证到网点办理。",
            ),
        ],
        1,
        ["转账", "限额"],
    ),
    (
        "mobile-qa",
        "换手机后怎么登录手机银行？",
        "zhaolei",
        "换了新手机，登录提示设备未绑定。",
        [("kefu_zhang", "新设备首次登录需要短信验证码加人脸识别完成设备绑定，旧设备会自动解绑。")],
        0,
        ["登录"],
    ),
    (
        "mobile-qa",
        "收不到短信验证码怎么办？",
        "chenjing",
        "已经等了十分钟还是没收到。",
        [
            ("lijun", "看看是不是被手机拦截了。"),
            (
                "kefu_zhang",
                "请检查号码是否为预留手机号、是否被安全软件拦截；仍收不到可拨打客服热线 95568 协助处理。",
            ),
        ],
        1,
        ["验证码"],
    ),
    (
        "mobile-qa",
        "手机银行能开立电子账户吗？",
        "lijun",
        "想开一个二类户用于理财。",
        [],
        None,
        ["开户"],
    ),
    (
        "wealth-talk",
        "理财产品到期后资金多久到账？",
        "chenjing",
        "买的 90 天理财今天到期，钱什么时候能回到卡里？",
        [
            ("wangfang", "我之前买的是第二天到账。"),
            (
                "licai_wu",
                "您好！一般在到期日后 1 至 2 个工作日内到账，具体以产品说明书的“到账日”为准，节假日顺延。",
            ),
        ],
        1,
        ["理财", "到账"],
    ),
    (
        "wealth-talk",
        "大额存单和结构性存款怎么选？",
        "zhaolei",
        "手上有 50 万闲钱，想稳一点。",
        [
            (
                "licai_wu",
                "大额存单收益固定、受存款保险保障；结构性存款有保底收益但最终收益浮动。建议先完成风险测评，按期限需求搭配。",
            ),
            ("lijun", "我是一半大额存单一半短期理财。"),
        ],
        0,
        ["存款"],
    ),
    (
        "wealth-talk",
        "风险测评结果过期了怎么办？",
        "wangfang",
        "购买理财时提示需要重新测评。",
        [
            (
                "licai_wu",
                "风险测评有效期一般为一年，可在手机银行“理财-风险测评”中重新完成，约 5 分钟。",
            )
        ],
        0,
        ["风险测评"],
    ),
    (
        "vip-wealth",
        "私行客户专享季度策略会",
        "vip_sun",
        "请问下季度的投资策略会什么时候举办？",
        [("licai_wu", "孙先生您好，定于下月中旬在总行举办，客户经理会提前一周发送邀请。")],
        None,
        ["私人银行"],
    ),
    (
        "sme-loans",
        "个体户经营贷需要什么材料？",
        "lijun",
        "开了一家小餐馆，想贷 30 万周转。",
        [
            (
                "kefu_zhang",
                "一般需要营业执照、经营流水（近 6 个月）、身份证和经营场所证明，可在线预审后再到网点签约。",
            ),
            ("zhaolei", "我办过，线上预审很快。"),
        ],
        0,
        ["经营贷"],
    ),
    (
        "sme-loans",
        "发票贷额度是怎么核定的？",
        "zhaolei",
        "根据开票金额吗？",
        [("kefu_zhang", "主要参考近 12 个月的开票金额和纳税记录，综合评估后核定。")],
        0,
        ["发票贷"],
    ),
    (
        "general",
        "网点排队时间太长了",
        "chenjing",
        "周六上午去网点等了一个多小时。",
        [
            ("wangfang", "可以先在手机银行预约取号。"),
            (
                "kefu_zhang",
                "抱歉给您带来不便！已反馈网点增加周末窗口，也建议使用手机银行“网点预约”。",
            ),
        ],
        None,
        ["网点"],
    ),
    (
        "general",
        "建议增加深色模式",
        "lijun",
        "晚上用手机银行太亮了，希望能加深色模式。",
        [("zhaolei", "+1"), ("chenjing", "同求！")],
        None,
        ["建议"],
    ),
]

COMPLAINTS = [
    # customer, category, channel, description, status path [(status, message, public)]
    (
        "wangfang",
        "fees",
        "mobile_app",
        "信用卡年费已满足免年费条件，仍被扣收 300 元年费，请退还。",
        [],
    ),
    (
        "lijun",
        "online_banking",
        "online",
        "网银转账显示成功，但对方三天未收到款项。",
        [("in_progress", "已联系清算中心核查，请耐心等待。", True)],
    ),
    (
        "zhaolei",
        "service_attitude",
        "branch",
        "在网点办理业务时柜员态度冷淡，多次催促。",
        [("awaiting_customer", "您好，请提供办理业务的具体日期和网点名称，便于核实。", True)],
    ),
    (
        "chenjing",
        "wealth",
        "phone",
        "电话推荐的理财产品与实际说明书收益描述不一致。",
        [
            ("in_progress", "已调取通话录音核实。", True),
            ("resolved", "经核实，已向您补偿差额收益并加强员工培训。", True),
        ],
    ),
    (
        "wangfang",
        "card",
        "wechat",
        "微信银行绑卡后收不到交易提醒。",
        [("in_progress", "", True), ("resolved", "已修复推送设置。", True), ("closed", "", True)],
    ),
    ("lijun", "loan", "branch", "提前还款被收取违约金，合同中未明确说明。", []),
]


def _people(stdout: Any) -> dict[str, Any]:
    User = get_user_model()
    people = {}
    for username, display, email, groups in PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"email": email, "date_joined": timezone.now() - timedelta(days=400)},
        )
        if created or not user.has_usable_password():
            if settings.DEBUG:
                password = secrets.token_urlsafe(9)
                user.set_password(password)
                stdout.write(f"  demo account {username} ({display}): password {password}")
            else:
                user.set_unusable_password()
            user.save()
        for name in groups:
            user.groups.add(Group.objects.get(name=name))
        Member.objects.update_or_create(user=user, defaults={"display_name": display})
        people[username] = user
    return people


def _vip(people: dict[str, Any]) -> None:
    """Give the VIP demo customer the CRM code that opens the VIP wealth zone."""
    user = people["vip_sun"]
    profile, _created = CustomerProfile.objects.get_or_create(
        user=user, defaults={"customer_number": "C-DEMO-VIP-001"}
    )
    if profile.customer_number:
        CrmMembership.objects.get_or_create(customer_ref=profile.customer_number, code="VIP_WEALTH")


def _boards() -> dict[str, Board]:
    categories = {}
    for order, (slug, name) in enumerate(CATEGORIES):
        categories[slug], _created = Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "sort_order": order}
        )
    boards = {}
    for order, (cat, slug, name, description, qa, product, crm) in enumerate(BOARDS):
        access = Access.MEMBERS if crm else None
        boards[slug], _created = Board.objects.update_or_create(
            slug=slug,
            defaults={
                "category": categories[cat],
                "name": name,
                "description": description,
                "qa_mode": qa,
                "targeting_category": product,
                "crm_code": crm or "",
                "read_access": access or Access.EVERYONE,
                "post_access": access or Access.SIGNED_IN,
                "sort_order": order,
            },
        )
    return boards


def _post(topic: Topic, author: Any, text: str, at: Any) -> Post:
    post, _created = Post.objects.get_or_create(
        topic=topic,
        author=author,
        body_markdown=text,
        defaults={
            "body_html": render_markdown(text),
            "created": at,
            "is_official": author.is_staff or author.groups.filter(name="Bank staff").exists(),
        },
    )
    return post


def _threads(boards: dict[str, Board], people: dict[str, Any]) -> int:
    now = timezone.now()
    count = 0
    for index, (board, title, asker, question, replies, accepted, tags) in enumerate(THREADS):
        started = now - timedelta(days=len(THREADS) - index, hours=index)
        # Found by its slug, so a corrected title (e.g. full-width punctuation) updates in place.
        topic, _created = Topic.objects.get_or_create(
            board=boards[board],
            slug=f"demo-{index}",
            defaults={
                "author": people[asker],
                "title": title,
                "created": started,
                "is_question": boards[board].qa_mode,
            },
        )
        if topic.title != title:
            topic.title = title
            topic.save(update_fields=["title"])
        posts = [_post(topic, people[asker], question, started)]
        for number, (author, text) in enumerate(replies, start=1):
            posts.append(_post(topic, people[author], text, started + timedelta(hours=number * 3)))
        topic.tags.set(tags)
        topic.reply_count = len(posts) - 1
        topic.last_post_at = posts[-1].created
        topic.last_post_id_cache = posts[-1].pk
        topic.approved = True
        if accepted is not None and topic.is_question:
            topic.accepted_answer = posts[accepted + 1]
        topic.save()
        for user in {p.author for p in posts}:
            Subscription.objects.get_or_create(topic=topic, user=user)
        count += 1
    return count


def _complaints(people: dict[str, Any]) -> int:
    agent = people["kefu_zhang"]
    count = 0
    for username, category, channel, description, path in COMPLAINTS:
        customer = people[username]
        if Complaint.objects.filter(customer=customer, description=description).exists():
            continue
        complaint = complaints.file_complaint(
            customer, category=category, channel=channel, description=description
        )
        if path:
            complaints.assign(complaint, agent)
        for status, message, public in path:
            complaints.staff_update(
                complaint,
                agent,
                to_status=status,
                message=message,
                public=public,
                notify_customer=False,
            )
        count += 1
    # One complaint filed long ago and never answered, so the queue shows an overdue case.
    late = Complaint.objects.filter(customer=people["lijun"], status=ComplaintStatus.RECEIVED)
    past = timezone.now() - timedelta(days=3)
    late.filter(first_responded_at__isnull=True).update(
        created=past, first_response_due=past + timedelta(hours=24)
    )
    return count


def seed(stdout: Any) -> None:
    """Create or refresh the demo community."""
    people = _people(stdout)
    _vip(people)
    boards = _boards()
    threads = _threads(boards, people)
    filed = _complaints(people)
    stdout.write(f"  community: {len(boards)} boards, {threads} threads, {filed} new complaints")
