"""StreamField blocks for the body of a product page."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from portal.blocks import FAQBlock
from targeting.blocks import AudienceBlock

PRODUCT_RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link"]


class ProductFeatureBlock(blocks.StructBlock):
    """One selling point: a short title and a sentence or two."""

    title = blocks.CharBlock(
        max_length=60,
        help_text=_("A short benefit, e.g. 'Interest paid monthly'."),
        label=_("Heading"),
    )
    text = blocks.TextBlock(required=False, max_length=300, label=_("Description"))

    class Meta:
        icon = "tick"
        label = _("Feature")


class ProductFeatureListBlock(blocks.StructBlock):
    """The product's main selling points as a list of cards."""

    heading = blocks.CharBlock(required=False, max_length=80, label=_("Heading"))
    features = blocks.ListBlock(ProductFeatureBlock(), min_num=1, max_num=8, label=_("Features"))

    class Meta:
        icon = "list-ul"
        label = _("Feature list")
        template = "blocks/product_feature_list.html"
        help_text = _("Between one and eight selling points, shown as cards.")


class RateTableRowBlock(blocks.StructBlock):
    """One line of a rate table: a term or tier and its rate."""

    tier = blocks.CharBlock(
        max_length=60, help_text=_("Term or amount tier, e.g. '1 year'."), label=_("Tier")
    )
    rate = blocks.DecimalBlock(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        help_text=_("Percent per year."),
        label=_("Rate"),
    )
    note = blocks.CharBlock(required=False, max_length=120, label=_("Note"))


class RateTableBlock(blocks.StructBlock):
    """Rates by term or tier, rendered as an accessible table."""

    caption = blocks.CharBlock(
        max_length=120,
        help_text=_("Describes the table for screen readers and sighted readers."),
        label=_("Caption"),
    )
    rate_heading = blocks.CharBlock(
        max_length=40,
        help_text=_("Column heading for the rate, e.g. 'Annual interest rate'."),
        label=_("Rate column heading"),
    )
    rows = blocks.ListBlock(RateTableRowBlock(), min_num=1, label=_("Rows"))
    footnote = blocks.CharBlock(required=False, max_length=240, label=_("Footnote"))

    class Meta:
        icon = "table"
        label = _("Rate table")
        template = "blocks/product_rate_table.html"
        help_text = _(
            "Rates by term or amount; the caption says what the rates are and as of when."
        )

    def get_context(self, value: blocks.StructValue, parent_context: dict | None = None) -> dict:
        context = super().get_context(value, parent_context)
        context["has_notes"] = any(row["note"] for row in value["rows"])
        return context

    def clean(self, value: blocks.StructValue) -> blocks.StructValue:
        value = super().clean(value)
        tiers = [row["tier"].strip() for row in value["rows"]]
        if len(tiers) != len(set(tiers)):
            # Two rows for the same term would show a customer two different rates.
            raise StructBlockValidationError(
                non_block_errors=[ValidationError(_("Each term or tier may appear only once."))]
            )
        return value


class ProductSectionsBlock(blocks.StreamBlock):
    """The blocks of a product page body; ``ProductContentBlock`` adds the audience block."""

    feature_list = ProductFeatureListBlock()
    text = blocks.RichTextBlock(
        features=PRODUCT_RICH_TEXT_FEATURES,
        label=_("Rich text"),
        icon="pilcrow",
        template="blocks/product_text.html",
    )
    rate_table = RateTableBlock()
    # The portal's one FAQ block, drawn in the product page's style.
    faq = FAQBlock(template="blocks/product_faq.html")


class ProductContentBlock(ProductSectionsBlock):
    """What editors can put in the body of a product page."""

    audience = AudienceBlock(ProductSectionsBlock())
