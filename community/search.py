"""Searching posts at /community/search/?q=.

Chinese has no spaces, and PostgreSQL's text-search parsers (even the "simple" configuration)
treat a run of Chinese characters as one token, so "年费" would never match a post about
"信用卡年费怎么免". We therefore match every search term as a substring (icontains): on
PostgreSQL an `ILIKE '%term%'` backed by a pg_trgm GIN index (created by migration 0003 when the
extension is available), on SQLite a plain scan. Latin words are matched the same way, which also
finds partial words (转账 / "transfer" / "ATM"). Results are ranked newest first; terms are ANDed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from community.models import Post

MAX_TERMS = 5
MAX_QUERY_LENGTH = 100


def search_terms(query: str) -> list[str]:
    terms = [t for t in (query or "")[:MAX_QUERY_LENGTH].split() if t]
    return terms[:MAX_TERMS]


def search_posts(query: str, boards: list[Any]) -> QuerySet[Post]:
    """Visible posts in the given (readable) boards matching every term of the query."""
    terms = search_terms(query)
    if not terms:
        return Post.objects.none()
    posts = Post.objects.visible().filter(
        topic__board__in=boards, topic__approved=True, topic__hidden=False
    )
    for term in terms:
        posts = posts.filter(Q(body_markdown__icontains=term) | Q(topic__title__icontains=term))
    return posts.select_related("topic", "topic__board", "author").order_by("-created", "-id")
