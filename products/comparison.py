"""Comparing two to four products of one type side by side."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from products.choices import ProductType
from products.models import ProductPage

MIN_PRODUCTS = 2
MAX_PRODUCTS = 4
# More ids than this is not a comparison but abuse; refuse before touching the database.
MAX_IDS_ACCEPTED = 20


class ComparisonError(ValueError):
    """The requested comparison cannot be shown; the message tells the customer why."""


@dataclass(frozen=True)
class Comparison:
    """The products to show side by side, in the order the customer chose them."""

    products: list["ProductPage"]
    product_type: str

    @property
    def product_type_label(self) -> str:
        return str(ProductType(self.product_type).label)

    @property
    def has_risk_levels(self) -> bool:
        return any(product.risk_level for product in self.products)


def parse_product_ids(raw_values: Iterable[str]) -> list[int]:
    """Read product ids from `?ids=1,2,3` and/or repeated `?ids=1&ids=2`, keeping their order."""
    ids: list[int] = []
    for raw in raw_values:
        for part in raw.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or len(part) > 12:
                raise ComparisonError(
                    _("'%(value)s' is not a product number.") % {"value": part[:20]}
                )
            if int(part) not in ids:
                ids.append(int(part))
            if len(ids) > MAX_IDS_ACCEPTED:
                raise ComparisonError(_("Choose at most %(max)d products.") % {"max": MAX_PRODUCTS})
    return ids


def build_comparison(product_ids: list[int]) -> Comparison:
    """Check the chosen products can be compared and load them, or explain why not."""
    if len(product_ids) < MIN_PRODUCTS:
        raise ComparisonError(
            _("Choose at least %(min)d products of the same type to compare.")
            % {"min": MIN_PRODUCTS}
        )
    if len(product_ids) > MAX_PRODUCTS:
        raise ComparisonError(
            _("You can compare at most %(max)d products at a time; you chose %(count)d.")
            % {"max": MAX_PRODUCTS, "count": len(product_ids)}
        )
    found = {
        page.pk: page
        for page in ProductPage.objects.live().public().filter(pk__in=product_ids).specific()
    }
    missing = [str(pk) for pk in product_ids if pk not in found]
    if missing:
        raise ComparisonError(
            ngettext(
                "We could not find product %(ids)s; it may have been withdrawn.",
                "We could not find products %(ids)s; they may have been withdrawn.",
                len(missing),
            )
            % {"ids": ", ".join(missing)}
        )
    # In the visitor's language: a link copied in the other language (the language switcher
    # keeps the ids) shows each product's live translation where it has one.
    products = [found[pk].localized for pk in product_ids]
    types = {product.product_type for product in products}
    if len(types) > 1:
        labels = ", ".join(sorted(str(ProductType(value).label) for value in types))
        raise ComparisonError(
            _("Only products of the same type can be compared; you chose %(types)s.")
            % {"types": labels}
        )
    return Comparison(products=products, product_type=types.pop())
