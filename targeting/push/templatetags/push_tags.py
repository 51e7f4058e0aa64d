"""``{% unread_messages_badge %}``: the message-centre link with the unread count (header menu)."""

from __future__ import annotations

from typing import Any

from django import template

from targeting.push.views import unread_count

register = template.Library()


@register.inclusion_tag("push/unread_badge.html", takes_context=True)
def unread_messages_badge(context: dict[str, Any]) -> dict[str, Any]:
    """Per customer: never inside a cached fragment. One COUNT query, only when signed in."""
    request = context.get("request")
    user = getattr(request, "user", None)
    try:
        count = unread_count(user)
    except Exception:  # the header never breaks over a badge
        count = 0
    return {"signed_in": bool(user and user.is_authenticated), "count": count}
