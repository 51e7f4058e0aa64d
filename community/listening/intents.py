"""Purchase intent as a customer fact: ``listening.purchase_intent`` (docs/rule-language.md).

A purchase intent written on the portal by a signed-in customer is kept on the listened post
itself (topic, product type, time); targeting reads it through the
``register_customer_history`` hook (``wagtail_hooks.py``) as the product types of the last
``LISTENING_INTENT_DAYS`` days. Recording one drops the customer's cached document so the next
decision sees it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from community.listening.models import ListeningItem, Status, Topic
from targeting.profiles import customer_key


def days() -> int:
    return int(getattr(settings, "LISTENING_INTENT_DAYS", 30))


def record(items: list[ListeningItem]) -> None:
    cache.delete_many(
        [customer_key(user_id) for user_id in {i.author_id for i in items if i.author_id}]
    )


def product_types(user_id: int) -> list[str]:
    since = timezone.now() - timedelta(days=days())
    return sorted(
        set(
            ListeningItem.objects.filter(
                author_id=user_id,
                topic=Topic.PURCHASE_INTENT,
                status=Status.DONE,
                published_at__gte=since,
            )
            .exclude(product_type="")
            .values_list("product_type", flat=True)
        )
    )
