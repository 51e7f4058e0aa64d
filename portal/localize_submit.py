"""wagtail-localize's translate form ticks the only language on offer (issue 12, editor's walk).

On a two-language site a page can be translated into one locale only, yet the form listed it
unticked, so an editor's first 提交 met "this field is required". When exactly one locale is on
offer and the form is neither posted nor given a choice (``?select_locale=``), it starts ticked;
several locales stay unticked, as wagtail-localize draws them.
"""

from __future__ import annotations

from typing import Any


def install() -> None:
    # local: install() runs from ready(): wagtail-localize's views import its models
    from wagtail_localize.views import submit_translations  # type: ignore[import-untyped]

    base = submit_translations.SubmitTranslationForm
    if getattr(base, "ticks_single_locale", False):
        return

    class SubmitTranslationForm(base):  # type: ignore[misc, valid-type]
        ticks_single_locale = True

        def __init__(self, instance: Any, *args: Any, **kwargs: Any) -> None:
            super().__init__(instance, *args, **kwargs)
            if self.is_bound or self.initial.get("locales"):
                return
            offered = list(self.fields["locales"].queryset[:2])
            if len(offered) == 1:
                self.initial["locales"] = offered

    submit_translations.SubmitTranslationForm = SubmitTranslationForm
