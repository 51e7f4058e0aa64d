"""Entities a post names: products (live product pages), branches (``data/branches.txt``) and
campaigns (their names). The names are read at most every five minutes per process."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from community.listening.text import DATA

REFRESH_SECONDS = 300


@dataclass(frozen=True)
class Names:
    loaded: float
    products: tuple[tuple[str, int], ...]
    branches: tuple[str, ...]
    campaigns: tuple[tuple[str, str], ...]


_lock = threading.Lock()
_names: Names | None = None


def _load() -> Names:
    # local: entity names come from other apps' models, read only when the cache is stale
    from products.models import ProductPage
    from targeting.models import Campaign

    products = tuple(
        (title, pk)
        for pk, title in ProductPage.objects.live().values_list("pk", "title")
        if len(title) >= 2
    )
    campaigns = tuple(
        (name, slug)
        for name, slug in Campaign.objects.values_list("name", "slug")
        if len(name) >= 2
    )
    branches = tuple(
        line.strip()
        for line in (DATA / "branches.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    # Longest names first, so 旅行信用卡 wins over 信用卡.
    return Names(
        time.monotonic(),
        tuple(sorted(products, key=lambda p: -len(p[0]))),
        branches,
        tuple(sorted(campaigns, key=lambda c: -len(c[0]))),
    )


def names() -> Names:
    global _names
    current = _names
    if current is None or time.monotonic() - current.loaded > REFRESH_SECONDS:
        with _lock:
            _names = current = _load()
    return current


def find(text: str, known: Names) -> dict[str, list]:
    """``{"products": [{"id", "name"}], "branches": [...], "campaigns": [{"slug", "name"}]}``
    (only the kinds found)."""
    found: dict[str, list] = {}
    products = [{"id": pk, "name": title} for title, pk in known.products if title in text]
    if products:
        found["products"] = products[:5]
    branches = [name for name in known.branches if name in text]
    if branches:
        found["branches"] = branches[:5]
    campaigns = [{"slug": slug, "name": name} for name, slug in known.campaigns if name in text]
    if campaigns:
        found["campaigns"] = campaigns[:5]
    return found


def reset() -> None:
    """Forget the names (tests)."""
    global _names
    _names = None
