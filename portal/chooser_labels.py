"""The locale filter of Wagtail's choosers has a label in the editor's language (issue 12, the
marketer's walk: choosing a creative for a campaign, the filter above the list read "Locale",
beside a 区域 column). Wagtail 8.0 builds the field without a label, so Django printed the
field's name; it gets Wagtail's own translated word."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def install() -> None:
    # local: install() runs from PortalConfig.ready(); the chooser forms import Wagtail's models
    from wagtail.admin.forms.choosers import LocaleFilterMixin

    if getattr(LocaleFilterMixin, "_portal_labelled", False):
        return
    original = LocaleFilterMixin.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if "locale" in self.fields and not self.fields["locale"].label:
            self.fields["locale"].label = _("Locale")

    LocaleFilterMixin.__init__ = __init__
    LocaleFilterMixin._portal_labelled = True
