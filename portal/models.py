"""Site-wide pages (home, standard, news, knowledge) and the site settings.

The page tree editors can build:

    Root
    └── HomePage (one per site)
        ├── StandardPage (about us, legal notices...) ── StandardPage
        ├── NewsIndexPage ── NewsPage
        ├── KnowledgeIndexPage ── KnowledgePage
        └── pages of other apps (products' customer-group indexes, ...)

HomePage leaves `subpage_types` open so that other apps can place their index pages under it
with their own `parent_page_types`; our leaf types restrict themselves with `parent_page_types`.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page, Site, TranslatableMixin
from wagtail.search import index

from portal.blocks import (
    BodyBlock,
    FooterColumnBlock,
    HomeBodyBlock,
    LinkBlock,
    RelatedLinksBlock,
    SocialLinkBlock,
)
from portal.paging import page_of
from portal.search import searchable_text

#: The portal's brand: the name new site settings start with, and its msgid in every language.
BRAND_NAME_DEFAULT = "锦程银行"
DEFAULT_BRAND = gettext_noop("Jincheng Bank")


def _stream_text(stream: StreamField | None) -> list[str]:
    """The plain text of a StreamField value, as Wagtail's search would index it."""
    if not stream:
        return []
    return [str(text) for text in stream.stream_block.get_searchable_content(stream)]


class PortalPage(Page):
    """Abstract base of the portal's pages: a summary and Chinese-aware search text."""

    summary = models.TextField(
        _("summary"),
        blank=True,
        max_length=300,
        help_text=_("One or two sentences shown in lists, search results and link previews."),
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        # Title, summary and body with Chinese split into bigrams: see portal/search.py.
        index.SearchField("cjk_search_text"),
    ]

    class Meta:
        abstract = True

    def cjk_search_text(self) -> str:
        return searchable_text(self.title, self.summary, _stream_text(getattr(self, "body", None)))


class HomePage(PortalPage):
    """The portal's home page: hero, service entries, product highlights, news, promotions."""

    body = StreamField(
        HomeBodyBlock(),
        blank=True,
        verbose_name=_("body"),
        help_text=_("Sections of the home page, top to bottom."),
    )

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    template = "portal/home_page.html"

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*PortalPage.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = _("home page")


class StandardPage(PortalPage):
    """A page of text and figures: about us, service guides, legal notices."""

    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    parent_page_types = ["portal.HomePage", "portal.StandardPage"]
    subpage_types = ["portal.StandardPage"]
    template = "portal/standard_page.html"

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*PortalPage.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")


class NewsCategory(models.TextChoices):
    """The kinds of news the bank publishes."""

    ANNOUNCEMENT = "announcement", _("Announcement")
    BRAND_NEWS = "brand-news", _("Brand news")
    PUBLIC_NOTICE = "public-notice", _("Public notice")


class NewsIndexPage(PortalPage):
    """The news centre: every news item, newest first, filterable by category."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.NewsPage"]
    max_count_per_parent = 1
    template = "portal/news_index_page.html"

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("intro")]

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from portal.news import news_listing  # local: portal.news imports these models

        context = super().get_context(request, *args, **kwargs)
        listing = news_listing(self, request.GET.get("category"))
        context.update(
            categories=NewsCategory.choices,
            current_category=listing.category,
            page_obj=page_of(listing.items, request.GET.get("page"), per_page=10),
        )
        return context


class NewsPage(PortalPage):
    """One announcement, brand news item or public notice."""

    date = models.DateField(_("date"), default=timezone.localdate)
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=NewsCategory.choices,
        default=NewsCategory.ANNOUNCEMENT,
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional; shown at the top of the article and in lists."),
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    parent_page_types = ["portal.NewsIndexPage"]
    subpage_types: list[str] = []
    template = "portal/news_page.html"

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("date"), FieldPanel("category")], heading=_("Publication")),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *PortalPage.search_fields,
        index.SearchField("body"),
        index.FilterField("date"),
        index.FilterField("category"),
    ]

    class Meta:
        verbose_name = _("news page")


class KnowledgeTopic(models.TextChoices):
    """Topics of the knowledge base, in the order customers look for them."""

    ACCOUNTS = "accounts", _("Accounts and cards")
    DIGITAL = "digital", _("Online and mobile banking")
    CREDIT_CARDS = "credit-cards", _("Credit cards")
    LOANS = "loans", _("Loans")
    WEALTH = "wealth", _("Deposits and wealth management")
    SECURITY = "security", _("Security")
    FOREIGN_EXCHANGE = "foreign-exchange", _("Foreign exchange")


class KnowledgeIndexPage(PortalPage):
    """The knowledge base: questions customers ask, grouped by topic."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.KnowledgePage"]
    max_count_per_parent = 1
    template = "portal/knowledge_index_page.html"

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("intro")]

    class Meta:
        verbose_name = _("knowledge index")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from portal.knowledge import articles_by_topic  # local: it imports these models

        context = super().get_context(request, *args, **kwargs)
        context["topics"] = articles_by_topic(self, request.GET.get("topic"))
        context["all_topics"] = KnowledgeTopic.choices
        context["current_topic"] = request.GET.get("topic") or ""
        return context


