"""The ``behaviour`` and ``session`` families, from the visitor's folded profile.

``RequestInfo.behaviour_loader`` returns the profile (one cache read, by the Django layer) as a
mapping, or None for a visitor without one (no consent, first visit, no visitor id)::

    {
        "visits": 12, "sessions": 15, "pageviews": 80,
        "categories": ["credit-card", "deposit"],   # product categories viewed
        "searches": ["信用卡", "mortgage"],           # on-site search terms
        "clicked_campaigns": ["spring-card-promo"],
        "last_seen": "2025-10-01T08:30:00+08:00",   # the previous visit, ISO 8601 or datetime
        "session_pageviews": 3,                     # page views in the current session
        "page_visits": {"/cards/": 4, "/loans": 1}, # views by page path (behaviour.page_visits)
    }

Without a profile every attribute is None (unknown). Values of the wrong type are treated as
unknown rather than trusted. ``behaviour.days_since_last_visit`` counts calendar days in the
visitor's local time zone (0 = earlier today); a naive ``last_seen`` is local time.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..attributes import normalise_path
from .channels import VIEW_NAMES, view_attributes
from .time import local_time

if TYPE_CHECKING:
    from ..context import RequestInfo
    from . import EngineConfig

_COUNTS = {
    "behaviour.visits": "visits",
    "behaviour.sessions": "sessions",
    "behaviour.pageviews": "pageviews",
    "session.pageviews": "session_pageviews",
}
_LISTS = {
    "behaviour.categories": "categories",
    "behaviour.searches": "searches",
    "behaviour.clicked_campaigns": "clicked_campaigns",
}
UNKNOWN: dict[str, Any] = dict.fromkeys(
    [*_COUNTS, *_LISTS, "behaviour.days_since_last_visit", "behaviour.page_visits", *VIEW_NAMES],
    None,
)


def provide_behaviour(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
    """The ``behaviour.*`` and ``session.*`` attributes of a visitor (with the 7-day page-view
    windows of ``channels``)."""
    profile = info.behaviour_loader() if info.behaviour_loader is not None else None
    if not profile:
        return dict(UNKNOWN)
    result: dict[str, Any] = view_attributes(profile.get("recent"), info, config)
    for name, key in _COUNTS.items():
        result[name] = as_count(profile.get(key))
    for name, key in _LISTS.items():
        result[name] = as_string_list(profile.get(key))
    result["behaviour.days_since_last_visit"] = _days_since(
        profile.get("last_seen"), info, config.site_timezone
    )
    result["behaviour.page_visits"] = page_visits(profile.get("page_visits"))
    return result


class PageVisits(dict[str, int]):
    """``behaviour.page_visits`` of one visitor: the stored paths are normalised (and spellings of
    one page added up) only when a rule first reads a page, so a page view that asks no such
    rule pays nothing for a long list of paths."""

    __slots__ = ("_raw",)

    def __init__(self, raw: dict[Any, Any]) -> None:
        super().__init__()
        self._raw: dict[Any, Any] | None = raw

    def _build(self) -> None:
        raw, self._raw = self._raw, None
        for path, count in (raw or {}).items():
            normal = normalise_path(path)
            number = as_count(count[0] if isinstance(count, list) and count else count)
            if normal is not None and number is not None:
                self[normal] = dict.get(self, normal, 0) + number

    def get(self, key: str, default: Any = None) -> Any:
        if self._raw is not None:
            self._build()
        return dict.get(self, key, default)

    def resolved(self) -> dict[str, int]:
        """Every page's views (for the simulate answer and the tests)."""
        if self._raw is not None:
            self._build()
        return dict(self)


def page_visits(value: Any) -> PageVisits | None:
    """Views by normalised path (``attributes.normalise_path``); spellings of one page add up.

    None (unknown) for a profile folded before paths were kept; otherwise a page the visitor
    never viewed counts 0 (``attributes.KEY_DEFAULTS``), so "fewer than 1 view" is true for it.
    """
    if not isinstance(value, dict):
        return None
    return PageVisits(value)


def as_count(value: Any) -> int | None:
    """A non-negative integer, or None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return max(int(value), 0)


def as_string_list(value: Any) -> list[str] | None:
    """A list of strings (other items dropped), or None if not a list at all."""
    if not isinstance(value, list | tuple | set | frozenset):
        return None
    return [item for item in value if isinstance(item, str)]


def parse_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def _days_since(value: Any, info: RequestInfo, site_tz: str) -> int | None:
    last = parse_datetime(value)
    if last is None:
        return None
    today = local_time(info.now, info.timezone, site_tz).date()
    then = local_time(last, info.timezone, site_tz).date()
    return max((today - then).days, 0)
