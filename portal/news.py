"""News: what the news centre lists and what the home page shows as latest."""

from dataclasses import dataclass

from django.db.models import QuerySet
from wagtail.models import Page

from portal.models import NewsCategory, NewsPage


@dataclass(frozen=True)
class NewsListing:
    """The news items of one news centre page, with the category actually applied."""

    items: QuerySet[NewsPage]
    category: str


def news_listing(index: Page, category: str | None) -> NewsListing:
    """Live news under the index, newest first, of one category when a known one is given.

    An unknown category is ignored rather than answered with an empty list or an error, so an
    old or mistyped link still shows the news.
    """
    items = NewsPage.objects.live().public().child_of(index).order_by("-date", "-pk")
    applied = category if category in NewsCategory.values else ""
    if applied:
        items = items.filter(category=applied)
    return NewsListing(items=items.select_related("image"), category=applied)


def latest_news(count: int) -> QuerySet[NewsPage]:
    """The newest live news items of the whole site (the home page has one news centre)."""
    return NewsPage.objects.live().public().order_by("-date", "-pk").select_related("image")[:count]
