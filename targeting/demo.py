"""Demo targeting content: the audiences of the source design, each with a live campaign.

Idempotent: re-running updates the rows in place (matched by slug) and reuses the generated
images. Runs after portal.demo and products.demo so calls to action can link to product pages.
"""

from __future__ import annotations

import io
import random
from typing import IO, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from wagtail.models import Locale

from targeting.models import Campaign, CampaignCreative, Creative, CrmMembership, Placement, Segment
from targeting.snapshot import bump_version
from targeting.tracking.models import CustomerProfile
from targeting.variants.actions import create_variant
from targeting.variants.models import PageVariant

PLACEMENTS = [
    {
        "slug": "home-hero",
        "name": "首页头图",
        "kind": "hero",
        "description": "首页顶部的大幅推广位。",
        "default_headline": "用心服务每一位客户",
        "default_body": "<p>存款、贷款、信用卡、理财，一站办理。</p>",
        "default_link_label": "查看全部产品",
        "default_link_url": "/products/",
    },
    {
        "slug": "home-strip",
        "name": "首页横条",
        "kind": "strip",
        "description": "首页中部的通栏提示。",
        "default_headline": "手机银行，随时随地",
        "default_body": "<p>转账、理财、缴费，7×24 小时在线。</p>",
        "default_link_label": "",
        "default_link_url": "",
    },
    {
        "slug": "product-sidebar",
        "name": "产品页侧栏",
        "kind": "sidebar",
        "description": "产品详情页右侧的推荐位。",
        "default_headline": "需要帮助？",
        "default_body": "<p>客服热线 95568，或到附近网点咨询。</p>",
        "default_link_label": "",
        "default_link_url": "",
    },
    {
        # The contact page's side slot (portal.demo puts it on 联系我们).
        "slug": "contact-side",
        "name": "联系我们侧栏",
        "kind": "sidebar",
        "description": "联系我们页面右侧的推荐位。",
        "default_headline": "预约网点服务",
        "default_body": "<p>线上预约大额取现、开户等业务，到店少排队。</p>",
        "default_link_label": "查找网点",
        "default_link_url": "/branches/",
    },
    {
        "slug": "forum-banner",
        "name": "社区横幅",
        "kind": "banner",
        "description": "社区页面顶部的横幅。",
        "default_headline": "欢迎来到客户社区",
        "default_body": "<p>提问、分享经验，专业人员为您解答。</p>",
        "default_link_label": "",
        "default_link_url": "",
    },
]

