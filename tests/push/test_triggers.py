"""From an accepted event to a message handed to the channel (issue 11 items 2, 6, 7)."""

from __future__ import annotations

import pytest

from targeting.push.models import SMS, PushMessage, Trigger
from tests.push.conftest import card_payment, make_offer, make_trigger, messages_for

pytestmark = pytest.mark.django_db


def test_travel_card_payment_sends_the_travel_card_offer_by_sms(customer, send_events, console):
    # Given a live trigger on card payments at travel merchants and an approved SMS offer
    offer = make_offer()
    trigger = make_trigger([offer])
    # When the card system reports a payment of 3,200 at an airline (MCC 4511)
    send_events(card_payment(customer, mcc="4511", amount=3200))
    # Then one SMS was handed to the channel, logged with the trigger, arbitration and consent
    [message] = messages_for(customer)
    assert message.status == PushMessage.SENT
    assert message.channel == SMS
    assert (message.offer, message.trigger) == (offer, trigger)
    assert message.arbitration["offer"] == "travel-card"
    assert message.consent["marketing_consent"] is True
    assert message.event_ref.startswith("raw:")
    assert "张明您好，旅行白金卡境外返现3%" in console.getvalue()
    assert "13800000001" in console.getvalue()
    assert message.text.endswith("回复TD退订")


@pytest.mark.parametrize(
    ("mcc", "amount"),
    [("5411", 3200), ("4511", 999), ("4511", 0)],
    ids=["supermarket", "below-threshold", "zero"],
)
def test_condition_not_met_sends_nothing(customer, send_events, mcc, amount):
    make_trigger([make_offer()])
    send_events(card_payment(customer, mcc=mcc, amount=amount))
    assert messages_for(customer) == []


def test_the_same_event_twice_sends_once(customer, send_events, console):
    make_trigger([make_offer()])
    event = card_payment(customer)
    send_events(event)
    send_events(event)  # a retried batch: a duplicate for tracking, nothing new for push
    assert len(messages_for(customer)) == 1
    assert console.getvalue().count("[SMS to") == 1


def test_cool_down_keeps_a_second_payment_from_triggering_again(customer, send_events):
    make_trigger([make_offer()], cooldown_hours=24)
    send_events(card_payment(customer))
    send_events(card_payment(customer))
    assert len(messages_for(customer)) == 1


def test_unpublished_trigger_or_unapproved_offer_sends_nothing(customer, send_events):
    make_trigger([make_offer()], live=False)
    send_events(card_payment(customer))
    assert messages_for(customer) == []
    make_trigger([make_offer(slug="draft-offer", live=False)], slug="other")
    send_events(card_payment(customer))
    [message] = messages_for(customer)
    assert message.status == PushMessage.SUPPRESSED
    assert message.offer is None
    [entry] = message.arbitration["explain"]
    assert entry["reason"] == "not approved (not live)"


def test_branch_queue_swipe_makes_a_lead_and_a_queue_screen_greeting(customer, send_events):
    from targeting.push.models import QUEUE_SCREEN, RM_LEAD, Lead

    wealth = make_offer(
        slug="wealth-review",
        name="财富规划面谈",
        channels=[RM_LEAD],
        product_slug="",
        body="{{ name }}在{{ branch }}排队，可邀请做财富规划。",
    )
    greeting = make_offer(
        slug="queue-greeting",
        name="排队问候",
        channels=[QUEUE_SCREEN],
        product_slug="",
        priority=1,
        body="{{ name }}，欢迎光临，理财经理稍后为您服务。",
    )
    for index, offer in enumerate([wealth, greeting]):
        make_trigger(
            [offer],
            slug=f"queue-{index}",
            event_type="branch_queue_swipe",
            condition={},
        )
    send_events(
        {
            **card_payment(customer),
            "type": "branch_queue_swipe",
            "channel": "branch",
            "properties": {"branch": "CD-TF01", "service": "wealth"},
        }
    )
    lead = Lead.objects.get()
    assert (lead.customer, lead.branch, lead.status) == (customer, "CD-TF01", Lead.NEW)
    screen = PushMessage.objects.get(channel=QUEUE_SCREEN)
    # The screen in the banking hall never shows the full name.
    assert screen.text.startswith("张*，欢迎光临")
    assert screen.status == PushMessage.DELIVERED


def test_entering_an_audience_fires_once(customer, send_events):
    from targeting.models import Segment
    from targeting.snapshot import reset

    Segment.objects.create(
        name="Big spenders",
        slug="big-spenders",
        rule={"attr": "profile.is_customer", "op": "eq", "value": True},
        live=True,
    )
    reset()
    make_trigger(
        [make_offer()],
        slug="entry",
        kind=Trigger.KIND_SEGMENT,
        event_type="",
        condition={},
        segment_slug="big-spenders",
        cooldown_hours=0,
    )
    from tests.push.conftest import profile_for

    profile_for(customer, is_customer=True)
    send_events(card_payment(customer, mcc="5411"))
    send_events(card_payment(customer, mcc="5411"))
    assert len(messages_for(customer)) == 1
