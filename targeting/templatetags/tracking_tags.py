"""``{% tracking_attributes %}``: what the page declares to the beacon, as data attributes."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.safestring import SafeString

from targeting.pageviews import page_category

register = template.Library()


@register.simple_tag(takes_context=True)
def tracking_attributes(context: Any) -> SafeString:
    """``data-*`` attributes for <body>: endpoint, page type, product category and tags, search."""
    page = context.get("page")
    attrs: dict[str, Any] = {"data-tracking-endpoint": reverse("tracking-events")}
    if page is not None and hasattr(page, "specific_class"):
        specific_class = page.specific_class
        if specific_class is not None:
            attrs["data-page-type"] = specific_class._meta.model_name
        category = page_category(page)
        if category:
            attrs["data-product-category"] = category
            attrs["data-product"] = getattr(page, "slug", "")
        tags = getattr(page, "tags", None)
        if tags is not None and hasattr(tags, "all"):
            names = sorted(t.name for t in tags.all())[:20]
            if names:
                attrs["data-page-tags"] = ",".join(names)
    elif context.get("tracking_category"):
        # Views that are not Wagtail pages (forum boards and topics) declare their category.
        attrs["data-page-type"] = str(context.get("tracking_page_type") or "view")
        attrs["data-product-category"] = str(context["tracking_category"])
    elif context.get("search_query") is not None:
        attrs["data-page-type"] = "search"
    query = context.get("search_query")
    if query:
        attrs["data-search-query"] = str(query)[:100]
        count = context.get("result_count")
        if isinstance(count, int):
            attrs["data-search-results"] = str(count)
    return flatatt(attrs)
