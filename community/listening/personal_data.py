"""Listening's part of a customer's personal data: the copies of their portal posts.

Outside posts hold no identity (an author is a keyed hash, never a name), so only posts that
came from the portal belong to a customer. They are exported and erased with the customer
(docs/privacy.md).
"""

from __future__ import annotations

from typing import Any

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
        for row in ListeningItem.objects.filter(author_id=subject.user_id).values(
            "source", "published_at", "text", "topic", "product_type", "reply"
        )
    ]


def erase_items(subject: personal_data.Subject) -> None:
    ListeningItem.objects.filter(author_id=subject.user_id).delete()


def register() -> None:
    personal_data.register(
        "listening",
        label=_("Social listening"),
        export=export_items,
        erase=erase_items,
        order=90,
    )
