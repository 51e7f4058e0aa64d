"""News: what the news centre lists and what the home page shows as latest."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
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


def latest_news(count: int) -> list[NewsPage]:
    """The newest live news items of the whole site (the home page has one news centre), in the
    active language: the English home page lists the English news (the default language's where
    a language has no news at all)."""
    items = NewsPage.objects.live().public().order_by("-date", "-pk").select_related("image")
    language = translation.get_language() or settings.LANGUAGE_CODE
    in_language = list(items.filter(locale__language_code=language)[:count])
    if in_language or language == settings.LANGUAGE_CODE:
        return in_language
    return list(items.filter(locale__language_code=settings.LANGUAGE_CODE)[:count])
