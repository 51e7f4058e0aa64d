"""The admin form of every page type: a page needs only a title to be saved or published.

Wagtail's editor fills the slug (on the 推广 tab) from the title in the browser, but only once
the title field loses focus; an editor who types a title and publishes straight away (a keyboard
shortcut, a fast click) sends an empty slug and gets "必需字段" on a tab they never opened. Here an
empty slug is made on the server from the title instead: pinyin for Chinese (portal.slugs), made
unique among the new page's siblings. An editor's own slug is kept and checked as Wagtail does.
"""

from __future__ import annotations

from typing import Any

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page, get_page_models

from portal.slugs import pinyin_slug, unique_slug_under


class PortalPageForm(WagtailAdminPageForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or ""
        if slug:
            return slug
        title = str(self.data.get("title") or self.instance.title or "")
        slug = pinyin_slug(title) or "page"
        parent = getattr(self, "parent_page", None)
        if parent is None and self.instance.pk:
            parent = self.instance.get_parent()
        return unique_slug_under(parent, slug, exclude=self.instance) if parent else slug


def install() -> None:
    """Give every page type this form, unless a page type chose its own.

    Set on each concrete class: wagtail.admin's ready() resets Page.base_form_class itself.
    """
    for model in get_page_models():
        if model is Page or "base_form_class" in model.__dict__:
            continue
        model.base_form_class = PortalPageForm
