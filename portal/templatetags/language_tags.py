"""The language switcher: plain links to the same page in each language.

Links, not a form: switching needs no session, no cookie and no CSRF token, so anonymous pages stay
cacheable and the link can be shared. The language lives in the URL (``/en/...`` for English, no
prefix for Chinese; see portal/urls.py), so the link alone decides the language.

Where the link leads, in order:

1. a Wagtail page with a live translation in that language: the translation (its own slug);
2. a Wagtail page without one, when the site has a tree in that language: the nearest ancestor
   that has a live translation (its home page at worst), because the same path in that tree would
   not exist;
3. anything else (catalogue, community, search, account pages, and pages of a site whose content
   is in one language only): the same path and query string in the other language, which Django's
   ``translate_url`` computes from the URL patterns.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info
from wagtail.models import Page, Site

from portal.translations import hreflang, live_translations

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # the language's name in itself (English, 简体中文): what visitors look for
    href: str
    current: bool


def _prefixed(path: str, code: str) -> str:
    """``path`` under ``code``'s URL prefix (none for the default language)."""
    prefixes = {lang.lower() for lang, _ in settings.LANGUAGES}
    parts = urlsplit(path)
    segments = parts.path.lstrip("/").split("/", 1)
    rest = parts.path
    if segments[0].lower() in prefixes:
        rest = "/" + (segments[1] if len(segments) > 1 else "")
    if code.lower() != settings.LANGUAGE_CODE.lower():
        rest = f"/{code}{rest}"
    return urlunsplit(("", "", rest, parts.query, ""))


def _path_in(request: HttpRequest, code: str) -> str:
    full_path = request.get_full_path()
    translated = translate_url(full_path, code)
    if translated == full_path and code != get_language():
        # translate_url returns the URL unchanged when it cannot resolve it (a 404 page, say).
        return _prefixed(full_path, code)
    return translated


def _page_links(request: HttpRequest, page: Page, codes: list[str]) -> dict[str, str]:
    """URLs of ``page`` in other languages; one query for the translations, one more only when
    some language lacks a translation and the site has a tree in that language."""
    found: dict[str, str] = {}
    # The page itself is among them: an English request may show a Chinese page (rule 3). The
    # list is shared with the page's hreflang links (one query for both).
    translations = [t for t in live_translations(page) if t.locale.language_code in codes]
    for translation in translations:
        url = translation.get_url(request)
        if url:
            # The same page: keep its query string (a news list's page, a filter).
            query = request.GET.urlencode()
            found[translation.locale.language_code] = f"{url}?{query}" if query else url
    missing = [code for code in codes if code not in found]
    if not missing:
        return found
    site = Site.find_for_request(request)
    # Languages the site has a home page in (Wagtail caches the root paths per request).
    rooted = {
        root.language_code
        for root in Site.get_site_root_paths()
        if site is not None and root.site_id == site.pk
    }
    for code in missing:
        if code not in rooted:
            continue  # no tree in that language: the same path shows this page (rule 3)
        ancestor = (
            Page.objects.filter(
                translation_key__in=page.get_ancestors().values("translation_key"),
                locale__language_code=code,
                live=True,
                depth__gt=1,
            )
            .order_by("-depth")
            .first()
        )
        if ancestor is not None:
            url = ancestor.get_url(request)
            if url:
                found[code] = url
    return found


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[LanguageLink]:
    request: HttpRequest | None = context.get("request")
    current = get_language()
    codes = [code for code, _ in settings.LANGUAGES]
    page = context.get("page")
    page_urls: dict[str, str] = {}
    if request is not None and isinstance(page, Page) and page.pk:
        others = [code for code in codes if code != current]
        page_urls = _page_links(request, page, others)
    links = []
    for code in codes:
        if code == current or request is None:
            href = request.get_full_path() if request is not None else "/"
        else:
            href = page_urls.get(code) or _path_in(request, code)
        links.append(
            LanguageLink(
                code=code,
                name=get_language_info(code)["name_local"],
                href=href,
                current=code == current,
            )
        )
    return links


@dataclass(frozen=True)
class Alternate:
    hreflang: str
    href: str


@register.simple_tag(takes_context=True)
def page_alternates(context: template.Context) -> list[Alternate]:
    """``<link rel="alternate" hreflang>`` targets of a translated Wagtail page: each live
    translation (itself included) by absolute URL, and ``x-default`` for the default language's.
    Empty for a page in one language only and for anything that is not a Wagtail page."""
    request: HttpRequest | None = context.get("request")
    page = context.get("page")
    if request is None or not isinstance(page, Page) or not page.pk:
        return []
    translations = live_translations(page)
    if len(translations) < 2:
        return []
    alternates = []
    default = None
    for translation in translations:
        url = translation.get_url(request)
        if not url:
            continue
        href = request.build_absolute_uri(url)
        alternates.append(Alternate(hreflang(translation.locale.language_code), href))
        if translation.locale.language_code == settings.LANGUAGE_CODE:
            default = href
    if default is not None:
        alternates.append(Alternate("x-default", default))
    return alternates if len(alternates) > 2 else []
