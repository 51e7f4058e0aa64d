"""Demo content of the site-wide pages, built idempotently by `manage.py seed_demo`.

Everything is looked up by slug (pages) or title (images) and updated in place; a page gets a
new published revision only when its content actually changed, so a second run changes nothing.
The bank, its texts and its pictures are fictional; the pictures are drawn here with Pillow.
"""

import io
import math
from collections.abc import Iterable
from datetime import date
from typing import Any, TextIO

from django.apps import apps as django_apps
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText

from portal.models import (
    HomePage,
    KnowledgeIndexPage,
    KnowledgePage,
    KnowledgeTopic,
    NewsCategory,
    NewsIndexPage,
    NewsPage,
    SiteSettings,
    StandardPage,
)

BRAND_NAME = "锦程银行"
HOTLINE = "95568"
DEFAULT_LANGUAGE = "zh-hans"
#: The complaints entry page (/complaints/), linked from the home page and the footer.
COMPLAINTS_SLUG = "complaints"

# Customer-group index pages the products app creates under the home page, in menu order.
CUSTOMER_GROUP_MENU = [
    ("个人业务", "personal"),
    ("公司业务", "corporate"),
    ("小微企业", "small-business"),
    ("私人银行", "private-banking"),
]


# -- helpers ---------------------------------------------------------------------------------


def _without_ids(data: Any) -> Any:
    """Stream data with the random block ids removed, for comparing content across runs."""
    if isinstance(data, dict):
        return {key: _without_ids(value) for key, value in data.items() if key != "id"}
    if isinstance(data, list):
        return [_without_ids(item) for item in data]
    return data


