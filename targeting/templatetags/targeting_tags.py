"""``{% placement "slug" %}``: the slot's creative for this visitor, or its default content."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from targeting.rendering import render_placement

register = template.Library()


@register.simple_tag(takes_context=True)
def placement(context: dict[str, Any], slug: str) -> SafeString:
    """Render placement ``slug`` for the request in the template context (never raises)."""
    return render_placement(context.get("request"), str(slug))
