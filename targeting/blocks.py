"""StreamField blocks of targeting: a placement an editor drops into a page body, and content
shown to (or hidden from) chosen audiences (issue 14 item 5a)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from targeting.models import Segment
from targeting.rendering import audience_shows, render_placement


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


def segment_choices() -> list[tuple[str, str]]:
    """The audiences an editor may choose (by slug, so rendering needs no query)."""
    return list(Segment.objects.order_by("name").values_list("slug", "name"))


SHOW = "show"
HIDE = "hide"


class SegmentsBlock(blocks.MultipleChoiceBlock):
    """Chosen segment slugs. Read back as plain strings: Wagtail would match each stored value
    against the choices, a query per render; the editor's form still offers and checks them."""

    def normalize_choice(self, value: Any) -> Any:
        return None if value is None else str(value)


class AudienceBlockValue(blocks.StructValue):
    """An audience block's value: ``hide`` and the chosen segment slugs."""

    @property
    def hide(self) -> bool:
        return self.get("mode") == HIDE

    @property
    def segment_slugs(self) -> tuple[str, ...]:
        return tuple(str(s) for s in (self.get("segments") or ()) if s)


class AudienceBlock(blocks.StructBlock):
    """Content shown only to some audiences ("show to") or to everyone but them ("hide from").

    Decided like a placement: from the targeting snapshot, with no query for an anonymous
    visitor (``targeting.rendering.audience_shows``); each chosen segment is noted for the page
    cache, which keys the page by whether the visitor is in it. In a page preview the content
    always shows, framed and labelled with who sees it, so the editor sees every audience's
    version. ``content`` is the body's own stream of blocks (without this block: no nesting).
    """

    def __init__(self, content: blocks.Block | None = None, **kwargs: Any) -> None:
        content = content if content is not None else blocks.RichTextBlock()
        if not content.meta.label:
            # The admin would name it from its key, in English; set here, not as a constructor
            # argument, so the bodies' migrations do not change.
            content.meta.label = content.label = _("Content")
        super().__init__(
            [
                (
                    "mode",
                    blocks.ChoiceBlock(
                        choices=[
                            (SHOW, _("Show to these audiences")),
                            (HIDE, _("Hide from these audiences")),
                        ],
                        default=SHOW,
                        label=_("Who sees it"),
                    ),
                ),
                (
                    "segments",
                    SegmentsBlock(
                        choices=segment_choices,
                        label=_("Audiences"),
                        help_text=_(
                            "Visitors in any of these audiences (segments under Marketing)."
                        ),
                    ),
                ),
                ("content", content),
            ],
            **kwargs,
        )

    def render(self, value: Any, context: dict[str, Any] | None = None) -> SafeString:
        context = context or {}
        request = context.get("request")
        content = self.child_blocks["content"].render(value["content"], context)
        slugs = value.segment_slugs
        if getattr(request, "is_preview", False):
            return render_to_string(
                "blocks/audience_preview.html",
                {"hide": value.hide, "names": segment_names(slugs), "content": content},
            )
        if audience_shows(request, slugs, value.hide):
            return content
        return SafeString("")

    class Meta:
        icon = "group"
        label = _("Audience content")
        value_class = AudienceBlockValue


def segment_names(slugs: tuple[str, ...]) -> list[str]:
    """The chosen audiences' names, for the preview's label (an editor's request: a query)."""
    names = dict(Segment.objects.filter(slug__in=slugs).values_list("slug", "name"))
    return [names.get(slug, slug) for slug in slugs]