#: (segment, campaign, creative) of each audience in the source design.
AUDIENCES: list[dict[str, Any]] = [
    {
        "slug": "mobile-sichuan-evening",
        "name": "四川晚间手机访客",
        "description": "晚上 18-23 点用手机访问的四川访客。",
        "rule": {
            "all": [
                {"attr": "device.type", "op": "eq", "value": "mobile"},
                {"attr": "geo.region", "op": "eq", "value": "CN-SC"},
                {"attr": "time.hour", "op": "between", "value": [18, 23]},
            ]
        },
        "placements": ["home-hero"],
        "priority": 30,
        "headline": "成都夜生活，刷卡享五折",
        "body": "<p>每晚 18 点后在川内合作商户用信用卡消费，享受餐饮五折优惠。</p>",
        "cta": "立即了解",
        "product": ("credit_card", None),
        "colours": ((196, 30, 58), (255, 179, 71)),
    },
    {
        "slug": "baidu-credit-card",
        "name": "百度搜索“信用卡”的访客",
        "description": "从百度搜索含“信用卡”的关键词而来。",
        "rule": {
            "all": [
                {"attr": "source.search_engine", "op": "eq", "value": "baidu"},
                {"attr": "source.keyword", "op": "contains", "value": "信用卡"},
            ]
        },
        "placements": ["home-hero"],
        "priority": 40,
        "headline": "新客办卡，首年免年费",
        "body": "<p>在线申请，最快当天审批，首刷礼等你拿。</p>",
        "cta": "在线申请信用卡",
        "product": ("credit_card", None),
        "colours": ((0, 82, 155), (90, 200, 250)),
    },
    {
        "slug": "weekend-wealth-browsers",
        "name": "周末浏览理财的访客",
        "description": "周末来访且浏览过理财产品。",
        "rule": {
            "all": [
                {"attr": "time.is_weekend", "op": "eq", "value": True},
                {"attr": "behaviour.categories", "op": "contains", "value": "wealth"},
            ]
        },
        "placements": ["home-strip", "product-sidebar"],
        "priority": 20,
        "headline": "周末理财，稳健增值",
        "body": "<p>低风险理财产品，周末也能轻松购买。理财非存款，投资需谨慎。</p>",
        "cta": "看看理财产品",
        "product": ("wealth", None),
        "colours": ((12, 110, 84), (180, 230, 160)),
    },
    {
        "slug": "high-income-prospects",
        "name": "高收入潜在私行客户",
        "description": "收入高但尚未持有私人银行服务。",
        "rule": {
            "all": [
                {"attr": "profile.income_band", "op": "in", "value": ["high", "very_high"]},
                {"not": {"attr": "profile.products", "op": "contains", "value": "private-banking"}},
            ]
        },
        "placements": ["home-hero"],
        "priority": 35,
        "headline": "私人银行，专属财富规划",
        "body": "<p>一对一客户经理，为您和家人量身定制资产配置方案。</p>",
        "cta": "预约私人银行顾问",
        "product": (None, "private_banking"),
        "colours": ((40, 30, 70), (212, 175, 55)),
    },
    {
        "slug": "small-business-owners",
        "name": "小微企业主",
        "description": "职业为企业主，或 CRM 标记为小微企业客户。",
        "rule": {
            "any": [
                {"attr": "profile.occupation", "op": "eq", "value": "business_owner"},
                {"attr": "crm.segments", "op": "contains", "value": "SME"},
            ]
        },
        "placements": ["home-strip", "product-sidebar"],
        "priority": 25,
        "headline": "小微企业贷款，随借随还",
        "body": "<p>纯信用、免抵押，最高 300 万元，按日计息。</p>",
        "cta": "了解小微贷款",
        "product": ("loan", "small_business"),
        "colours": ((230, 100, 20), (255, 220, 150)),
    },
    {
        "slug": "crm-vip",
        "name": "CRM 贵宾客户",
        "description": "CRM 导入的 VIP 客户。",
        "rule": {"attr": "crm.segments", "op": "contains", "value": "VIP"},
        "placements": ["home-hero"],
        "priority": 50,
        "headline": "尊敬的贵宾，专属礼遇已备好",
        "body": "<p>机场贵宾厅、专属客户经理与优先服务通道。</p>",
        "cta": "查看贵宾权益",
        "product": (None, "private_banking"),
        "colours": ((60, 20, 20), (200, 160, 90)),
    },
    {
        "slug": "first-time-visitors",
        "name": "首次来访的访客",
        "description": "到访不超过一天的新访客。",
        "rule": {"not": {"attr": "behaviour.visits", "op": "gt", "value": 1}},
        "placements": ["home-strip", "forum-banner"],
        "priority": 5,
        "headline": "初次见面，送您新人礼包",
        "body": "<p>开户即享存款加息券和手机银行新手任务奖励。</p>",
        "cta": "开启新手之旅",
        "product": ("deposit", None),
        "colours": ((0, 120, 160), (160, 230, 230)),
    },
]

DEMO_CUSTOMER = "vip-demo"
DEMO_CUSTOMER_NUMBER = "C0001001"


def seed(stdout: IO[str] | Any) -> None:
    """Create or refresh the demo placements, audiences, creatives, campaigns and customer."""
    placements = {}
    for data in PLACEMENTS:
        placement, _ = Placement.objects.in_default_locale().update_or_create(
            slug=data["slug"], defaults=data
        )
        placements[placement.slug] = placement
    for audience in AUDIENCES:
        segment = _publish_segment(audience)
        creative = _publish_creative(audience)
        _publish_campaign(audience, segment, creative, placements)
    _demo_customer()
    _seed_page_variant()
    bump_version()
    stdout.write(
        f"targeting: {len(PLACEMENTS)} placements, {len(AUDIENCES)} audiences with campaigns, "
        f"customer {DEMO_CUSTOMER!r} (no password; use the admin to impersonate)"
    )


def _publish_segment(audience: dict[str, Any]) -> Segment:
    segment = Segment.objects.filter(slug=audience["slug"]).first() or Segment(
        slug=audience["slug"]
    )
    segment.name = audience["name"]
    segment.description = audience["description"]
    segment.rule = audience["rule"]
    segment.enabled = True
    segment.save()
    segment.save_revision().publish()
    return segment


def _publish_creative(audience: dict[str, Any]) -> Creative:
    name = f"{audience['name']} · 创意"
    creative = Creative.objects.filter(name=name).first() or Creative(name=name)
    creative.headline = audience["headline"]
    creative.body = audience["body"]
    creative.cta_label = audience["cta"]
    page = _product_page(*audience["product"])
    creative.cta_page = page
    creative.cta_url = "" if page else "/products/"
    creative.image = _image(f"targeting-demo-{audience['slug']}", audience["colours"], 1200, 400)
    creative.mobile_image = _image(
        f"targeting-demo-{audience['slug']}-mobile", audience["colours"], 750, 750
    )
    creative.alt_text = "抽象装饰图案"
    creative.save()
    creative.save_revision().publish()
    return creative


