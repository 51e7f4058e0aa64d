"""Template helpers of the portal's site-wide templates."""

from django import template
from django.http import HttpRequest
from django.utils.translation import get_language
from wagtail.models import Site

from portal.navigation import MenuCache, MenuLink, main_menu, menu_cache

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


@register.simple_tag(takes_context=True)
def site_main_menu(context: template.Context) -> list[MenuLink]:
    """The header menu of the request's site, from the cache while no page or setting changed."""
    site_settings = context["settings"]["portal"]["SiteSettings"]
    return main_menu(site_settings, get_language())


@register.simple_tag(takes_context=True)
def site_menu_cache(context: template.Context) -> MenuCache:
    """What `{% wagtailcache %}` needs to cache a menu fragment per site and language."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    return menu_cache(site.pk if site else 0, get_language())