def _snapshot(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in names:
        value = getattr(obj, name)
        if hasattr(value, "stream_block"):
            value = _without_ids(value.stream_block.get_prep_value(value))
        elif hasattr(value, "pk"):
            value = value.pk
        values[name] = value
    return values


def _apply(obj: Any, fields: dict[str, Any]) -> bool:
    """Set fields on obj; whether anything really changed."""
    before = _snapshot(obj, fields)
    for name, value in fields.items():
        setattr(obj, name, value)
    return _snapshot(obj, fields) != before


def _upsert_page(parent: Page, model: type[Page], slug: str, **fields: Any) -> Page:
    """The live child page of `parent` with this slug, created or updated to `fields`."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page
    if _apply(page, fields) or not page.live or page.has_unpublished_changes:
        page.save_revision().publish()
    return page


#: The demo's promotion slots: placement slug -> its name (targeting's demo fills in the rest).
DEMO_PLACEMENTS = {
    "home-hero": "首页头图",
    "home-strip": "首页横条",
    "contact-side": "联系我们侧栏",
}


def promotion_slot(slug: str) -> tuple[str, dict[str, Any]]:
    """A promotion slot showing the placement ``slug``, chosen as editors choose it.

    The placement is created by slug when targeting's demo has not run yet (portal seeds first);
    ``targeting.demo`` then gives it its kind and default content. Looked up through the app
    registry: the portal knows placements only as the snippet its slots choose.
    """
    placement_model = django_apps.get_model("targeting", "Placement")
    placement, _created = placement_model.objects.get_or_create(
        slug=slug,
        locale=_default_locale(),
        defaults={"name": DEMO_PLACEMENTS.get(slug, slug)},
    )
    return ("promotion_slot", {"placement": placement, "missing_slug": ""})


def _with_placements(body: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """``body`` with each slot named by slug in ``STANDARD_PAGES`` turned into a chosen one."""
    return [
        promotion_slot(value["placement"])
        if kind == "promotion_slot" and isinstance(value.get("placement"), str)
        else (kind, value)
        for kind, value in body
    ]


def _rich(html: str) -> tuple[str, RichText]:
    return ("paragraph", RichText(html))


def _link(label: str, *, page: Page | None = None, url: str = "") -> dict[str, Any]:
    return {"label": label, "page": page, "url": url}


# -- images ----------------------------------------------------------------------------------


def _draw_image(size: tuple[int, int], colours: tuple[str, str], seed: int) -> bytes:
    """An abstract picture: a diagonal gradient with soft circles and arcs, no text."""
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFilter

    width, height = size
    start = tuple(int(colours[0][i : i + 2], 16) for i in (1, 3, 5))
    end = tuple(int(colours[1][i : i + 2], 16) for i in (1, 3, 5))
    gradient = PILImage.new("RGB", (256, 1))
    for x in range(256):
        t = x / 255
        gradient.putpixel(
            (x, 0), tuple(int(s + (e - s) * t) for s, e in zip(start, end, strict=True))
        )
    base = gradient.resize((width * 2, height * 2)).rotate(25, expand=False)
    base = base.crop((width // 2, height // 2, width // 2 + width, height // 2 + height))

    overlay = PILImage.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for index in range(7):
        angle = seed * 0.9 + index * 1.7
        radius = int(min(size) * (0.18 + 0.09 * ((index + seed) % 4)))
        cx = int(width * (0.55 + 0.4 * math.cos(angle)))
        cy = int(height * (0.5 + 0.45 * math.sin(angle * 1.3)))
        alpha = 28 + 12 * (index % 3)
        draw.ellipse(
            (cx - radius, cy - radius, cx + radius, cy + radius), fill=(255, 255, 255, alpha)
        )
    for index in range(3):
        inset = int(min(size) * (0.2 + 0.15 * index))
        draw.arc(
            (width - inset * 3, -inset, width + inset, inset * 2),
            start=90,
            end=260,
            fill=(255, 236, 200, 90),
            width=max(2, min(size) // 120),
        )
    overlay = overlay.filter(ImageFilter.GaussianBlur(radius=min(size) / 200))
    picture = PILImage.alpha_composite(base.convert("RGBA"), overlay).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


DEMO_IMAGES = {
    "hero": ((1600, 700), ("#7a1426", "#c2410c"), 1),
    "news-rates": ((1200, 675), ("#1d2b4f", "#2563eb"), 2),
    "news-service": ((1200, 675), ("#134e4a", "#0d9488"), 3),
    "news-brand": ((1200, 675), ("#9b1b30", "#b7791f"), 4),
}
#: What editors read in the image library for each demo picture (its title).
DEMO_IMAGE_NAMES = {
    "hero": "首页横幅",
    "news-rates": "利率新闻配图",
    "news-service": "服务新闻配图",
    "news-brand": "品牌新闻配图",
}


def demo_image(key: str) -> AbstractImage:
    """The demo picture `key`, drawn and stored on first use and reused afterwards."""
    from django.core.files.images import ImageFile

    image_model = get_image_model()
    title = f"演示图片 {DEMO_IMAGE_NAMES[key]}"
    existing = image_model.objects.filter(title=title).first()
    if existing is not None:
        return existing
    # Seeded before the titles were Chinese (演示图片 hero): renamed, not drawn again.
    earlier = image_model.objects.filter(title=f"演示图片 {key}").first()
    if earlier is not None:
        earlier.title = title
        earlier.save(update_fields=["title"])
        return earlier
    size, colours, seed = DEMO_IMAGES[key]
    data = _draw_image(size, colours, seed)
    image = image_model(title=title)
    image.file = ImageFile(io.BytesIO(data), name=f"demo-{key}.jpg")
    image.file_size = len(data)
    image.save()
    image._set_file_hash()
    image.save(update_fields=["file_hash"])
    return image


# -- site, home and settings -----------------------------------------------------------------


def _default_locale() -> Locale:
    locale, _created = Locale.objects.get_or_create(language_code=DEFAULT_LANGUAGE)
    return locale


def ensure_home_page(stdout: TextIO | None = None) -> HomePage:
    """The site's HomePage at /, replacing Wagtail's default "Welcome" page if it is still there."""
    locale = _default_locale()
    root = Page.get_first_root_node()
    # i18n: the Chinese home page; its English translation is a sibling (portal.demo_english).
    home = HomePage.objects.child_of(root).filter(locale=locale).first()
    if home is None:
        # Wagtail's initial "Welcome" page holds the slug "home" and the Site; move it aside.
        welcome = Page.objects.child_of(root).filter(slug="home").first()
        if welcome is not None:
            welcome.slug = "wagtail-welcome"
            welcome.save(update_fields=["slug"])
        home = HomePage(title=BRAND_NAME, slug="home", locale=locale)
        root.add_child(instance=home)
        home.save_revision().publish()
        if welcome is not None:
            Site.objects.filter(root_page=welcome).update(root_page=home)
            # Only Wagtail's own placeholder goes; a real page someone built there stays.
            if welcome.specific_class is Page and not welcome.get_children().exists():
                welcome.delete()
        if stdout:
            stdout.write("created the home page")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True
        )
    if site.root_page_id != home.pk or site.site_name != BRAND_NAME:
        site.root_page = home
        site.site_name = BRAND_NAME
        site.save()
    return home


def build_navigation() -> None:
    """Point the main menu at the sections that exist: customer groups, news, knowledge, community.

    Idempotent; the products demo calls it again once its customer-group pages exist, and a
    customer group whose page does not exist yet is left out rather than linked to a 404.
    """
    site = Site.objects.get(is_default_site=True)
    home = site.root_page
    items: list[tuple[str, dict[str, Any]]] = []
    for label, slug in CUSTOMER_GROUP_MENU:
        page = Page.objects.child_of(home).live().filter(slug=slug).first()
        if page is not None:
            items.append(("link", _link(label, page=page)))
    for label, model in (("新闻", NewsIndexPage), ("知识库", KnowledgeIndexPage)):
        page = model.objects.child_of(home).live().first()
        if page is not None:
            items.append(("link", _link(label, page=page)))
    items.append(("link", _link("社区", url="/community/")))
    settings = SiteSettings.for_site(site)
    if _apply(settings, {"navigation": items}) or settings.pk is None:
        settings.save()


def product_pages(limit: int = 4) -> list[Page]:
    """Live product pages to highlight on the home page (none before the products app seeds)."""
    return list(
        Page.objects.live()
        .filter(content_type__app_label="products", content_type__model="productpage")
        .order_by("path")[:limit]
    )


def _home_body(pages: dict[str, Page]) -> list[tuple[str, Any]]:
    def url_of(key: str) -> dict[str, Any]:
        return {"page": pages[key], "url": ""} if key in pages else {"page": None, "url": "/"}

    def entry(icon: str, label: str, *, key: str = "", url: str = "") -> dict[str, Any]:
        target = url_of(key) if key else {"page": None, "url": url}
        return {"icon": icon, "label": label, **target}

    body: list[tuple[str, Any]] = [
        promotion_slot("home-hero"),
        (
            "hero",
            {
                "heading": "让每一笔财富稳健成长",
                "text": "锦程银行为个人、企业与小微客户提供存款、贷款、信用卡与财富管理服务，"
                "手机银行 7×24 小时在线。",
                "image": pages.get("hero-image"),
                "call_to_action": {
                    "label": "开通手机银行",
                    "style": "primary",
                    **url_of("mobile-banking"),
                },
            },
        ),
        (
            "service_entries",
            {
                "heading": "便捷服务",
                "entries": [
                    entry("online-banking", "网上银行", key="online-banking"),
                    entry("mobile-banking", "手机银行", key="mobile-banking"),
                    entry("branch", "网点查询", key="branches"),
                    entry("exchange", "外汇牌价", key="exchange-rates"),
                    entry("chat", "在线客服", key="contact-us"),
                    entry("feedback", "投诉建议", key=COMPLAINTS_SLUG),
                ],
            },
        ),
    ]
    products = pages.get("products") or []
    if products:
        body.append(("product_highlights", {"heading": "精选产品", "products": products}))
    body += [
        promotion_slot("home-strip"),
        ("latest_news", {"heading": "最新动态", "count": 5}),
    ]
    return body


def build_home_page(home: HomePage) -> None:
    """Lay out the home page from the pages that exist (products included once seeded)."""
    pages: dict[str, Any] = {page.slug: page for page in StandardPage.objects.child_of(home).live()}
    pages["hero-image"] = demo_image("hero")
    pages["products"] = product_pages()
    fields = {
        "title": BRAND_NAME,
        "seo_title": f"{BRAND_NAME} - 个人银行、公司银行、信用卡与财富管理",
        "summary": "锦程银行官方网站：存款、贷款、信用卡、理财与便捷的网上银行服务。",
        "body": _home_body(pages),
    }
    home = HomePage.objects.get(pk=home.pk)
    if _apply(home, fields) or home.has_unpublished_changes:
        home.save_revision().publish()


def build_product_highlights() -> None:
    """Refresh the home page's product highlights; the products demo may call it at its end."""
    build_home_page(ensure_home_page())


def _build_settings(site: Site, pages: dict[str, Page]) -> None:
    def page_link(label: str, key: str) -> dict[str, Any]:
        return _link(label, page=pages[key]) if key in pages else _link(label, url="/")

    settings = SiteSettings.for_site(site)
    fields = {
        "brand_name": BRAND_NAME,
        "brand_tagline": "锦程银行 · 稳健、专业、贴心",
        "hotline": HOTLINE,
        "service_hours": "客服热线 7×24 小时服务",
        "footer_columns": [
            (
                "column",
                {
                    "heading": "关于我们",
                    "links": [
                        page_link("银行简介", "about"),
                        page_link("联系我们", "contact-us"),
                        page_link("网点查询", "branches"),
                    ],
                },
            ),
            (
                "column",
                {
                    "heading": "电子银行",
                    "links": [
                        page_link("网上银行", "online-banking"),
                        page_link("手机银行", "mobile-banking"),
                        page_link("外汇牌价", "exchange-rates"),
                    ],
                },
            ),
            (
                "column",
                {
                    "heading": "帮助中心",
                    "links": [
                        page_link("知识库", "knowledge"),
                        page_link("新闻公告", "news"),
                        page_link("投诉建议", COMPLAINTS_SLUG),
                        _link("全部产品", url="/products/"),
                        _link("隐私与个人信息", url="/account/profile/"),
                    ],
                },
            ),
        ],
        "social_links": [
            (
                "social",
                {"platform": "wechat", "label": "官方微信", "url": "https://example.com/wechat"},
            ),
            (
                "social",
                {"platform": "weibo", "label": "官方微博", "url": "https://example.com/weibo"},
            ),
        ],
        "legal_text": (
            "© 锦程银行（演示站点，虚构机构）版权所有。\n"
            "理财非存款，产品有风险，投资须谨慎。本网站内容仅为演示，不构成任何要约。"
        ),
        "icp_number": "示ICP备00000000号",
    }
    if _apply(settings, fields) or settings.pk is None:
        settings.save()


# -- content ---------------------------------------------------------------------------------

STANDARD_PAGES: list[dict[str, Any]] = [
    {
        "slug": "about",
        "title": "关于锦程银行",
        "summary": "锦程银行是一家虚构的全国性股份制商业银行，本站为开源门户的演示。",
        "body": [
            ("heading", {"text": "我们的使命", "level": "h2"}),
            _rich(
                "<p>以客户为中心，围绕主营业务开展营销，以新技术重塑服务。"
                "锦程银行为个人、公司、小微企业与私人银行客户提供全面的金融服务。</p>"
            ),
        ],
    },
    {
        "slug": "online-banking",
        "title": "网上银行",
        "summary": "转账汇款、账户查询、理财购买，足不出户办理银行业务。",
        "body": [
            _rich(
                "<p>个人网上银行支持账户查询、转账汇款、缴费支付、理财与基金购买等服务。"
                "首次登录请使用借记卡号与查询密码，并按提示设置登录密码。</p>"
            ),
            (
                "call_to_action",
                {"label": "如何开通", "page": None, "url": "/knowledge/", "style": "secondary"},
            ),
        ],
    },
    {
        "slug": "mobile-banking",
        "title": "手机银行",
        "summary": "随时随地，7×24 小时办理转账、理财、信用卡还款与生活缴费。",
        "body": [
            _rich(
                "<p>在手机应用商店搜索“锦程银行”下载手机银行，使用本人借记卡与预留手机号即可注册。</p>"
            ),
            (
                "faq",
                {
                    "heading": "常见问题",
                    "items": [
                        {
                            "question": "手机银行转账限额是多少？",
                            "answer": RichText(
                                "<p>使用短信验证码时单日累计 5 万元，使用数字证书时单日累计 50 万元。</p>"
                            ),
                        },
                        {
                            "question": "更换手机后怎么办？",
                            "answer": RichText(
                                "<p>在新手机登录时通过短信验证码与人脸识别完成设备绑定即可。</p>"
                            ),
                        },
                    ],
                },
            ),
        ],
    },
    {
        "slug": "branches",
        "title": "网点查询",
        "summary": "全国营业网点与自助设备的地址与营业时间。",
        "body": [
            (
                "table",
                {
                    "data": [
                        ["网点", "地址", "营业时间"],
                        ["北京朝阳支行", "北京市朝阳区示范路 1 号", "周一至周日 9:00-17:00"],
                        ["上海浦东支行", "上海市浦东新区样例大道 88 号", "周一至周五 9:00-17:00"],
                        ["成都高新支行", "成都市高新区演示街 66 号", "周一至周六 9:00-17:00"],
                    ],
                    "first_row_is_table_header": True,
                    "first_col_is_header": True,
                    "table_caption": "部分营业网点",
                },
            ),
        ],
    },
    {
        "slug": "exchange-rates",
        "title": "外汇牌价",
        "summary": "主要外币的现汇与现钞买入卖出价（演示数据，每 100 外币折合人民币）。",
        "body": [
            (
                "table",
                {
                    "data": [
                        ["币种", "现汇买入价", "现钞买入价", "现汇卖出价", "现钞卖出价"],
                        ["美元 USD", "710.52", "704.74", "713.51", "713.51"],
                        ["欧元 EUR", "771.30", "747.31", "777.00", "779.50"],
                        ["港币 HKD", "91.01", "90.29", "91.37", "91.37"],
                        ["日元 JPY", "4.7511", "4.6034", "4.7860", "4.7860"],
                    ],
                    "first_row_is_table_header": True,
                    "first_col_is_header": True,
                    "table_caption": "外汇牌价（演示数据）",
                },
            ),
            _rich("<p>以上牌价仅供参考，以实际交易时为准。</p>"),
        ],
    },
    {
        "slug": "contact-us",
        "title": "联系我们",
        "summary": "客服热线 95568，7×24 小时为您服务；也可在线留言或到网点咨询。",
        "body": [
            _rich(
                '<p>客服热线：<a href="tel:95568">95568</a>（7×24 小时）。信用卡专线：400-000-0000。</p>'
            ),
            ("promotion_slot", {"placement": "contact-side"}),
        ],
    },
    {
        # The complaints entry page (issue 12): linked from the home page and the footer.
        "slug": COMPLAINTS_SLUG,
        "title": "投诉与建议",
        "summary": "如何向锦程银行投诉、处理时限与进度查询：客服热线 95568，受理后 15 日内答复。",
        "body": [
            _rich(
                "<p>对我们的产品或服务不满意，请告诉我们。投诉免费，我们会认真核实、及时答复，"
                "并保护您的个人信息。</p>"
            ),
            ("heading", {"text": "投诉渠道", "level": "h2"}),
            _rich(
                "<ul>"
                '<li><b>客服热线</b>：<a href="tel:95568">95568</a>（7×24 小时），按提示转人工服务。</li>'
                "<li><b>网上投诉</b>：登录后在线填写，可上传照片或 PDF 凭证。</li>"
                "<li><b>营业网点</b>：到任一网点向大堂经理提出，工作人员当场登记并打印回执。</li>"
                "</ul>"
            ),
            (
                "call_to_action",
                {
                    "label": "在线投诉",
                    "page": None,
                    "url": "/community/complaints/new/",
                    "style": "primary",
                },
            ),
            (
                "call_to_action",
                {
                    "label": "查询投诉进度",
                    "page": None,
                    "url": "/community/complaints/lookup/",
                    "style": "secondary",
                },
            ),
            ("heading", {"text": "处理流程与时限", "level": "h2"}),
            _rich(
                "<ol>"
                "<li><b>受理</b>：收到投诉后立即生成受理编号（以 TS 开头），通过短信或站内消息告知您。</li>"
                "<li><b>首次联系</b>：客服专员在 24 小时内与您联系，核实情况。</li>"
                "<li><b>处理决定</b>：自受理之日起 15 日内作出处理决定并告知您；情况复杂的，"
                "经批准可延长至 30 日，我们会告知延长理由。</li>"
                "<li><b>申请核查</b>：对处理决定有异议的，可自收到决定之日起 30 日内申请核查，"
                "我们将在 30 日内答复。</li>"
                "</ol>"
            ),
            ("heading", {"text": "查询投诉进度", "level": "h2"}),
            _rich(
                "<p>网上投诉的客户可登录后在“我的投诉”中查看。通过电话或网点投诉的客户，"
                "可凭受理编号和登记的手机号，在“查询投诉进度”页面获取短信验证码后查看。</p>"
            ),
            ("heading", {"text": "对处理结果不满意", "level": "h2"}),
            _rich(
                "<p>您可以向国家金融监督管理总局及其派出机构反映，"
                '金融消费者权益保护热线：<a href="tel:12378">12378</a>；'
                "也可申请银行业保险业纠纷调解组织调解，或依法申请仲裁、提起诉讼。</p>"
            ),
        ],
    },
]

NEWS_ITEMS: list[dict[str, Any]] = [
    {
        "slug": "deposit-rate-adjustment",
        "title": "关于调整人民币存款利率的公告",
        "date": date(2026, 11, 20),
        "category": NewsCategory.ANNOUNCEMENT,
        "summary": "自 2026 年 11 月 21 日起，我行调整人民币存款挂牌利率。",
        "image": "news-rates",
        "body": [
            _rich(
                "<p>尊敬的客户：根据市场利率变化，自 2026 年 11 月 21 日起，我行调整人民币存款挂牌利率，具体如下。</p>"
            ),
            (
                "table",
                {
                    "data": [
                        ["期限", "调整后年利率（%）"],
                        ["活期", "0.10"],
                        ["一年期定期", "1.35"],
                        ["三年期定期", "1.75"],
                    ],
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                    "table_caption": "人民币存款挂牌利率",
                },
            ),
            _rich("<p>调整前已存入的定期存款，在原定存期内利率不变。感谢您的支持！</p>"),
        ],
    },
    {
        "slug": "system-maintenance-2026-11",
        "title": "系统升级维护公告",
        "date": date(2026, 11, 18),
        "category": NewsCategory.ANNOUNCEMENT,
        "summary": "11 月 23 日 0:00-6:00 系统升级，期间网上银行与手机银行暂停服务。",
        "image": "news-service",
        "body": [
            _rich(
                "<p>为提升服务质量，我行将于 2026 年 11 月 23 日 0:00 至 6:00 进行系统升级。期间网上银行、手机银行、自助设备的部分功能暂停服务，给您带来不便，敬请谅解。</p>"
            )
        ],
    },
    {
        "slug": "mobile-banking-8",
        "title": "锦程银行手机银行 8.0 全新上线",
        "date": date(2026, 11, 12),
        "category": NewsCategory.BRAND_NEWS,
        "summary": "全新界面、智能客服与适老化大字版，让金融服务更简单。",
        "image": "news-brand",
        "body": [
            _rich(
                "<p>锦程银行手机银行 8.0 正式上线，新增智能客服、账户总览、大字版与无障碍模式，转账与理财流程全面简化。</p>"
            )
        ],
    },
    {
        "slug": "anti-fraud-notice",
        "title": "关于防范电信网络诈骗的风险提示",
        "date": date(2026, 11, 8),
        "category": NewsCategory.PUBLIC_NOTICE,
        "summary": "银行工作人员不会索要您的验证码与密码，请警惕冒充客服的诈骗。",
        "image": None,
        "body": [
            _rich(
                "<p>近期冒充银行客服、冒充公检法的诈骗案件多发。请牢记：银行不会通过电话或短信索要密码、验证码，也不会要求您向“安全账户”转账。如有疑问，请拨打 95568 核实。</p>"
            )
        ],
    },
    {
        "slug": "small-business-loan-forum",
        "title": "锦程银行举办小微企业金融服务对接会",
        "date": date(2026, 10, 28),
        "category": NewsCategory.BRAND_NEWS,
        "summary": "百余家小微企业参会，现场授信意向金额逾 3 亿元。",
        "image": "news-brand",
        "body": [
            _rich(
                "<p>锦程银行在成都举办小微企业金融服务对接会，介绍线上信用贷、发票贷等产品，现场达成授信意向逾 3 亿元。</p>"
            )
        ],
    },
    {
        "slug": "fee-disclosure-2026",
        "title": "服务价格信息公示",
        "date": date(2026, 10, 15),
        "category": NewsCategory.PUBLIC_NOTICE,
        "summary": "依据相关规定，公示我行各项服务收费项目、标准与依据。",
        "image": None,
        "body": [
            _rich(
                "<p>依据《商业银行服务价格管理办法》，现将我行服务价格信息予以公示。个人客户通过手机银行、网上银行办理境内人民币转账免收手续费。</p>"
            )
        ],
    },
    {
        "slug": "holiday-service-hours",
        "title": "元旦假期营业安排公告",
        "date": date(2026, 10, 8),
        "category": NewsCategory.ANNOUNCEMENT,
        "summary": "元旦假期期间部分网点调整营业时间，电子渠道正常服务。",
        "image": "news-service",
        "body": [
            _rich(
                "<p>元旦假期期间，我行部分营业网点调整营业时间，手机银行、网上银行与自助设备正常提供服务。</p>"
            )
        ],
    },
]

KNOWLEDGE_ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "open-mobile-banking",
        "title": "如何开通手机银行？",
        "topic": KnowledgeTopic.DIGITAL,
        "summary": "下载应用，用本人借记卡与预留手机号注册，几分钟即可开通。",
        "body": "<p>1. 在应用商店搜索“锦程银行”并下载；</p><p>2. 点击“注册”，输入本人借记卡号与预留手机号；</p><p>3. 完成短信验证与人脸识别，设置登录密码。</p>",
        "related": [("手机银行", "mobile-banking")],
    },
    {
        "slug": "credit-card-repayment",
        "title": "信用卡还款方式有哪些？",
        "topic": KnowledgeTopic.CREDIT_CARDS,
        "summary": "手机银行、自动还款、网点柜台与他行转账均可还款。",
        "body": "<p>您可通过手机银行“信用卡还款”、绑定借记卡自动还款、网点柜台或自助设备还款。请在到期还款日前还清最低还款额，以免影响信用记录。</p>",
        "related": [],
    },
    {
        "slug": "forgot-login-password",
        "title": "忘记登录密码怎么办？",
        "topic": KnowledgeTopic.SECURITY,
        "summary": "在登录页点击“忘记密码”，验证身份后即可重置。",
        "body": "<p>在手机银行或网上银行登录页点击“忘记密码”，输入证件号码与借记卡号，完成短信验证后设置新密码。</p>",
        "related": [("网上银行", "online-banking")],
    },
    {
        "slug": "report-lost-card",
        "title": "银行卡丢失如何挂失？",
        "topic": KnowledgeTopic.ACCOUNTS,
        "summary": "立即拨打 95568 或在手机银行办理临时挂失，再到网点补卡。",
        "body": "<p>发现银行卡丢失，请立即拨打 95568 或登录手机银行办理口头挂失，之后 5 日内携带身份证到任一网点办理正式挂失与补卡。</p>",
        "related": [("网点查询", "branches")],
    },
    {
        "slug": "transfer-limits",
        "title": "转账限额是多少？如何调整？",
        "topic": KnowledgeTopic.DIGITAL,
        "summary": "限额与认证方式有关，可在手机银行“安全中心”调整。",
        "body": "<p>使用短信验证码时单日累计 5 万元；使用数字证书或 U 盾时单日累计最高 500 万元。可在手机银行“安全中心-限额管理”中调整。</p>",
        "related": [],
    },
    {
        "slug": "open-account",
        "title": "如何开立个人银行账户？",
        "topic": KnowledgeTopic.ACCOUNTS,
        "summary": "携带本人有效身份证件到网点办理，或通过手机银行开立电子账户。",
        "body": "<p>开立一类账户请携带本人有效身份证件到网点办理；二、三类电子账户可在手机银行在线开立，绑定本人其他银行账户即可使用。</p>",
        "related": [],
    },
    {
        "slug": "fixed-deposit-early-withdrawal",
        "title": "定期存款可以提前支取吗？",
        "topic": KnowledgeTopic.WEALTH,
        "summary": "可以，提前支取部分按支取日活期利率计息。",
        "body": "<p>定期存款可全部或部分提前支取一次，提前支取部分按支取日挂牌活期利率计息，未支取部分按原存单利率计息。</p>",
        "related": [],
    },
    {
        "slug": "wealth-risk-level",
        "title": "理财产品的风险等级是什么意思？",
        "topic": KnowledgeTopic.WEALTH,
        "summary": "产品按 R1 至 R5 分级，请选择与您风险承受能力相匹配的产品。",
        "body": "<p>理财产品按风险由低到高分为 R1（谨慎型）至 R5（激进型）。购买前需完成风险承受能力评估，只能购买不高于自身评估等级的产品。</p>",
        "related": [],
    },
    {
        "slug": "personal-loan-documents",
        "title": "申请个人贷款需要准备哪些材料？",
        "topic": KnowledgeTopic.LOANS,
        "summary": "身份证件、收入证明、用途证明，房贷还需购房合同。",
        "body": "<p>一般需要本人身份证件、收入证明或银行流水、贷款用途证明；申请住房贷款还需提供购房合同与首付款凭证。</p>",
        "related": [],
    },
    {
        "slug": "foreign-exchange-quota",
        "title": "个人购汇额度是多少？",
        "topic": KnowledgeTopic.FOREIGN_EXCHANGE,
        "summary": "每人每年便利化额度为等值 5 万美元。",
        "body": "<p>境内个人每人每年购汇便利化额度为等值 5 万美元，可通过手机银行或网点办理，需如实申报用途。</p>",
        "related": [("外汇牌价", "exchange-rates")],
    },
]


