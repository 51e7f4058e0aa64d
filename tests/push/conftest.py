"""Fixtures of the push tests: a consenting customer, live offers and triggers, a channel system."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from targeting.push import triggers
from targeting.push.models import (
    INBOX,
    SMS,
    ContactPreference,
    Offer,
    PushMessage,
    PushSettings,
    Trigger,
)
from targeting.tracking.ingestion import Caller, ingest_batch
from tests.targeting.factories import UserFactory

TRAVEL_MCCS = ["3000", "4511", "4722", "7011"]
SHANGHAI = ZoneInfo("Asia/Shanghai")
#: An afternoon: outside the default quiet hours (21:00-08:00 site time).
AFTERNOON = datetime(2026, 3, 4, 15, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _push_state(settings) -> Iterator[None]:
    settings.TRACKING_REDIS_URL = ""
    settings.PUSH_CONSOLE_STREAM = io.StringIO()
    triggers.reset()
    yield
    triggers.reset()


@pytest.fixture
def console(settings) -> io.StringIO:
    return settings.PUSH_CONSOLE_STREAM


@pytest.fixture
def policy(db) -> PushSettings:
    row = PushSettings.load()
    row.control_percent = 0
    # Quiet hours off by default (the suite runs at any hour); their tests set them.
    row.quiet_start = row.quiet_end = 0
    row.save()
    return row


def make_customer(*, consent: bool = True, phone: str = "13800000001", **prefs: Any) -> Any:
    user = UserFactory(first_name="明", last_name="张")
    ContactPreference.objects.create(user=user, marketing_consent=consent, phone=phone, **prefs)
    return user


@pytest.fixture
def customer(db, policy) -> Any:
    return make_customer()


def make_offer(slug: str = "travel-card", **fields: Any) -> Offer:
    values: dict[str, Any] = {
        "name": "旅行白金信用卡",
        "product_slug": "travel-card",
        "channels": [SMS, INBOX],
        "priority": 10,
        "value": 800,
        "prior_propensity": 0.05,
        "title": "{{ name }}，您的专属旅行信用卡",
        "body": "{{ name }}您好，刚在{{ merchant }}消费？旅行白金卡境外消费返现。",
        "sms_text": "【示例银行】{{ name }}您好，旅行白金卡境外返现3%，详询{{ link }}",
        "link_url": "https://www.example.com/personal/travel-card/",
        "live": True,
    }
    values.update(fields)
    return Offer.objects.create(slug=slug, **values)


def make_trigger(offers: list[Offer], slug: str = "travel-spend", **fields: Any) -> Trigger:
    values: dict[str, Any] = {
        "name": "Card payment at a travel merchant",
        "kind": Trigger.KIND_EVENT,
        "event_type": "card_transaction",
        "condition": {
            "all": [
                {"attr": "event.merchant_category_code", "op": "in", "value": TRAVEL_MCCS},
                {"attr": "event.amount", "op": "gte", "value": 1000},
            ]
        },
        "live": True,
        "cooldown_hours": 24,
    }
    values.update(fields)
    trigger = Trigger.objects.create(slug=slug, **values)
    trigger.offers.set(offers)
    trigger.save()  # a parental many-to-many is written on save
    triggers.reset()
    return trigger


def card_payment(user: Any, mcc: str = "4511", amount: float = 3200, **extra: Any) -> dict:
    """A POS card payment event as the card system sends it (for a customer known by user id)."""
    return {
        "id": uuid.uuid4().hex,
        "type": "card_transaction",
        "at": timezone.now().isoformat(),
        "customer": f"user-{user.pk}",
        "channel": "pos",
        "properties": {
            "merchant_category_code": mcc,
            "amount": amount,
            "currency": "CNY",
            "merchant": "国际航空",
            **extra,
        },
    }


@pytest.fixture
def send_events(db, django_capture_on_commit_callbacks):
    """Send a batch through the events API's ingestion (as a channel system), folded eagerly;
    what runs on commit (the folded-events signal, the queued sends) runs as it would."""
    staff = UserFactory(username="card-system")

    def send(*events: dict) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            result = ingest_batch(list(events), Caller.system(staff.pk))
        assert not result.rejected, result.rejected
        return result

    return send


def messages_for(user: Any) -> list[PushMessage]:
    return list(PushMessage.objects.filter(user=user).order_by("pk"))


def profile_for(user: Any, **fields: Any) -> Any:
    """The customer's profile (the model moved to tracking with issue 9; either place works)."""
    try:
        from targeting.tracking.models import CustomerProfile
    except ImportError:  # pragma: no cover - before the move
        from targeting.models import CustomerProfile  # type: ignore[attr-defined,no-redef]
    from targeting.profiles import forget_customer

    profile, _created = CustomerProfile.objects.update_or_create(user=user, defaults=fields)
    forget_customer(user.pk)
    return profile