class KnowledgePage(PortalPage):
    """One question-style article of the knowledge base (如何开通手机银行?).

    Kept to plain fields so other apps (the community's accepted answers) can create and link
    these pages from code: see `portal.knowledge.create_knowledge_page`.
    """

    topic = models.CharField(
        _("topic"), max_length=20, choices=KnowledgeTopic.choices, default=KnowledgeTopic.ACCOUNTS
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    related_links = StreamField(
        RelatedLinksBlock(),
        blank=True,
        verbose_name=_("related links"),
        help_text=_("Related questions, products or services shown after the answer."),
    )

    parent_page_types = ["portal.KnowledgeIndexPage"]
    subpage_types: list[str] = []
    template = "portal/knowledge_page.html"

    content_panels = [
        *Page.content_panels,
        FieldPanel("topic"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("related_links"),
    ]
    search_fields = [
        *PortalPage.search_fields,
        index.SearchField("body"),
        index.FilterField("topic"),
    ]

    class Meta:
        verbose_name = _("knowledge page")


@register_setting(icon="site")
class SiteSettings(TranslatableMixin, BaseSiteSetting):
    """The brand, contact details, navigation and footer of one site, edited in Settings.

    One row per site and language (i18n, docs/i18n.md): pages in a language show that
    language's row, else the default language's. Settings → Site settings edits the row of the
    admin's own language when the site has one.
    """

    # One per site and locale (Wagtail's is one per site).
    site: "models.ForeignKey[Site, Site]" = models.ForeignKey(
        Site, editable=False, on_delete=models.CASCADE, related_name="+"
    )

    brand_name = models.CharField(_("brand name"), max_length=60, default=BRAND_NAME_DEFAULT)
    brand_tagline = models.CharField(_("tagline"), max_length=80, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
        help_text=_("Shown in the header; the brand name is shown when empty."),
    )
    hotline = models.CharField(
        _("customer-service hotline"), max_length=30, default="95568", help_text=_("e.g. 95568")
    )
    service_hours = models.CharField(_("service hours"), max_length=60, blank=True)
    navigation = StreamField(
        [("link", LinkBlock())],
        blank=True,
        verbose_name=_("navigation"),
        help_text=_("Main menu, in order. Link to pages where they exist."),
    )
    footer_columns = StreamField(
        [("column", FooterColumnBlock())], blank=True, verbose_name=_("footer columns")
    )
    social_links = StreamField(
        [("social", SocialLinkBlock())], blank=True, verbose_name=_("social links")
    )
    legal_text = models.TextField(
        _("legal text"), blank=True, help_text=_("Copyright and risk notice in the footer.")
    )
    icp_number = models.CharField(
        _("ICP number"), max_length=60, blank=True, help_text=_("e.g. 京ICP备00000000号")
    )

    select_related = ["logo"]

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("brand_name"),
                    FieldPanel("brand_tagline"),
                    FieldPanel("logo"),
                    FieldPanel("hotline"),
                    FieldPanel("service_hours"),
                ],
                heading=_("Brand and contact"),
            ),
            ObjectList([FieldPanel("navigation")], heading=_("Navigation")),
            ObjectList(
                [
                    FieldPanel("footer_columns"),
                    FieldPanel("social_links"),
                    FieldPanel("legal_text"),
                    FieldPanel("icp_number"),
                ],
                heading=_("Footer"),
            ),
        ]
    )

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("site settings")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "locale"], name="portal_sitesettings_site_locale"
            )
        ]

    @classmethod
    def for_site(cls, site: Site | None) -> "SiteSettings":
        """The site's settings in the active language, else in the default language (created
        when the site has none). One query, as Wagtail's own."""
        if site is None:
            raise cls.DoesNotExist(f"{cls} does not exist for site None.")
        default = get_supported_content_language_variant(settings.LANGUAGE_CODE)
        try:
            active = get_supported_content_language_variant(get_language() or default)
        except LookupError:
            active = default
        rows = {
            row.locale.language_code: row
            for row in cls.base_queryset()
            .filter(site=site, locale__language_code__in={active, default})
            .select_related("locale")
        }
        found = rows.get(active) or rows.get(default)
        if found is None:
            found, _created = cls.base_queryset().get_or_create(
                site=site, locale=Locale.get_default()
            )
        return found

    def _in_active_language(self) -> bool:
        active = get_language() or settings.LANGUAGE_CODE
        try:
            active = get_supported_content_language_variant(active)
        except LookupError:
            return True
        return bool(self.locale.language_code == active)

    @property
    def display_brand_name(self) -> str:
        """The brand as the page's language names it.

        A language without its own settings row shows the default language's (``for_site``),
        whose brand is Chinese: the portal's own brand is then named in the page's language
        (Jincheng Bank on English pages). A brand an operator renamed is a proper name and shows
        as stored; an empty one shows the portal's.
        """
        stored = self.brand_name.strip()
        if not stored:
            return str(_(DEFAULT_BRAND))
        if self._in_active_language():
            return stored
        with translation.override(self.locale.language_code):
            own_brand = str(_(DEFAULT_BRAND))
        if stored in {own_brand, DEFAULT_BRAND, BRAND_NAME_DEFAULT}:
            return str(_(DEFAULT_BRAND))
        return stored

    @property
    def display_tagline(self) -> str:
        """The tagline on pages of the row's own language; none on other languages' pages, which
        borrow the row (a Chinese slogan under an English brand reads as a mistake)."""
        return self.brand_tagline if self._in_active_language() else ""
