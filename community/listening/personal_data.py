"""Listening's part of a customer's personal data: the copies of their portal posts and
complaints, and of posts that name them.

Outside posts hold no identity (an author is a keyed hash, never a name), so only posts that
came from the portal belong to a customer. They are exported and erased with the customer
(docs/privacy.md).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community.listening.models import ListeningItem
from targeting.tracking import personal_data


def export_items(subject: personal_data.Subject) -> list[dict[str, Any]]:
    return [
        {
            "source": row["source"],
            "published_at": row["published_at"].isoformat(),
            "text": row["text"],
            "topic": row["topic"],
            "product_type": row["product_type"],
            "team_reply": row["reply"],
        }
        for row in ListeningItem.objects.filter(_theirs(subject)).values(
            "source", "published_at", "text", "topic", "product_type", "reply"
        )
    ]


def _theirs(subject: personal_data.Subject) -> Q:
    """Their own posts and complaints, and any listened copy that names them (a post that
    mentions them, a complaint about them registered by staff): the community redacts those at
    erasure, so the copies here go."""
    query = (
        Q(author_id=subject.user_id)
        | Q(complaint__customer_id=subject.user_id)
        | Q(portal_post__author_id=subject.user_id)
    )
    for name in {subject.username, subject.email, *subject.names}:
        # Short Latin names would match unrelated words; a two-character Chinese name will not.
        if name and (len(name) >= 3 or (len(name) == 2 and not name.isascii())):
            query |= Q(text__icontains=name) | Q(title__icontains=name)
    return query


def erase_items(subject: personal_data.Subject) -> None:
    ListeningItem.objects.filter(_theirs(subject)).delete()


def register() -> None:
    personal_data.register(
        "listening",
        label=_("Social listening"),
        export=export_items,
        erase=erase_items,
        order=90,
    )
