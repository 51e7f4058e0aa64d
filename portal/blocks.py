"""StreamField blocks of the site-wide pages: home page sections and the standard page body.

Each block names its template in `templates/blocks/` and tells editors what it is for. Blocks
whose fields depend on each other (a link is a page *or* an address, never both) check that in
`clean()` so editors see the mistake next to the field instead of a broken link on the site.
"""

import copy
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock
from wagtail_localize.segments import StringSegmentValue  # type: ignore[import-untyped]

from targeting.blocks import AudienceBlock

# An editor may link to a path on this site ("/community/") or to an absolute web address.
_LINK_PATTERN = re.compile(r"^(/[^\s]*|https?://[^\s]+|tel:[0-9+\-]+|mailto:[^\s]+)$")


class LinkValue(blocks.StructValue):
    """A link's value with the address the template should use, whichever way it was given."""

    @property
    def href(self) -> str:
        page = self.get("page")
        if page is not None:
            # The chooser bulk-loads base Page rows, one query per stream; `specific_deferred`
            # gives the page's own class (which decides its URL) without a query per link, as
            # `specific` would: the header and footer menus made one query for each link.
            return page.specific_deferred.url or ""
        return self.get("url") or ""

    @property
    def text(self) -> str:
        page = self.get("page")
        return self.get("label") or (page.title if page is not None else "")


def _clean_link(value: Any, *, required: bool) -> None:
    """Require exactly one of page and url (or neither, when the link is optional)."""
    errors: dict[str, ValidationError] = {}
    page, url = value.get("page"), value.get("url")
    if page and url:
        errors["url"] = ValidationError(_("Choose a page or enter an address, not both."))
    elif required and not page and not url:
        errors["page"] = ValidationError(_("Choose a page or enter an address."))
    if url and not _LINK_PATTERN.match(url):
        errors["url"] = ValidationError(
            _("Enter a path starting with / or a full address starting with https://.")
        )
    if errors:
        raise StructBlockValidationError(block_errors=errors)


class LinkBlock(blocks.StructBlock):
    """A labelled link to a page of the site or to an address."""

    label = blocks.CharBlock(
        max_length=40,
        required=False,
        help_text=_("Text of the link. Leave empty to use the chosen page's title."),
        label=_("Link text"),
    )
    page = blocks.PageChooserBlock(
        required=False, help_text=_("A page of this site."), label=_("Page")
    )
    url = blocks.CharBlock(
        required=False,
        max_length=300,
        help_text=_("Or an address: /community/ or https://... Use only when there is no page."),
        label=_("Address"),
    )

    class Meta:
        icon = "link"
        value_class = LinkValue
        template = "blocks/link_block.html"
        label = _("Link")

    def clean(self, value: LinkValue) -> LinkValue:
        value = super().clean(value)
        _clean_link(value, required=True)
        if not value.get("label") and not value.get("page"):
            raise StructBlockValidationError(
                block_errors={"label": ValidationError(_("A link to an address needs a label."))}
            )
        return value


class CallToActionBlock(blocks.StructBlock):
    """A prominent button leading to the next step (apply, open an account, call us)."""

    label = blocks.CharBlock(
        max_length=30,
        required=False,
        help_text=_("Button text, e.g. 立即申请."),
        label=_("Button text"),
    )
    page = blocks.PageChooserBlock(
        required=False, help_text=_("Where the button leads."), label=_("Page")
    )
    url = blocks.CharBlock(
        required=False,
        max_length=300,
        help_text=_("Or an address (/path, https://..., tel:95568) when there is no page."),
        label=_("Address"),
    )
    style = blocks.ChoiceBlock(
        choices=[("primary", _("Primary")), ("secondary", _("Secondary"))],
        default="primary",
        help_text=_("Use one primary button per section."),
        label=_("Style"),
    )

    class Meta:
        icon = "pick"
        value_class = LinkValue
        template = "blocks/call_to_action_block.html"
        label = _("Call to action")
        # A hero may go without a button: CallToActionBlock(required=False) accepts all-empty.
        required = True

    def clean(self, value: LinkValue) -> LinkValue:
        value = super().clean(value)
        is_empty = not (value.get("label") or value.get("page") or value.get("url"))
        if is_empty and not self.meta.required:
            return value
        if not value.get("label"):
            raise StructBlockValidationError(
                block_errors={"label": ValidationError(_("Enter the button text."))}
            )
        _clean_link(value, required=True)
        return value


class HeadingBlock(blocks.StructBlock):
    """A section heading inside a page body."""

    text = blocks.CharBlock(max_length=120, label=_("Heading text"))
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Section (H2)")), ("h3", _("Subsection (H3)"))],
        default="h2",
        help_text=_("The page title is the only H1; start sections at H2."),
        label=_("Level"),
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        label = _("Heading")


