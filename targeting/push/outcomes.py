"""What customers did with pushed offers, recorded as ``offer_response`` events.

Sends (handed to the channel), opens (the message centre), clicks (the tracked link), conversions (an application for the
offer's product after the message) and declines (a lead marked declined, or a channel system)
go through tracking's event pipeline like every other event, so measurement's rollups and the
push propensities see them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from targeting.push.models import PushMessage
from targeting.tracking.ingestion import record_server_event

logger = logging.getLogger("targeting.push")

#: An application this long after a message counts as its conversion.
CONVERSION_WINDOW = timedelta(days=30)
#: "sent": handed to the channel (every channel); measurement counts sends, clicks and
#: conversions per offer and audience (``rollups.OFFER_MEASURES``), the propensities' source.
OUTCOMES = ("sent", "delivered", "open", "click", "conversion", "decline")


def record(message: PushMessage, outcome: str) -> None:
    """Record an outcome of a message (after commit, never failing the caller)."""
    if outcome not in OUTCOMES or message.offer is None or message.user_id is None:
        return
    properties = {
        "offer": message.offer.slug,
        "outcome": outcome,
        "channel": message.channel,
        "message": str(message.pk),
        "trigger": message.trigger.slug if message.trigger else None,
        "audience": message.audience,
    }
    customer_ref = f"user-{message.user_id}"

    def emit() -> None:
        try:
            record_server_event("offer_response", customer_ref=customer_ref, properties=properties)
        except Exception:
            logger.exception("push: could not record %s of message %s", outcome, message.pk)

    transaction.on_commit(emit)


def mark(message: PushMessage, outcome: str) -> None:
    """Keep the latest response on the message and record it as an event."""
    updates: dict[str, Any] = {"response": outcome}
    if outcome == "open" and message.read_at is None:
        updates["read_at"] = timezone.now()
    if outcome == "conversion" and message.converted_at is None:
        updates["converted_at"] = timezone.now()
    PushMessage.objects.filter(pk=message.pk).update(**updates)
    for key, value in updates.items():
        setattr(message, key, value)
    record(message, outcome)


def record_conversions(applications: Iterable[Mapping[str, Any]]) -> int:
    """Applications for a product a message offered within the window convert that message."""
    converted = 0
    for event in applications:
        product = str((event.get("properties") or {}).get("product", ""))
        user_id = event.get("user_id")
        if not product or not isinstance(user_id, int):
            continue
        since = timezone.now() - CONVERSION_WINDOW
        message = (
            PushMessage.objects.filter(
                user_id=user_id,
                offer__product_slug=product,
                status__in=(PushMessage.SENT, PushMessage.DELIVERED),
                sent_at__gte=since,
                converted_at__isnull=True,
            )
            .select_related("offer", "trigger")
            .order_by("-sent_at")
            .first()
        )
        if message is not None:
            mark(message, "conversion")
            converted += 1
    return converted
