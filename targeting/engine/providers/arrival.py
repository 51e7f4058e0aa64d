"""``session.source.*``: how the visit arrived, kept for the whole visit.

A visitor who came from a Baidu search for 信用卡 keeps ``session.source.keyword == "信用卡"`` on
every page of the visit, while ``source.*`` describes only the current request (internal after the
first click). The arrival is the current request when it is one (any source but ``internal``;
a ``direct`` request only when no earlier arrival is known, since a reload or a bookmark inside
the visit says nothing new), else the arrival the Django layer kept for the visit
(``RequestInfo.arrival``: a signed cookie, with analytics consent; see targeting.visits). An
internal request with nothing kept (no consent, or the visit began before) has it unknown.

Values kept earlier are re-checked here (types, lengths, closed sets): whatever the store, the
engine reads nothing it would not compute itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..attributes import SEARCH_ENGINES, SOCIAL_NETWORKS, SOURCE_KINDS
from .source import MAX_PATH, MAX_VALUE, provide_source

if TYPE_CHECKING:
    from ..context import RequestInfo
    from . import EngineConfig

#: The ``source.*`` attributes an arrival keeps (``session.source.<name>``).
ARRIVAL_NAMES = (
    "kind",
    "referrer_host",
    "search_engine",
    "social_network",
    "keyword",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "landing_path",
)
_CHOICES: dict[str, tuple[str, ...]] = {
    "kind": SOURCE_KINDS,
    "search_engine": SEARCH_ENGINES,
    "social_network": SOCIAL_NETWORKS,
}
UNKNOWN: dict[str, Any] = {f"session.source.{name}": None for name in ARRIVAL_NAMES}


def arrival_of(source: Mapping[str, Any]) -> dict[str, Any] | None:
    """The arrival a request's ``source.*`` values make (by short name), or None if internal."""
    if source.get("source.kind") in (None, "internal"):
        return None
    return {name: source.get(f"source.{name}") for name in ARRIVAL_NAMES}


def checked(kept: Mapping[str, Any]) -> dict[str, Any]:
    """A kept arrival (by short name) with anything unexpected dropped to unknown."""
    values: dict[str, Any] = {}
    for name in ARRIVAL_NAMES:
        value = kept.get(name)
        limit = MAX_PATH if name == "landing_path" else MAX_VALUE
        if (
            not isinstance(value, str)
            or not value
            or len(value) > limit
            or not value.isprintable()
            or name in _CHOICES
            and value not in _CHOICES[name]
        ):
            value = None
        values[name] = value
    return values


def provide_arrival(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
    """The ``session.source.*`` attributes of a request."""
    current = arrival_of(provide_source(info, config))
    kept = info.arrival
    if current is not None and (current["kind"] != "direct" or not kept):
        values = current
    elif kept:
        values = checked(kept)
    else:
        return dict(UNKNOWN)
    return {f"session.source.{name}": values.get(name) for name in ARRIVAL_NAMES}
