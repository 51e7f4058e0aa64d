"""The message centre in the header's account menu: a link with the unread count, and the count
on the menu's toggle. Per customer: never inside a cached fragment. One COUNT query per request,
only when signed in; a failure shows no badge rather than breaking the header."""

from __future__ import annotations

from typing import Any

from django import template

from targeting.push.views import unread_count

register = template.Library()


def _count(context: Any) -> tuple[bool, int]:
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    if not signed_in:
        return False, 0
    cached = getattr(request, "_push_unread", None)
    if cached is None:
        try:
            cached = unread_count(user)
        except Exception:
            cached = 0
        request._push_unread = cached
    return True, cached


@register.inclusion_tag("push/unread_badge.html", takes_context=True)
def unread_messages_badge(context: Any) -> dict[str, Any]:
    """``<li>`` linking the message centre, with the unread count."""
    signed_in, count = _count(context)
    return {"signed_in": signed_in, "count": count}


@register.inclusion_tag("push/unread_count.html", takes_context=True)
def unread_messages_count(context: Any) -> dict[str, Any]:
    """The unread count on the account menu's toggle (nothing when there is none)."""
    signed_in, count = _count(context)
    return {"signed_in": signed_in, "count": count}
