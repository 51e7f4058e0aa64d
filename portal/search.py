"""Search over the portal's live public pages, products included, with Chinese that works.

Why bigrams: Wagtail's database search backend (SQLite FTS5 and PostgreSQL full text alike)
splits text on spaces and punctuation, so a run of Chinese characters such as 白金信用卡 is
indexed as one word and a search for 信用卡 finds nothing. Chinese has no spaces to split on and
a dictionary segmenter (jieba and the like) is a heavy dependency that still misses product
names. So we do what CJK full-text engines do without a dictionary:

1. Index: every portal page type adds a search field, `cjk_search_text`, holding its title,
   summary and body text with each run of CJK characters written out as overlapping character
   bigrams (白金信用卡 -> 白金 金信 信用 用卡). Other text passes through unchanged.
2. Query: the query is split the same way (信用卡 -> 信用 用卡) and searched with the AND
   operator, so every bigram must occur: precise, and it finds a 2-3 character part of a name.
3. Fallback: a one-character query has no bigram, and page types of other apps (products) may
   not index `cjk_search_text`; so pages whose title, search description or summary contains
   the query (`icontains`) are appended after the full-text results, never duplicating one.
4. Order: pages whose title contains the query come first (a search for 信用卡 should open with
   the credit cards, not with the home page that mentions them), full-text order within each.

The same code runs on SQLite and PostgreSQL because both backends see plain space-separated
tokens.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from wagtail.models import Page, get_page_models

# Queries longer than this are cut: nobody types more, and long queries cost the database.
QUERY_MAX_LENGTH = 100
# The merged result list is materialised to merge the two sources; keep it bounded.
MAX_RESULTS = 200

# CJK Unified Ideographs (with extension A and compatibility ideographs), kana and hangul.
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
# Characters the search backends' query parsers treat as syntax; a search box query is text.
_QUERY_SYNTAX = re.compile(r"[\"'():*^~+\-!&|<>{}\[\]\\]+")
# Control characters (NUL among them, which PostgreSQL refuses in text: a 500) are never words.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def _bigrams(run: str) -> str:
    if len(run) < 2:
        return run
    return " ".join(run[i : i + 2] for i in range(len(run) - 1))


def cjk_bigrams(text: str) -> str:
    """The text with every run of CJK characters written as overlapping character bigrams."""
    return " ".join(_CJK_RUN.sub(lambda match: f" {_bigrams(match.group())} ", text or "").split())


def clean_query(raw: str | None) -> str:
    """The visitor's query as plain words: trimmed, bounded, free of search syntax and of control
    characters."""
    query = _CONTROL.sub(" ", (raw or "")[: QUERY_MAX_LENGTH * 2])
    query = _QUERY_SYNTAX.sub(" ", query)
    return " ".join(query.split())[:QUERY_MAX_LENGTH]


def searchable_text(*parts: str | Iterable[str] | None) -> str:
    """Join text parts (strings or lists of strings) into one bigram-split search text."""
    pieces: list[str] = []
    for part in parts:
        if not part:
            continue
        if isinstance(part, str):
            pieces.append(part)
        else:
            pieces.extend(str(item) for item in part if item)
    return cjk_bigrams(" ".join(pieces))


@dataclass(frozen=True)
class SearchHit:
    """One search result as the results page shows it."""

    page: Page
    title: str
    url: str
    type_name: str
    summary: str


def _summary_of(page: Page) -> str:
    for attribute in ("summary", "intro", "search_description"):
        value = getattr(page, attribute, "")
        if value and isinstance(value, str):
            return value
    return ""


def _hit(page: Page) -> SearchHit:
    return SearchHit(
        page=page,
        title=page.title,
        url=page.url or "",
        type_name=str(page.specific_class._meta.verbose_name) if page.specific_class else "",
        summary=_summary_of(page),
    )


def _summary_contains(query: str) -> Q:
    """Title, search description or any page type's `summary` containing the query.

    Page types of other apps need not know about bigrams: their summary is matched here, in
    one query with a join per page type that has a summary field.
    """
    condition = Q(title__icontains=query) | Q(search_description__icontains=query)
    for model in get_page_models():
        if model is Page or Page not in model._meta.parents:
            continue
        try:
            model._meta.get_field("summary")
        except FieldDoesNotExist:
            continue
        condition |= Q(**{f"{model._meta.model_name}__summary__icontains": query})
    return condition


def search_pages(query: str) -> list[SearchHit]:
    """Live, public pages matching the query, best full-text matches first (see module doc)."""
    query = clean_query(query)
    if not query:
        return []
    base = Page.objects.live().public().filter(depth__gt=1)
    pages: list[Page] = list(
        base.specific().search(cjk_bigrams(query), operator="and")[:MAX_RESULTS]
    )
    seen = {page.pk for page in pages}
    if len(pages) < MAX_RESULTS:
        fallback = (
            base.filter(_summary_contains(query))
            .exclude(pk__in=seen)
            .order_by("-first_published_at", "pk")
            .specific()[: MAX_RESULTS - len(pages)]
        )
        pages.extend(fallback)
    # A page named after what was asked for (信用卡 -> 白金信用卡) is what visitors want first;
    # the sort is stable, so the full-text order holds within each group.
    folded = query.casefold()
    pages.sort(key=lambda page: folded not in page.title.casefold())
    return [_hit(page) for page in pages]
