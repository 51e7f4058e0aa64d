"""The creative chooser opens on the default language (issue 12, marketer's walk).

Wagtail's snippet chooser lists every language with 全部 selected, so the campaign form offered
a Chinese marketer the English translation of a creative first. A chooser request that names no
language (``locale`` absent: the modal's first page and its result pages) filters on the default
locale, and the language filter shows it selected; ``?locale=`` (全部) or another language is
kept as sent. A forged value is the filter form's own concern (an invalid choice: no filter).
"""

from __future__ import annotations

from typing import Any

from wagtail.models import Locale
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet


def default_language() -> str | None:
    try:
        return Locale.get_default().language_code
    except Locale.DoesNotExist:  # no locale for LANGUAGE_CODE yet: Wagtail's listing as it is
        return None


class DefaultLocaleMixin:
    """Filter on the default locale when the request names none."""

    request: Any
    i18n_enabled: bool

    def get_filter_form(self) -> Any:
        form_class = self.get_filter_form_class()  # type: ignore[attr-defined]
        data = self.request.GET
        language = default_language() if self.i18n_enabled and "locale" not in data else None
        if language:
            data = data.copy()
            data["locale"] = language
        return form_class(data)


class CreativeChooseView(DefaultLocaleMixin, ChooseView):
    pass


class CreativeChooseResultsView(DefaultLocaleMixin, ChooseResultsView):
    pass


class CreativeChooserViewSet(SnippetChooserViewSet):
    choose_view_class = CreativeChooseView
    choose_results_view_class = CreativeChooseResultsView
