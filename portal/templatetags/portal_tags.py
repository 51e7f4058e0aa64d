"""Template helpers of the portal's site-wide templates."""

from django import template
from django.http import HttpRequest

register = template.Library()


@register.filter
def is_current_section(href: str, request: HttpRequest | None) -> bool:
    """Whether a menu link leads to the section the visitor is in (for aria-current).

    The home link ("/" or "/en/") is current only on the home page itself, otherwise it would
    be current everywhere.
    """
    if not href or request is None or not href.startswith("/"):
        return False
    path = request.path
    if href.rstrip("/").count("/") == 0 or href in ("/en/",):
        return path == href
    return path == href or path.startswith(href.rstrip("/") + "/")


@register.filter
def verbose_name(page: object) -> str:
    """The human name of a page's type, e.g. 新闻页面, for search results and cards."""
    specific_class = getattr(page, "specific_class", None) or type(page)
    return str(specific_class._meta.verbose_name)