def _build_news(index: NewsIndexPage) -> None:
    for item in NEWS_ITEMS:
        image_key = item["image"]
        _upsert_page(
            index,
            NewsPage,
            item["slug"],
            title=item["title"],
            date=item["date"],
            category=item["category"],
            summary=item["summary"],
            image=demo_image(image_key) if image_key else None,
            body=item["body"],
        )


def _build_knowledge(index: KnowledgeIndexPage, pages: dict[str, Page]) -> None:
    for article in KNOWLEDGE_ARTICLES:
        related = [
            ("link", _link(label, page=pages[key]))
            for label, key in article["related"]
            if key in pages
        ]
        _upsert_page(
            index,
            KnowledgePage,
            article["slug"],
            title=article["title"],
            topic=article["topic"],
            summary=article["summary"],
            body=[_rich(article["body"])],
            related_links=related,
        )


def seed(stdout: TextIO) -> None:
    """Create or refresh the home page, site settings, standard, news and knowledge pages."""
    with transaction.atomic():
        home = ensure_home_page(stdout)
        site = Site.objects.get(is_default_site=True)
        pages: dict[str, Page] = {}
        for spec in STANDARD_PAGES:
            spec = dict(spec)
            slug = spec.pop("slug")
            if "body" in spec:
                spec["body"] = _with_placements(spec["body"])
            pages[slug] = _upsert_page(home, StandardPage, slug, **spec)
        news_index = _upsert_page(
            home,
            NewsIndexPage,
            "news",
            title="新闻公告",
            summary="锦程银行公告、品牌新闻与信息公示。",
        )
        pages["news"] = news_index
        _build_news(news_index)
        knowledge_index = _upsert_page(
            home,
            KnowledgeIndexPage,
            "knowledge",
            title="知识库",
            summary="开户、电子银行、信用卡、贷款与理财的常见问题解答。",
        )
        pages["knowledge"] = knowledge_index
        _build_knowledge(knowledge_index, pages)
        build_home_page(home)
        _build_settings(site, pages)
        build_navigation()
    stdout.write(
        f"portal: {len(NEWS_ITEMS)} news items, {len(KNOWLEDGE_ARTICLES)} knowledge articles, "
        f"{len(STANDARD_PAGES)} standard pages"
    )
