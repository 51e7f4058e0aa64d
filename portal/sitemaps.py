"""/sitemap.xml: every live public page of the site in every language, each with its
translations as ``xhtml:link`` alternates (hreflang), as search engines expect of a translated
site. Wagtail's own sitemap lists only the default language's tree."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from portal.translations import hreflang


class PortalSitemap(Sitemap):
    """Pages under the site's root page and under each of its translations (the locale roots)."""

    def _roots(self) -> list[Page]:
        root = self.get_wagtail_site().root_page
        return list(root.get_translations(inclusive=True).filter(live=True))

    def items(self) -> QuerySet[Page]:
        under_a_root = Q()
        for root in self._roots():
            under_a_root |= Q(path__startswith=root.path)
        return (
            Page.objects.filter(under_a_root)
            .live()
            .public()
            .order_by("path")
            .defer_streamfields()
            .specific()
        )

    def _alternates(self) -> dict[Any, list[dict[str, str]]]:
        """Translation key -> the alternates of every page with that key (once per sitemap)."""
        cached = getattr(self, "_alternates_by_key", None)
        if cached is not None:
            return cached
        by_key: dict[Any, list[tuple[str, str]]] = {}
        pages = (
            Page.objects.filter(pk__in=self.items().values("pk"))
            .select_related("locale")
            .only("pk", "translation_key", "url_path", "locale__language_code", "depth", "path")
        )
        for page in pages:
            url = page.get_full_url(self.request)
            if url:
                by_key.setdefault(page.translation_key, []).append((page.locale.language_code, url))
        alternates: dict[Any, list[dict[str, str]]] = {}
        for key, versions in by_key.items():
            if len(versions) < 2:
                continue
            links = [
                {"lang_code": hreflang(code), "location": url} for code, url in sorted(versions)
            ]
            links += [
                {"lang_code": "x-default", "location": url}
                for code, url in versions
                if code == settings.LANGUAGE_CODE
            ]
            alternates[key] = links
        self._alternates_by_key = alternates
        return alternates

    def _urls(self, page: int, protocol: str, domain: str) -> list[dict[str, Any]]:
        """Wagtail's list of URLs, each with its page's translations as alternates."""
        alternates = self._alternates()
        urls = []
        last_mods = set()
        for item in self.paginator.page(page).object_list.iterator():
            for url_info in item.get_sitemap_urls(self.request):
                url_info.setdefault("alternates", alternates.get(item.translation_key, []))
                urls.append(url_info)
                last_mods.add(url_info.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls
