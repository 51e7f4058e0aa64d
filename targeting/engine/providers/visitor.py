"""The ``visitor`` family: the visitor id itself, for random samples and static audiences.

``visitor.bucket`` is keyed by a sample name: ``blake2b(name, visitor id) mod 100``, stable for a
visitor across visits and independent between names, so "bucket < 20" is a random 20% that keeps
its members, and two samples of different names do not pick the same people. ``visitor.ids`` is
the browser's visitor id and, when signed in, the customer's profile id (the ids stored profiles
are kept under, which static audiences freeze). Both are unknown without a visitor id (no
analytics consent): such a visitor is in no sample and no static audience.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..context import RequestInfo
    from . import EngineConfig


def bucket(visitor_id: str, name: str) -> int:
    """The visitor's bucket 0-99 for a sample name."""
    digest = hashlib.blake2b(f"{name}\x1f{visitor_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % 100


class Buckets(dict[str, int]):
    """``visitor.bucket`` of one visitor: computed per sample name on first ``get``."""

    __slots__ = ("visitor_id",)

    def __init__(self, visitor_id: str) -> None:
        super().__init__()
        self.visitor_id = visitor_id

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            value = self[name] = bucket(self.visitor_id, name)
            return value


def provide_visitor(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
    """The ``visitor.*`` attributes of a request."""
    ids = [i for i in (info.visitor_id, *info.profile_ids) if i]
    if not info.visitor_id:
        return {"visitor.bucket": None, "visitor.ids": ids or None}
    return {"visitor.bucket": Buckets(info.visitor_id), "visitor.ids": list(dict.fromkeys(ids))}