class ImageWithCaptionBlock(blocks.StructBlock):
    """An image with a caption and text for screen readers."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        required=False,
        max_length=200,
        help_text=_("Describe the image for people who cannot see it; empty if decorative."),
        label=_("Alternative text"),
    )
    caption = blocks.CharBlock(required=False, max_length=200, label=_("Caption"))

    class Meta:
        icon = "image"
        template = "blocks/image_with_caption_block.html"
        label = _("Image")


class FAQItemBlock(blocks.StructBlock):
    """One question and its answer."""

    question = blocks.CharBlock(max_length=200, label=_("Question"))
    answer = blocks.RichTextBlock(
        features=["h3", "h4", "bold", "italic", "ol", "ul", "link"], label=_("Answer")
    )

    class Meta:
        icon = "help"
        label = _("Question")


class FAQBlock(blocks.StructBlock):
    """Questions and answers that open one at a time (an accordion of details/summary).

    The portal's one FAQ block: standard pages use it as it is, product pages with their own
    template. It works without JavaScript.
    """

    heading = blocks.CharBlock(required=False, max_length=120, label=_("Heading"))
    items = blocks.ListBlock(FAQItemBlock(), min_num=1, label=_("Questions and answers"))

    class Meta:
        icon = "list-ul"
        template = "blocks/faq_block.html"
        label = _("FAQ")


class PromotionSlotBlock(blocks.StructBlock):
    """A place where the targeting engine shows a promotion chosen for the visitor.

    Editors choose the placement (a targeting snippet) with the snippet chooser; marketers
    decide what it shows. It renders the targeting ``{% placement %}`` slot inside
    ``<div class="promo-slot" data-placement="<slug>">``, and nothing at all when no placement
    is chosen or the chosen one was deleted (never an error on the page).

    ``missing_slug`` keeps what a slot named before slots chose placements, when no placement
    had that slug (migration ``0003``): the editor sees it and chooses one; it renders nothing.
    """

    placement = SnippetChooserBlock(
        "targeting.Placement",
        required=False,
        label=_("Placement"),
        help_text=_("Marketers choose what this slot shows, per audience, under Marketing."),
    )
    missing_slug = blocks.CharBlock(
        required=False,
        max_length=80,
        label=_("Placement not found"),
        help_text=_(
            "This slot named a placement that does not exist, so it shows nothing. Choose a "
            "placement above and clear this field, or delete the slot."
        ),
    )

    class Meta:
        icon = "radio-full"
        template = "blocks/promotion_slot_block.html"
        label = _("Promotion slot")

    def clean(self, value: blocks.StructValue) -> blocks.StructValue:
        value = super().clean(value)
        if value.get("placement") is None and not value.get("missing_slug"):
            raise StructBlockValidationError(
                block_errors={"placement": ValidationError(_("Choose a placement."))}
            )
        return value


class HeroBlock(blocks.StructBlock):
    """The large opening banner of the home page."""

    heading = blocks.CharBlock(
        max_length=60, help_text=_("A short promise, 8-20 characters."), label=_("Heading")
    )
    text = blocks.TextBlock(required=False, max_length=200, label=_("Text"))
    image = ImageChooserBlock(
        required=False, help_text=_("Wide image, at least 1600x700."), label=_("Image")
    )
    call_to_action = CallToActionBlock(required=False)

    class Meta:
        icon = "image"
        template = "blocks/hero_block.html"
        label = _("Hero")


SERVICE_ICONS = [
    ("online-banking", _("Online banking")),
    ("mobile-banking", _("Mobile banking")),
    ("branch", _("Branches")),
    ("exchange", _("Exchange rates")),
    ("chat", _("Customer service")),
    ("feedback", _("Complaints and suggestions")),
    ("card", _("Cards")),
    ("loan", _("Loans")),
    ("wealth", _("Wealth")),
    ("calculator", _("Calculators")),
]


class ServiceEntryBlock(LinkBlock):
    """One entry of the service grid: an icon, a label and where it leads."""

    icon = blocks.ChoiceBlock(choices=SERVICE_ICONS, default="online-banking", label=_("Icon"))

    class Meta:
        icon = "grip"
        value_class = LinkValue
        label = _("Service entry")


class ServiceEntriesBlock(blocks.StructBlock):
    """A grid of quick entries to the bank's services (online banking, branches, rates...)."""

    heading = blocks.CharBlock(required=False, max_length=60, label=_("Heading"))
    entries = blocks.ListBlock(
        ServiceEntryBlock(), min_num=2, max_num=12, label=_("Service entries")
    )

    class Meta:
        icon = "grip"
        template = "blocks/service_entries_block.html"
        label = _("Service entries")


class ProductHighlightsBlock(blocks.StructBlock):
    """A row of chosen product pages, shown as cards."""

    heading = blocks.CharBlock(max_length=60, label=_("Heading"))
    products = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="products.ProductPage"),
        min_num=1,
        max_num=8,
        help_text=_("Choose product pages; they show with their title and summary."),
        label=_("Products"),
    )

    class Meta:
        icon = "tag"
        template = "blocks/product_highlights_block.html"
        label = _("Product highlights")


