"""Demo catalogue: the four customer-group sections, 24 products, images and a few leads.

`seed(stdout)` is called by `manage.py seed_demo` after `portal.demo`. It is idempotent: pages
are found by slug under their parent and updated in place, images by title, applications by
reference, so running it again changes nothing and duplicates nothing.
"""

import io
import json
import math
import random
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TextIO

from django.contrib.auth.models import Group, Permission
from django.core.files.images import ImageFile
from django.utils import translation
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter
from wagtail.images import get_image_model
from wagtail.models import GroupPagePermission, Locale, Page

from portal import models as portal_models
from portal.demo import build_navigation, build_product_highlights
from products.choices import ApplicationStatus, Channel, ContactTime, ProductType
from products.models import (
    ProductApplication,
    ProductCataloguePage,
    ProductIndexPage,
    ProductPage,
)

ALL_ONLINE = [Channel.ONLINE_BANKING, Channel.MOBILE_BANKING, Channel.WECHAT_BANKING]
EVERYWHERE = [Channel.BRANCH, *ALL_ONLINE, Channel.PHONE_BANKING]

SECTIONS = [
    {
        "slug": "personal",
        "title": "个人业务",
        "customer_group": "personal",
        "intro": "<p>存款、贷款、信用卡、理财与支付，一站满足您和家人的日常金融需要。</p>",
        "palette": ((164, 22, 26), (246, 190, 120)),
    },
    {
        "slug": "corporate",
        "title": "公司业务",
        "customer_group": "corporate",
        "intro": "<p>为企业提供结算、融资、现金管理与代发服务，助力企业稳健经营。</p>",
        "palette": ((18, 52, 96), (120, 170, 220)),
    },
    {
        "slug": "small-business",
        "title": "小微企业",
        "customer_group": "small_business",
        "intro": "<p>小微快贷、经营贷与收款结算，线上申请，快速到账，陪伴小微企业成长。</p>",
        "palette": ((20, 100, 80), (170, 220, 160)),
    },
    {
        "slug": "private-banking",
        "title": "私人银行",
        "customer_group": "private_banking",
        "intro": "<p>专属客户经理与投资顾问团队，为高净值客户提供资产配置与财富传承服务。</p>",
        "palette": ((60, 40, 20), (212, 175, 95)),
    },
]

TYPE_PALETTES = {
    ProductType.DEPOSIT: ((164, 22, 26), (250, 210, 150)),
    ProductType.LOAN: ((30, 80, 140), (170, 210, 240)),
    ProductType.CREDIT_CARD: ((40, 40, 60), (200, 170, 110)),
    ProductType.WEALTH: ((120, 60, 20), (240, 200, 120)),
    ProductType.INSURANCE_FUND: ((30, 110, 100), (180, 230, 210)),
    ProductType.PAYMENT: ((80, 50, 120), (200, 180, 240)),
}

STANDARD_FAQ = {
    ProductType.DEPOSIT: [
        (
            "可以提前支取吗？",
            "<p>可以。提前支取部分按支取日活期利率计息，未支取部分仍按原利率计息。</p>",
        ),
        (
            "存款安全吗？",
            "<p>本行存款受《存款保险条例》保护，同一存款人在本行的存款本息合计50万元以内全额偿付。</p>",
        ),
    ],
    ProductType.LOAN: [
        (
            "需要准备哪些材料？",
            "<p>身份证明、收入或经营证明、贷款用途证明等，客户经理会根据您的情况告知。</p>",
        ),
        ("可以提前还款吗？", "<p>可以，部分产品提前还款需提前预约，具体以合同约定为准。</p>"),
    ],
    ProductType.CREDIT_CARD: [
        ("多久能收到卡片？", "<p>审批通过后一般7个工作日内寄出，您可在手机银行查询进度。</p>"),
        ("如何还款？", "<p>支持手机银行、网上银行、自动还款和网点柜台等多种还款方式。</p>"),
    ],
    ProductType.WEALTH: [
        (
            "理财产品保本吗？",
            "<p>理财非存款，产品有风险，投资须谨慎。业绩比较基准不代表实际收益。</p>",
        ),
        (
            "购买前需要做什么？",
            "<p>首次购买前需完成风险承受能力评估，只能购买与评估结果相匹配的产品。</p>",
        ),
    ],
    ProductType.INSURANCE_FUND: [
        ("谁是产品的管理人？", "<p>本行为代销机构，产品由合作的保险公司或基金公司发行和管理。</p>"),
        (
            "可以随时赎回吗？",
            "<p>以产品合同为准。货币基金一般工作日可赎回，保险产品退保可能有损失。</p>",
        ),
    ],
    ProductType.PAYMENT: [
        (
            "如何开通？",
            "<p>携带营业执照等资料到网点办理，或在网上银行提交预约后由客户经理联系。</p>",
        ),
        ("收费标准在哪里查询？", "<p>详见本行服务价目表，部分费用在优惠期内减免。</p>"),
    ],
}

