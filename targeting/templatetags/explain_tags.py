"""The preview's reasons in the reader's language (see targeting.explain_text)."""

from __future__ import annotations

from django import template

from targeting.explain_text import translate_reason

register = template.Library()


@register.filter
def explain_reason(line: str) -> str:
    """A reason line of the preview, translated."""
    return translate_reason(str(line))
