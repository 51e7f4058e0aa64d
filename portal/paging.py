"""Pagination shared by listings and search: bad page numbers show a page, never an error."""

from collections.abc import Sequence
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator


def page_of(items: Sequence[Any] | Any, number: str | int | None, per_page: int = 10) -> Page:
    """The requested page of items; the first page for junk, the last page past the end."""
    paginator = Paginator(items, per_page)
    try:
        return paginator.page(number or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)
