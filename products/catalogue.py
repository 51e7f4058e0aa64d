"""How the catalogue is arranged for customers: products grouped by type."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from products.choices import ProductType

if TYPE_CHECKING:
    # Types only: products.models imports this module at load time (a real cycle).
    from products.models import ProductPage


@dataclass
class ProductGroup:
    """The products of one type on an index page, featured ones first."""

    product_type: str
    label: str
    products: list["ProductPage"] = field(default_factory=list)

    @property
    def can_compare(self) -> bool:
        return len(self.products) >= 2


def products_by_type(products: Iterable["ProductPage"]) -> list[ProductGroup]:
    """Group products by type in the catalogue's order of types, skipping empty types."""
    groups = {value: ProductGroup(value, str(label)) for value, label in ProductType.choices}
    for product in products:
        if product.product_type in groups:
            groups[product.product_type].products.append(product)
    for group in groups.values():
        # Stable sort: featured first, otherwise the editors' order in the page tree.
        group.products.sort(key=lambda product: not product.is_featured)
    return [group for group in groups.values() if group.products]