class LatestNewsBlock(blocks.StructBlock):
    """The newest news items, chosen automatically."""

    heading = blocks.CharBlock(max_length=60, label=_("Heading"))
    count = blocks.IntegerBlock(min_value=1, max_value=12, default=4, label=_("Number of items"))

    class Meta:
        icon = "date"
        template = "blocks/latest_news_block.html"
        label = _("Latest news")

    def get_context(self, value: blocks.StructValue, parent_context: dict | None = None) -> dict:
        # local: a circle: portal.news imports portal.models, which imports these blocks
        from portal.news import latest_news

        context = super().get_context(value, parent_context=parent_context)
        context["news_items"] = latest_news(value["count"])
        return context


class HomeSectionsBlock(blocks.StreamBlock):
    """Home page sections an audience block may hold (the page's one hero stays outside)."""

    promotion_slot = PromotionSlotBlock()
    service_entries = ServiceEntriesBlock()
    product_highlights = ProductHighlightsBlock()
    latest_news = LatestNewsBlock()
    call_to_action = CallToActionBlock()


class HomeBodyBlock(blocks.StreamBlock):
    """The sections of the home page, in the order editors arrange them."""

    hero = HeroBlock()
    promotion_slot = PromotionSlotBlock()
    service_entries = ServiceEntriesBlock()
    product_highlights = ProductHighlightsBlock()
    latest_news = LatestNewsBlock()
    call_to_action = CallToActionBlock()
    audience = AudienceBlock(HomeSectionsBlock())

    class Meta:
        block_counts = {"hero": {"max_num": 1}}


class PortalTableBlock(TableBlock):
    """A table of figures (rates, fees, opening hours) that scrolls on narrow screens.

    Translatable with wagtail-localize, which extracts nothing from a TableBlock by itself: the
    caption and every cell with words in it are segments (cells of bare figures are not)."""

    class Meta:
        icon = "table"
        template = "blocks/table_block.html"
        label = _("Table")

    def get_translatable_segments(self, value: Any) -> list[StringSegmentValue]:
        if not isinstance(value, dict):
            return []
        segments = []
        caption = value.get("table_caption")
        if isinstance(caption, str) and _has_words(caption):
            segments.append(StringSegmentValue("table_caption", caption))
        for row_index, row in enumerate(value.get("data") or []):
            for column, cell in enumerate(row or []):
                if isinstance(cell, str) and _has_words(cell):
                    segments.append(StringSegmentValue(f"data.{row_index}.{column}", cell))
        return segments

    def restore_translated_segments(self, value: Any, segments: list[Any]) -> Any:
        value = copy.deepcopy(value)
        for segment in segments:
            text = segment.render_text()
            if segment.path == "table_caption":
                value["table_caption"] = text
                continue
            _data, row_index, column = segment.path.split(".")
            value["data"][int(row_index)][int(column)] = text
        return value


def _has_words(text: str) -> bool:
    """Whether a cell has something to translate (not only figures, signs and spaces)."""
    return any(char.isalpha() for char in text)


class BodySectionsBlock(blocks.StreamBlock):
    """The blocks of a standard page body; ``BodyBlock`` adds the audience block around them."""

    heading = HeadingBlock(label=_("Heading"))
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "h3", "h4", "document-link"],
        icon="pilcrow",
        label=_("Paragraph"),
        template="blocks/paragraph_block.html",
    )
    image = ImageWithCaptionBlock(label=_("Image"))
    call_to_action = CallToActionBlock()
    table = PortalTableBlock()
    faq = FAQBlock()
    promotion_slot = PromotionSlotBlock()


class BodyBlock(BodySectionsBlock):
    """The body of standard, news and knowledge pages."""

    audience = AudienceBlock(BodySectionsBlock())


class RelatedLinksBlock(blocks.StreamBlock):
    """Links to related knowledge, products or services at the end of an article."""

    link = LinkBlock()


class FooterColumnBlock(blocks.StructBlock):
    """One column of the footer: a heading and its links."""

    heading = blocks.CharBlock(max_length=40, label=_("Heading"))
    links = blocks.ListBlock(LinkBlock(), label=_("Links"))

    class Meta:
        icon = "list-ul"
        label = _("Footer column")


class SocialLinkBlock(blocks.StructBlock):
    """The bank's account on a social platform."""

    platform = blocks.ChoiceBlock(
        choices=[
            ("wechat", _("WeChat")),
            ("weibo", _("Weibo")),
            ("douyin", _("Douyin")),
            ("other", _("Other")),
        ],
        label=_("Platform"),
    )
    label = blocks.CharBlock(max_length=40, help_text=_("e.g. 官方微信"), label=_("Display name"))
    url = blocks.URLBlock(label=_("Address"))

    class Meta:
        icon = "site"
        label = _("Social link")