def _publish_campaign(
    audience: dict[str, Any], segment: Segment, creative: Creative, placements: dict
) -> Campaign:
    slug = f"{audience['slug']}-campaign"
    campaign = Campaign.objects.filter(slug=slug).first() or Campaign(slug=slug)
    campaign.name = audience["headline"]
    campaign.description = audience["description"]
    campaign.priority = audience["priority"]
    campaign.weight = 1
    campaign.placements = [placements[p] for p in audience["placements"]]
    campaign.include_segments = [segment]
    campaign.exclude_segments = []
    campaign.campaign_creatives = [CampaignCreative(creative=creative, weight=1)]
    campaign.save()
    campaign.save_revision().publish()
    return campaign


#: The demo's page variant (issue 14 item 5b): the platinum card's page, for visitors who came
#: from a Baidu search for 信用卡, says so (the variant's summary; the rest is the page's copy).
VARIANT_PAGE_SLUG = "platinum-credit-card"
VARIANT_AUDIENCE = "baidu-credit-card"
VARIANT_SUMMARY = "百度搜索“信用卡”来的新朋友：在线申请白金信用卡，首年免年费，最快当天审批。"


def _seed_page_variant() -> PageVariant | None:
    """Create the variant through the editor's own action, once: a second seed finds it by page
    and audience and leaves it (and an editor's changes to it) alone."""
    try:
        model = apps.get_model("products", "ProductPage")
    except LookupError:
        return None
    # The Chinese page: an English translation has the same slug.
    pages = model.objects.live().filter(slug=VARIANT_PAGE_SLUG, locale=Locale.get_default())
    canonical = pages.order_by("path").first()
    segment = Segment.objects.filter(slug=VARIANT_AUDIENCE).first()
    if canonical is None or segment is None:
        return None
    link = PageVariant.objects.filter(canonical=canonical, segment=segment).first()
    if link is not None:
        return link
    link = create_variant(canonical, segment, None, priority=10)
    variant = link.variant.specific
    variant.summary = VARIANT_SUMMARY
    variant.save_revision().publish()
    return link


def _product_page(product_type: str | None, customer_group: str | None) -> Any:
    """A live product page of the demo catalogue matching the type/group, if products exist."""
    try:
        model = apps.get_model("products", "ProductPage")
    except LookupError:
        return None
    names = {f.name for f in model._meta.get_fields()}
    qs = model.objects.live()
    if product_type and "product_type" in names:
        qs = qs.filter(product_type=product_type)
    if customer_group:
        if "customer_group" in names:
            qs = qs.filter(customer_group=customer_group)
        else:
            parent = _index_for_group(customer_group)
            if parent is not None:
                qs = qs.descendant_of(parent)
    return qs.order_by("path").first()


def _index_for_group(group: str) -> Any:
    try:
        model = apps.get_model("products", "ProductIndexPage")
    except LookupError:
        return None
    if "customer_group" not in {f.name for f in model._meta.get_fields()}:
        return None
    return model.objects.filter(customer_group=group).first()


def _image(title: str, colours: tuple, width: int, height: int) -> Any:
    """An abstract picture (gradient and soft circles, no text), generated once and reused."""
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFilter
    from wagtail.images import get_image_model

    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing is not None:
        return existing
    start, end = colours
    picture = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(picture)
    for x in range(width):
        t = x / max(width - 1, 1)
        colour = tuple(int(start[i] + (end[i] - start[i]) * t) for i in range(3))
        draw.line([(x, 0), (x, height)], fill=colour)
    overlay = PILImage.new("RGBA", (width, height), (0, 0, 0, 0))
    odraw = ImageDraw.Draw(overlay)
    rng = random.Random(title)  # nosec B311 # the same picture on every run: artwork, no secret
    for _ in range(7):
        r = rng.randint(min(width, height) // 8, min(width, height) // 2)
        cx, cy = rng.randint(0, width), rng.randint(0, height)
        odraw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(255, 255, 255, rng.randint(25, 70)))
    overlay = overlay.filter(ImageFilter.GaussianBlur(radius=6))
    picture = PILImage.alpha_composite(picture.convert("RGBA"), overlay).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    image = image_model(title=title)
    image.file = ImageFile(buffer, name=f"{title}.jpg")
    image.save()
    return image


def _demo_customer() -> None:
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=DEMO_CUSTOMER, defaults={"first_name": "贵宾", "last_name": "演示"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    CustomerProfile.objects.update_or_create(
        user=user,
        defaults={
            "customer_number": DEMO_CUSTOMER_NUMBER,
            "is_customer": True,
            "age": 45,
            "gender": "female",
            "income_band": "very_high",
            "occupation": "business_owner",
            "region": "CN-SC",
            "products": ["debit-card", "wealth-steady"],
            "interests": ["wealth", "travel"],
            "risk_tolerance": 3,
        },
    )
    CrmMembership.objects.update_or_create(
        customer_ref=DEMO_CUSTOMER_NUMBER, code="VIP", defaults={"expires_at": None}
    )
