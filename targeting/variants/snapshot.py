"""The variant map the targeting snapshot carries, so choosing a variant costs no query."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from targeting.variants.models import PageVariant


@dataclass(frozen=True)
class VariantSpec:
    """One live variant of a page: served to visitors of ``segment`` (a live segment's slug)."""

    link: int
    segment: str
    page_id: int
    content_type_id: int
    priority: int


@dataclass(frozen=True)
class VariantMap:
    """Every page's live variants, best first, and every variant page's canonical page."""

    #: Canonical page id -> its live variants whose audience is live, highest priority first.
    by_page: dict[int, tuple[VariantSpec, ...]] = field(default_factory=dict)
    #: Variant page id (live or not) -> canonical page id: such a page has no URL of its own.
    canonical_of: dict[int, int] = field(default_factory=dict)

    def segments_of(self, page_id: int) -> tuple[str, ...]:
        """The audiences that decide which version of the page a visitor gets."""
        return tuple(spec.segment for spec in self.by_page.get(page_id, ()))


def build_variant_map(live_segments: Iterable[str]) -> VariantMap:
    """Read the links once per snapshot build (two queries)."""
    live = set(live_segments)
    rows = (
        PageVariant.objects.filter(variant__live=True, canonical__live=True)
        .order_by("canonical_id", "-priority", "pk")
        .values_list(
            "pk",
            "canonical_id",
            "segment__slug",
            "variant_id",
            "variant__content_type_id",
            "priority",
        )
    )
    by_page: dict[int, list[VariantSpec]] = {}
    for link, canonical, segment, page, content_type, priority in rows:
        if segment not in live:
            continue  # a draft or disabled audience matches nobody: not part of any key
        by_page.setdefault(canonical, []).append(
            VariantSpec(link, segment, page, content_type, priority)
        )
    canonical_of = dict(PageVariant.objects.values_list("variant_id", "canonical_id"))
    return VariantMap({k: tuple(v) for k, v in by_page.items()}, canonical_of)
