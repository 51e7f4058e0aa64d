"""StreamField blocks of targeting: a placement an editor drops into a page body."""

from __future__ import annotations

from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.blocks import SnippetChooserBlock

from targeting.rendering import render_placement


class PlacementBlock(SnippetChooserBlock):
    """A targeted slot: shows the campaign the visitor qualifies for, else the default content."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text",
            _("A marketing slot; what it shows is chosen per audience under Marketing."),
        )
        super().__init__("targeting.Placement", **kwargs)

    def render(self, value: Any, context: dict[str, Any] | None = None) -> SafeString:
        # Same path as the {% placement %} tag; the slug is read from the chosen snippet.
        request = (context or {}).get("request")
        if value is None:
            return SafeString("")
        return render_placement(request, value.slug)

    class Meta:
        icon = "pick"
        template = "blocks/placement.html"
