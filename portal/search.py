"""Search over the portal's live public pages, products included."""

from django.db.models import QuerySet
from wagtail.models import Page


def search_pages(query: str) -> QuerySet[Page]:
    """Live, public pages matching the query, best first."""
    return Page.objects.live().public().specific().search(query)