DEPOSIT_RATES = [
    ("3个月", "1.05"),
    ("6个月", "1.25"),
    ("1年", "1.45"),
    ("2年", "1.55"),
    ("3年", "1.85"),
    ("5年", "1.90"),
]


def _product(
    section: str,
    slug: str,
    title: str,
    product_type: str,
    summary: str,
    features: list[tuple[str, str]],
    *,
    rate: str | None = None,
    rate_label: str = "",
    term: str = "",
    minimum: int | None = None,
    fees: str = "",
    risk: str = "",
    channels: Sequence[str] | None = None,
    eligibility: list[str] | None = None,
    apply_label: str = "",
    featured: bool = False,
) -> dict[str, Any]:
    return {
        "section": section,
        "slug": slug,
        "title": title,
        "product_type": product_type,
        "summary": summary,
        "features": features,
        "headline_rate": Decimal(rate) if rate else None,
        "rate_label": rate_label,
        "term": term,
        "minimum_amount": Decimal(minimum) if minimum is not None else None,
        "fees": fees,
        "risk_level": risk,
        "channels": [str(channel) for channel in (channels or EVERYWHERE)],
        "eligibility": (
            "<ul>" + "".join(f"<li>{item}</li>" for item in eligibility) + "</ul>"
            if eligibility
            else ""
        ),
        "apply_label": apply_label,
        "is_featured": featured,
    }


D, L, C = ProductType.DEPOSIT, ProductType.LOAN, ProductType.CREDIT_CARD
W, IF, P = ProductType.WEALTH, ProductType.INSURANCE_FUND, ProductType.PAYMENT
ADULT = ["年满18周岁的中国大陆居民", "持有本人有效身份证件"]

