"""How the catalogue is arranged for customers: products grouped by type, and the all-products
page's filter by customer group, type and risk level."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from products.choices import CustomerGroup, ProductType, RiskLevel

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


@dataclass(frozen=True)
class CatalogueFilter:
    """What a visitor narrowed the all-products page to; empty strings mean "any".

    Built from the query string by `from_query`: values outside the fixed vocabularies (a typo,
    NUL, a list where one value belongs) are dropped and named in `ignored`, never an error page.
    """

    group: str = ""
    product_type: str = ""
    max_risk: str = ""
    ignored: tuple[str, ...] = ()

    PARAMETERS: ClassVar[dict[str, str]] = {
        "group": "group",
        "type": "product_type",
        "risk": "max_risk",
    }

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> "CatalogueFilter":
        allowed = {
            "group": set(CustomerGroup.values),
            "type": set(ProductType.values),
            "risk": set(RiskLevel.values),
        }
        values: dict[str, str] = {}
        ignored: list[str] = []
        for parameter, field_name in cls.PARAMETERS.items():
            raw = query.getlist(parameter) if hasattr(query, "getlist") else [query.get(parameter)]
            raw = [value for value in raw if value not in (None, "")]
            if not raw:
                continue
            if len(raw) == 1 and isinstance(raw[0], str) and raw[0] in allowed[parameter]:
                values[field_name] = raw[0]
            else:
                ignored.append(parameter)
        return cls(**values, ignored=tuple(ignored))

    @property
    def is_active(self) -> bool:
        return bool(self.group or self.product_type or self.max_risk)

    def admits(self, product: "ProductPage", group: str) -> bool:
        """Whether a product of this customer group passes the filter.

        The risk filter keeps products rated at or below the level; products that carry no
        rating (loans, cards, payments) are not investment products and drop out once a
        visitor asks for a risk ceiling.
        """
        if self.group and group != self.group:
            return False
        if self.product_type and product.product_type != self.product_type:
            return False
        if self.max_risk:
            return bool(product.risk_level) and product.risk_level <= self.max_risk
        return True


@dataclass
class CustomerGroupSection:
    """One customer group on the all-products page: its index page and its products by type."""

    group: str
    label: str
    index_page: Any
    product_groups: list[ProductGroup]

    @property
    def count(self) -> int:
        return sum(len(group.products) for group in self.product_groups)


def catalogue_sections(
    pairs: Iterable[tuple[Any, Iterable["ProductPage"]]], selection: CatalogueFilter
) -> list[CustomerGroupSection]:
    """The all-products page's sections: each customer group (in the fixed order) with its
    products grouped by type, after the visitor's filter; empty groups are left out."""
    labels = dict(CustomerGroup.choices)
    order = {value: position for position, value in enumerate(CustomerGroup.values)}
    sections = []
    for index_page, products in pairs:
        group = index_page.customer_group
        kept = [product for product in products if selection.admits(product, group)]
        if kept:
            sections.append(
                CustomerGroupSection(
                    group, str(labels.get(group, group)), index_page, products_by_type(kept)
                )
            )
    sections.sort(key=lambda section: order.get(section.group, len(order)))
    return sections
