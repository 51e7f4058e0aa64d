"""A page's translations for the language switcher, the hreflang links and the sitemap.

One query per page for all of it: ``live_translations`` is kept on the page object, so the
switcher and the ``<link rel="alternate" hreflang>`` tags of one page view share it.
"""

from __future__ import annotations

from django.conf import settings
from wagtail.models import Page

_CACHE_ATTR = "_portal_live_translations"


def hreflang(code: str) -> str:
    """The BCP 47 form search engines expect: ``zh-hans`` -> ``zh-Hans``, ``en-gb`` -> ``en-GB``."""
    parts = code.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.title() if len(part) == 4 else part.upper())
    return "-".join(out)


def live_translations(page: Page) -> list[Page]:
    """The page's live versions in the site's languages (itself included), by locale; one query
    the first time, then kept on the page."""
    cached = getattr(page, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    codes = [code for code, _name in settings.LANGUAGES]
    found = list(
        Page.objects.filter(
            translation_key=page.translation_key, live=True, locale__language_code__in=codes
        )
        .select_related("locale")
        .order_by("locale__language_code")
    )
    setattr(page, _CACHE_ATTR, found)
    return found