PRODUCTS = [
    # Personal
    _product(
        "personal",
        "time-deposit",
        "整存整取定期存款",
        D,
        "一次存入、到期支取，期限灵活，收益稳定。",
        [
            ("利率稳定", "存期内利率固定，不受市场波动影响。"),
            ("起存门槛低", "50元起存。"),
            ("可质押", "可办理存单质押贷款。"),
        ],
        rate="1.45",
        rate_label="年利率（1年期）",
        term="3个月-5年",
        minimum=50,
        fees="无",
        eligibility=ADULT,
        apply_label="预约存款",
        featured=True,
    ),
    _product(
        "personal",
        "large-certificate-of-deposit",
        "大额存单",
        D,
        "20万元起存，利率高于同期定期存款，可转让。",
        [
            ("利率更高", "利率高于同期限普通定期存款。"),
            ("可转让", "支持在手机银行转让，提前变现。"),
        ],
        rate="1.90",
        rate_label="年利率（3年期）",
        term="1个月-3年",
        minimum=200000,
        fees="无",
        eligibility=ADULT,
        apply_label="预约购买",
    ),
    _product(
        "personal",
        "home-loan",
        "个人住房贷款",
        L,
        "首套、二套住房购房贷款，期限最长30年。",
        [
            ("期限长", "最长可贷30年，月供压力小。"),
            ("还款方式灵活", "等额本息、等额本金任选。"),
            ("进度可查", "手机银行随时查看审批进度。"),
        ],
        rate="3.05",
        rate_label="参考年利率",
        term="1年-30年",
        minimum=100000,
        fees="无贷款手续费；抵押登记费按政府规定收取。",
        channels=[Channel.BRANCH, Channel.MOBILE_BANKING],
        eligibility=[
            "年满18周岁，具有完全民事行为能力",
            "有稳定收入和良好信用记录",
            "已签订购房合同并支付首付款",
        ],
        featured=True,
    ),
    _product(
        "personal",
        "consumer-loan",
        "个人消费贷款",
        L,
        "装修、教育、旅游等消费用途，线上申请最快当天放款。",
        [
            ("线上申请", "手机银行填写资料，最快当天放款。"),
            ("随借随还", "按日计息，提前还款无违约金。"),
        ],
        rate="3.60",
        rate_label="参考年化利率",
        term="6个月-3年",
        minimum=10000,
        fees="无",
        channels=ALL_ONLINE,
        eligibility=["年满22周岁", "本行代发工资或公积金连续缴存满12个月"],
    ),
    _product(
        "personal",
        "platinum-credit-card",
        "白金信用卡",
        C,
        "高额度、机场贵宾厅、全球消费返现，尊享品质生活。",
        [
            ("机场贵宾厅", "每年6次国内机场贵宾厅服务。"),
            ("消费返现", "境外消费最高返现2%。"),
            ("高额度", "最高额度30万元。"),
        ],
        fees="年费3600元，年消费满20万元免次年年费。",
        term="卡片有效期5年",
        eligibility=["年满22周岁，有稳定收入", "年收入20万元以上或本行资产50万元以上"],
        apply_label="立即申请",
        featured=True,
    ),
    _product(
        "personal",
        "youth-credit-card",
        "青年信用卡",
        C,
        "专为18-30岁年轻人设计，免年费，支付返积分。",
        [("终身免年费", "无需刷卡达标。"), ("积分加倍", "周末线上消费双倍积分。")],
        fees="免年费；取现手续费为取现金额的1%，最低10元。",
        channels=ALL_ONLINE,
        eligibility=["年满18周岁、30周岁以下", "在校大学生需提供第二还款来源"],
        apply_label="立即申请",
    ),
    _product(
        "personal",
        "steady-wealth",
        "稳盈理财",
        W,
        "固收类理财，R2稳健风险，适合追求稳定收益的客户。",
        [
            ("稳健配置", "主要投资于债券、存款等固定收益类资产。"),
            ("定期开放", "每180天开放一次申购赎回。"),
        ],
        rate="2.85",
        rate_label="预期年化收益率",
        term="180天",
        minimum=10000,
        fees="销售费0.30%/年，托管费0.02%/年。",
        risk="R2",
        channels=ALL_ONLINE + [Channel.BRANCH],
        eligibility=["风险承受能力评估为稳健型（C2）及以上", *ADULT],
        apply_label="预约购买",
        featured=True,
    ),
    _product(
        "personal",
        "money-market-fund",
        "代销货币基金",
        IF,
        "流动性好、风险低，工作日可快速赎回。",
        [("随存随取", "工作日快速赎回，最快实时到账。"), ("1元起购", "零钱理财好帮手。")],
        rate="1.65",
        rate_label="七日年化收益率",
        term="无固定期限",
        minimum=1,
        fees="无申购赎回费；管理费0.15%/年。",
        risk="R1",
        channels=ALL_ONLINE,
        eligibility=ADULT,
        apply_label="预约购买",
    ),
    _product(
        "personal",
        "pension-insurance",
        "个人养老保险",
        IF,
        "代销合作保险公司的养老年金保险，为退休生活储备现金流。",
        [
            ("终身领取", "约定年龄起按月或按年领取养老金。"),
            ("个税优惠", "符合条件可享受个人养老金税收优惠。"),
        ],
        term="缴费5年-20年",
        minimum=1000,
        fees="以保险合同为准。",
        risk="R2",
        channels=[Channel.BRANCH, Channel.MOBILE_BANKING],
        eligibility=["投保年龄18-60周岁", "需完成风险承受能力评估"],
        apply_label="预约咨询",
    ),
    _product(
        "personal",
        "cross-border-remittance",
        "个人跨境汇款",
        P,
        "手机银行办理境外汇款，费用透明，进度可查。",
        [("线上办理", "7x24小时提交汇款申请。"), ("进度追踪", "汇款状态实时推送。")],
        fees="手续费为汇款金额的0.1%，最低20元、最高200元；另收电讯费80元/笔。",
        channels=[Channel.BRANCH, Channel.ONLINE_BANKING, Channel.MOBILE_BANKING],
        eligibility=["持有本行借记卡", "符合国家外汇管理规定的用途"],
        apply_label="预约办理",
    ),
    # Corporate
    _product(
        "corporate",
        "corporate-agreement-deposit",
        "单位协定存款",
        D,
        "结算账户超出基本额度的部分按协定利率计息。",
        [
            ("结算不受影响", "资金随用随取，不影响日常结算。"),
            ("收益提升", "超额部分享受协定存款利率。"),
        ],
        rate="1.00",
        rate_label="年利率",
        term="1年（可续签）",
        minimum=500000,
        fees="无",
        channels=[Channel.BRANCH, Channel.ONLINE_BANKING],
        eligibility=["在本行开立基本或一般结算账户的企事业单位"],
        apply_label="预约办理",
    ),
    _product(
        "corporate",
        "working-capital-loan",
        "流动资金贷款",
        L,
        "满足企业日常经营周转资金需要。",
        [
            ("额度循环", "额度内随借随还、循环使用。"),
            ("担保方式多样", "信用、保证、抵押、质押均可。"),
        ],
        rate="3.45",
        rate_label="参考年利率",
        term="1年-3年",
        minimum=1000000,
        fees="无",
        channels=[Channel.BRANCH],
        eligibility=["依法登记、持续经营满2年的企业", "信用记录良好，财务状况健康"],
        apply_label="预约客户经理",
        featured=True,
    ),
    _product(
        "corporate",
        "corporate-settlement-account",
        "企业结算账户",
        P,
        "基本户、一般户开立，网银、回单、对账一站式服务。",
        [("预约开户", "线上预约，网点一次办结。"), ("企业网银", "付款、对账、回单打印全在线。")],
        fees="开户免费；账户管理费免收；跨行转账按笔收费，详见服务价目表。",
        channels=[Channel.BRANCH, Channel.ONLINE_BANKING],
        eligibility=["依法登记的企业、事业单位和其他组织"],
        apply_label="预约开户",
    ),
    _product(
        "corporate",
        "payroll-service",
        "对公代发工资",
        P,
        "批量代发工资、奖金与报销款，员工享专属优惠。",
        [("批量代发", "一次上传，全员到账。"), ("员工福利", "代发员工享信用卡和消费贷优惠。")],
        fees="本行账户免费；跨行代发每笔1元。",
        channels=[Channel.BRANCH, Channel.ONLINE_BANKING],
        eligibility=["在本行开立结算账户的单位"],
        apply_label="预约办理",
    ),
    _product(
        "corporate",
        "business-credit-card",
        "公务信用卡",
        C,
        "企业差旅与公务支出管理，消费明细一目了然。",
        [("统一管理", "企业统一设置额度与用途。"), ("明细清晰", "按员工、部门出具消费报表。")],
        fees="年费200元/卡，单位申请满10张免年费。",
        channels=[Channel.BRANCH],
        eligibility=["在本行开立结算账户的企事业单位", "单位为持卡人统一申请"],
        apply_label="预约办理",
    ),
    _product(
        "corporate",
        "corporate-steady-wealth",
        "对公稳利理财",
        W,
        "企业闲置资金的稳健配置选择。",
        [("稳健收益", "投资于高等级债券与货币市场工具。"), ("按周开放", "每周开放，兼顾流动性。")],
        rate="2.40",
        rate_label="业绩比较基准（年化）",
        term="7天滚动",
        minimum=1000000,
        fees="销售费0.20%/年。",
        risk="R2",
        channels=[Channel.BRANCH, Channel.ONLINE_BANKING],
        eligibility=["经风险评估的机构客户"],
        apply_label="预约购买",
    ),
    # Small and micro business
    _product(
        "small-business",
        "micro-quick-loan",
        "小微快贷",
        L,
        "纯信用、线上申请，最高100万元，随借随还。",
        [
            ("纯信用", "无需抵押担保。"),
            ("最快当天到账", "线上申请，系统自动审批。"),
            ("随借随还", "按日计息，不用不计息。"),
        ],
        rate="3.85",
        rate_label="参考年化利率",
        term="1年（可循环）",
        minimum=10000,
        fees="无",
        channels=ALL_ONLINE,
        eligibility=["企业或个体工商户正常经营满1年", "企业主年龄18-65周岁，征信良好"],
        featured=True,
    ),
    _product(
        "small-business",
        "business-operating-loan",
        "经营贷",
        L,
        "以房产抵押为主，额度高、期限长，支持企业扩大经营。",
        [("额度高", "最高1000万元。"), ("期限长", "最长10年，可先息后本。")],
        rate="3.45",
        rate_label="参考年利率",
        term="1年-10年",
        minimum=100000,
        fees="抵押登记费按规定收取。",
        channels=[Channel.BRANCH, Channel.MOBILE_BANKING],
        eligibility=["小微企业主或个体工商户", "提供本人或家庭名下房产作为抵押"],
    ),
    _product(
        "small-business",
        "notice-deposit",
        "七天通知存款",
        D,
        "5万元起存，提前7天通知即可支取，兼顾收益与流动性。",
        [("灵活支取", "提前7天通知，随时可用。"), ("收益高于活期", "适合短期闲置资金。")],
        rate="1.00",
        rate_label="年利率",
        term="7天通知",
        minimum=50000,
        fees="无",
        channels=[Channel.BRANCH, Channel.ONLINE_BANKING, Channel.MOBILE_BANKING],
        eligibility=["企业、个体工商户及个人均可办理"],
        apply_label="预约存款",
    ),
    _product(
        "small-business",
        "merchant-acquiring",
        "商户收款码",
        P,
        "聚合收款码，支持微信、支付宝、云闪付，资金T+1到账。",
        [("一码收款", "主流支付方式一码通收。"), ("到账快", "资金T+1自动结算到账。")],
        fees="费率0.38%，小微商户首年费率优惠至0.25%。",
        channels=[Channel.BRANCH, Channel.MOBILE_BANKING],
        eligibility=["持有营业执照的小微企业或个体工商户"],
        apply_label="申请开通",
    ),
    # Private banking
    _product(
        "private-banking",
        "private-exclusive-wealth",
        "私行尊享理财",
        W,
        "私行客户专属，股债均衡配置，追求长期稳健增值。",
        [("专属配置", "投资顾问团队一对一服务。"), ("多元资产", "股票、债券、另类资产均衡配置。")],
        rate="4.20",
        rate_label="业绩比较基准（年化）",
        term="1年",
        minimum=1000000,
        fees="销售费0.50%/年，超额业绩报酬20%。",
        risk="R4",
        channels=[Channel.BRANCH, Channel.MOBILE_BANKING],
        eligibility=[
            "本行私人银行客户（金融资产600万元以上）",
            "风险承受能力评估为进取型（C4）及以上",
        ],
        apply_label="预约投资顾问",
        featured=True,
    ),
    _product(
        "private-banking",
        "private-fixed-income",
        "私行稳健固收",
        W,
        "以高等级债券为主的固定收益产品，波动较小。",
        [("稳健为主", "80%以上投资于固定收益类资产。"), ("按季分红", "每季度分配收益。")],
        rate="3.40",
        rate_label="业绩比较基准（年化）",
        term="2年",
        minimum=1000000,
        fees="销售费0.40%/年。",
        risk="R3",
        channels=[Channel.BRANCH, Channel.MOBILE_BANKING],
        eligibility=["本行私人银行客户", "风险承受能力评估为平衡型（C3）及以上"],
        apply_label="预约投资顾问",
    ),
    _product(
        "private-banking",
        "private-securities-fund",
        "代销私募证券投资基金",
        IF,
        "甄选优秀私募管理人，追求较高长期回报。",
        [("严选管理人", "多维度尽职调查，持续跟踪。"), ("合格投资者专属", "100万元起投。")],
        term="封闭期1年，之后每月开放",
        minimum=1000000,
        fees="认购费1%，管理费1.5%/年，业绩报酬20%。",
        risk="R5",
        channels=[Channel.BRANCH],
        eligibility=[
            "符合《私募投资基金监督管理暂行办法》的合格投资者",
            "风险承受能力评估为激进型（C5）",
        ],
        apply_label="预约投资顾问",
    ),
    _product(
        "private-banking",
        "private-large-cd",
        "私行专享大额存单",
        D,
        "私人银行客户专属额度，利率上浮。",
        [("专属额度", "私行客户专享发行额度。"), ("利率上浮", "高于普通大额存单利率。")],
        rate="2.00",
        rate_label="年利率（3年期）",
        term="3年",
        minimum=1000000,
        fees="无",
        channels=[Channel.BRANCH, Channel.MOBILE_BANKING],
        eligibility=["本行私人银行客户"],
        apply_label="预约购买",
    ),
]

