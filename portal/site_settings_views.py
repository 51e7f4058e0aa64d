"""Settings → Site settings in the language an editor chooses (issue 12 item 8).

Site settings are one row per site and language (``portal.models.SiteSettings``). Wagtail's
settings editor shows the row of ``for_site``, i.e. of the admin's own interface language; this
view, at the same address, edits the row of the language chosen with ``?locale=<code>`` and links
every language above the form (Wagtail's own switcher sits in a status panel settings lack). A language without a row gets one, copied from the
default language's (an editor starts from the Chinese text and translates it).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.contrib.settings.views import EditView
from wagtail.coreutils import get_content_languages
from wagtail.models import Locale

from portal.models import SiteSettings

LOCALE_PARAM = "locale"


class SiteSettingsEditView(EditView):
    """Wagtail's settings editor for ``SiteSettings``, one language at a time."""

    template_name = "portal/admin/site_settings_edit.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # (after the permission checks of the admin and of ``get_object``: only an editor who
        # may change the settings learns the language is wrong)
        if self.bad_locale and self.permission_policy.user_has_permission(request.user, "change"):
            return HttpResponseBadRequest(
                _("locale: choose one of the site's languages."), content_type="text/plain"
            )
        return super().dispatch(request, *args, **kwargs)

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        languages = get_content_languages()
        requested = request.GET.get(LOCALE_PARAM)
        self.bad_locale = requested is not None and requested not in languages
        if requested is None or self.bad_locale:
            current = translation.get_language() or settings.LANGUAGE_CODE
            requested = current if current in languages else settings.LANGUAGE_CODE
        self.language_code = requested
        super().setup(request, *args, **kwargs)

    def get_object(self, queryset: Any = None) -> SiteSettings:
        if self.bad_locale:
            # No row is looked up or created for a language the site does not have.
            return super().get_object(queryset)
        with translation.override(self.language_code):
            row = super().get_object(queryset)
        if row.locale.language_code == self.language_code:
            return row
        # This language has no row yet: start from the default language's.
        locale = Locale.objects.get_or_create(language_code=self.language_code)[0]
        copy = SiteSettings.objects.get(pk=row.pk)
        copy.pk = None
        copy.locale = locale
        copy.save()
        return copy

    def get_edit_url(self) -> str:
        return f"{super().get_edit_url()}?{urlencode({LOCALE_PARAM: self.language_code})}"

    def get_translations(self) -> list[dict[str, Any]]:
        """The other languages of the site, for Wagtail's locale switcher in the header: each
        links to this editor in that language (its row is made when first opened)."""
        base = super().get_edit_url()
        return [
            {"locale": locale, "url": f"{base}?{urlencode({LOCALE_PARAM: locale.language_code})}"}
            for locale in Locale.objects.filter(
                language_code__in=list(get_content_languages())
            ).exclude(language_code=self.language_code)
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        base = super().get_edit_url()
        context["locale_name"] = get_content_languages().get(self.language_code, "")
        context["locale_links"] = [
            {
                "code": code,
                "name": name,
                "url": f"{base}?{urlencode({LOCALE_PARAM: code})}",
                "current": code == self.language_code,
            }
            for code, name in get_content_languages().items()
        ]
        return context