DEMO_APPLICATIONS = [
    (
        "AP20261102DEMO01",
        "platinum-credit-card",
        "张伟",
        "13800138000",
        "北京",
        None,
        ApplicationStatus.NEW,
    ),
    (
        "AP20261103DEMO02",
        "steady-wealth",
        "李娜",
        "13912345678",
        "成都",
        "50000",
        ApplicationStatus.CONTACTED,
    ),
    (
        "AP20261104DEMO03",
        "micro-quick-loan",
        "王强",
        "15011112222",
        "杭州",
        "300000",
        ApplicationStatus.APPROVED,
    ),
    (
        "AP20261105DEMO04",
        "home-loan",
        "刘洋",
        "18622223333",
        "广州",
        "1200000",
        ApplicationStatus.DECLINED,
    ),
    (
        "AP20261106DEMO05",
        "private-exclusive-wealth",
        "陈静",
        "17733334444",
        "上海",
        "3000000",
        ApplicationStatus.NEW,
    ),
]

#: The all-products page's slug: its address is /products/ (products.urls only holds compare/).
CATALOGUE_SLUG = "products"

PRODUCT_MANAGER_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


def seed(stdout: TextIO) -> None:
    """Create or update the demo catalogue under the portal's home page."""
    home_model = getattr(portal_models, "HomePage", None)
    home = None
    if home_model is not None:
        default_locale = Locale.get_default()
        home = (
            home_model.objects.filter(locale=default_locale).first() or home_model.objects.first()
        )
    if home is None:
        stdout.write("products.demo: no portal HomePage yet; created no products")
        return

    images = {}
    with translation.override("zh-hans"):
        type_names = {product_type: str(product_type.label) for product_type in TYPE_PALETTES}
    for product_type, palette in TYPE_PALETTES.items():
        images[product_type] = _demo_image(
            f"产品插图 {type_names[product_type]}",
            palette,
            seed=product_type,
            former_title=f"产品插图 {product_type}",
        )
    sections = {}
    for section in SECTIONS:
        hero = _demo_image(
            f"栏目横幅 {section['title']}",
            section["palette"],
            seed=section["slug"],
            size=(1440, 400),
            former_title=f"栏目横幅 {section['slug']}",
        )
        sections[section["slug"]] = _upsert_child(
            home,
            ProductIndexPage,
            section["slug"],
            title=section["title"],
            customer_group=section["customer_group"],
            intro=section["intro"],
            hero_image=hero,
        )

    for spec in PRODUCTS:
        spec = dict(spec)
        parent = sections[spec.pop("section")]
        features = spec.pop("features")
        slug = spec.pop("slug")
        _upsert_child(
            parent,
            ProductPage,
            slug,
            image=images[spec["product_type"]],
            body=_product_body(slug, spec["product_type"], features),
            **spec,
        )

    # The home page's 查看全部产品 (targeting/demo.py) and the footer link here.
    _upsert_child(
        home,
        ProductCataloguePage,
        CATALOGUE_SLUG,
        title="全部产品",
        seo_title="全部产品 - 存款、贷款、信用卡、理财与保险基金",
        search_description="锦程银行全部产品：按客户类型、产品类型与风险等级筛选存款、贷款、信用卡、理财、保险基金与结算产品。",
        intro="<p>按客户类型、产品类型与风险等级查找适合您的产品。理财非存款，产品有风险，投资须谨慎。</p>",
    )
    _grant_product_managers(sections.values())
    _seed_applications()
    stdout.write(
        f"products.demo: {len(sections)} sections, {len(PRODUCTS)} products, "
        f"{len(DEMO_APPLICATIONS)} demo applications"
    )

    build_navigation()
    # portal: show the products just created in the home page's product highlights.
    build_product_highlights()


def _upsert_child(parent: Page, model: type[Page], slug: str, **fields: Any) -> Any:
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        return page
    for name, value in fields.items():
        setattr(page, name, value)
    page.save()
    return page


#: Namespace of the demo's block ids: the same block gets the same id on every run.
DEMO_BLOCKS = uuid.UUID("5b0f4a52-7d1e-4c55-9a8e-2f6d3c1b9e70")


def _block_id(*parts: str) -> str:
    return str(uuid.uuid5(DEMO_BLOCKS, ":".join(parts)))


def _items(key: str, values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A list block's items in Wagtail's block format (type, value, id). wagtail-localize
    extracts no strings from items stored as plain dicts, so English product pages kept
    their features, rates and questions in Chinese; stable ids keep the seed idempotent."""
    return [
        {"type": "item", "value": value, "id": _block_id(key, str(index))}
        for index, value in enumerate(values)
    ]


def _product_body(slug: str, product_type: str, features: list[tuple[str, str]]) -> str:
    blocks: list[dict[str, Any]] = [
        {
            "type": "feature_list",
            "value": {
                "heading": "产品特色",
                "features": _items(
                    f"{slug}:features",
                    [{"title": title, "text": text} for title, text in features],
                ),
            },
        }
    ]
    if product_type == ProductType.DEPOSIT:
        blocks.append(
            {
                "type": "rate_table",
                "value": {
                    "caption": "人民币整存整取定期存款挂牌利率（2026年11月起执行）",
                    "rate_heading": "年利率",
                    "rows": _items(
                        f"{slug}:rates",
                        [{"tier": tier, "rate": rate, "note": ""} for tier, rate in DEPOSIT_RATES],
                    ),
                    "footnote": "以上利率仅供参考，以办理时网点挂牌利率为准。",
                },
            }
        )
    blocks.append(
        {
            "type": "faq",
            "value": {
                "heading": "常见问题",
                "items": _items(
                    f"{slug}:faq",
                    [
                        {"question": question, "answer": answer}
                        for question, answer in STANDARD_FAQ[product_type]
                    ],
                ),
            },
        }
    )
    for block in blocks:
        block["id"] = _block_id(slug, block["type"])
    return json.dumps(blocks, ensure_ascii=False)


def _demo_image(
    title: str,
    palette: tuple[tuple[int, int, int], tuple[int, int, int]],
    *,
    seed: str,
    size: tuple[int, int] = (960, 540),
    former_title: str = "",
) -> Any:
    """An abstract illustration (gradient and soft circles, no text), made once and reused.

    Its title is what editors read in the image library, so it is Chinese; one seeded under
    ``former_title`` (an English key) is renamed rather than drawn again.
    """
    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing is not None:
        return existing
    earlier = image_model.objects.filter(title=former_title).first() if former_title else None
    if earlier is not None:
        earlier.title = title
        earlier.save(update_fields=["title"])
        return earlier
    width, height = size
    start, end = palette
    picture = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    for x in range(width):
        share = x / max(width - 1, 1)
        colour = tuple(round(a + (b - a) * share) for a, b in zip(start, end, strict=True))
        draw.line([(x, 0), (x, height)], fill=colour)
    overlay = PILImage.new("RGBA", size, (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    # The same picture for the same product type on every run: artwork, not a secret.
    rng = random.Random(seed)  # nosec B311
    for _ in range(7):
        radius = rng.randint(height // 6, height // 2)
        cx, cy = rng.randint(0, width), rng.randint(0, height)
        alpha = rng.randint(30, 80)
        shapes.ellipse(
            [cx - radius, cy - radius, cx + radius, cy + radius], fill=(255, 255, 255, alpha)
        )
    for step in range(5):
        y = height * (0.55 + 0.08 * step)
        points = [(x, y + 18 * math.sin(x / 70 + step)) for x in range(0, width + 20, 20)]
        shapes.line(points, fill=(255, 255, 255, 70), width=3)
    overlay = overlay.filter(ImageFilter.GaussianBlur(2))
    picture = PILImage.alpha_composite(picture.convert("RGBA"), overlay).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    buffer.seek(0)
    name = "demo-" + "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in seed) + ".jpg"
    return image_model.objects.create(title=title, file=ImageFile(buffer, name=name))


def _grant_product_managers(sections: Any) -> None:
    """Product managers may edit and publish the catalogue sections (and their products)."""
    group = Group.objects.filter(name="Product managers").first()
    if group is None:
        return
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=PRODUCT_MANAGER_PAGE_PERMISSIONS
    )
    for section in sections:
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=section, permission=permission
            )


def _seed_applications() -> None:
    for reference, slug, name, phone, city, amount, status in DEMO_APPLICATIONS:
        product = ProductPage.objects.filter(slug=slug).first()
        if product is None:
            continue
        ProductApplication.objects.update_or_create(
            reference=reference,
            defaults={
                "product": product,
                "product_title": product.title,
                "applicant_name": name,
                "mobile_phone": phone,
                "city": city,
                "amount_requested": Decimal(amount) if amount else None,
                "preferred_contact_time": ContactTime.ANYTIME,
                "consent_to_contact": True,
                "status": status,
                "source": "demo",
            },
        )
