"""From an accepted event to a message handed to the channel (issue 11 items 2, 6, 7)."""

from __future__ import annotations

import pytest

from portal.celery import app
from targeting.push import receivers, tasks, triggers
from targeting.push.models import SMS, PushMessage, Trigger
from targeting.tracking import ingestion
from targeting.tracking.models import CustomerProfile, RawEvent
from tests.push.conftest import card_payment, make_offer, make_trigger, messages_for
from tests.targeting.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_travel_card_payment_sends_the_travel_card_offer_by_sms(customer, send_events, console):
    # Given a live trigger on card payments at travel merchants and an approved SMS offer
    offer = make_offer()
    trigger = make_trigger([offer])
    # When the card system reports a payment of 3,200 at an airline (MCC 4511)
    payment = card_payment(customer, mcc="4511", amount=3200)
    send_events(payment)
    # Then one SMS was handed to the channel, logged with the trigger, arbitration and consent
    [message] = messages_for(customer)
    assert message.status == PushMessage.SENT
    assert message.channel == SMS
    assert (message.offer, message.trigger) == (offer, trigger)
    assert message.arbitration["offer"] == "travel-card"
    assert message.consent["marketing_consent"] is True
    # (decided on the accepted batch: the reference is the event as the card system named it)
    assert message.event_ref.startswith("event:u:") and message.event_ref.endswith(payment["id"])
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


def test_an_accepted_event_is_decided_before_it_is_folded(
    customer, policy, monkeypatch, django_capture_on_commit_callbacks
):
    # Given a live travel trigger, and folding that has not run yet (a backlog)
    make_trigger([make_offer()])
    monkeypatch.setattr(ingestion, "schedule_folding", lambda: None)
    system = UserFactory(username="card-system-2")
    # When the event API accepts a travel payment
    with django_capture_on_commit_callbacks(execute=True):
        result = ingestion.ingest_batch(
            [card_payment(customer)], ingestion.Caller.system(system.pk)
        )
    assert result.accepted
    # Then the SMS went out although nothing was folded
    assert RawEvent.objects.filter(folded_at__isnull=False).count() == 0
    [message] = messages_for(customer)
    assert message.status == PushMessage.SENT
    assert message.event_at is not None


def test_the_folded_path_does_not_send_the_same_event_again(customer, policy, send_events):
    # Given a trigger with no cool-down (only the idempotency key can stop a second send)
    make_trigger([make_offer()], cooldown_hours=0)
    payment = card_payment(customer)
    # When the event is decided when accepted and then again after the fold
    send_events(payment)
    raw = RawEvent.objects.get(client_id=payment["id"])
    folded = {
        "id": raw.pk,
        "type": raw.type,
        "channel": raw.channel,
        "at": raw.at.isoformat(),
        "received_at": raw.received_at.isoformat(),
        "properties": raw.properties,
        "user_id": customer.pk,
    }
    assert triggers.evaluate_events([folded]) == []
    # Then one message only
    assert len(messages_for(customer)) == 1


def test_the_folded_path_catches_what_the_accepted_path_missed(customer, policy, send_events):
    # Given the push queue unreachable when the batch was accepted
    make_trigger([make_offer()])

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    original = tasks.evaluate_accepted.delay
    tasks.evaluate_accepted.delay = broker_down
    try:
        send_events(card_payment(customer))
    finally:
        tasks.evaluate_accepted.delay = original
    # Then the fold's evaluation sent it (its reference is the raw event)
    [message] = messages_for(customer)
    assert message.status == PushMessage.SENT
    assert message.event_ref.startswith("raw:")


def test_a_batch_no_trigger_listens_to_costs_no_query(customer, policy, django_assert_num_queries):
    make_trigger([make_offer()])
    triggers.get_index()  # built once per process
    page_views = [
        {"type": "page_view", "customer": f"user-{customer.pk}", "properties": {}}
        for _ in range(100)
    ]
    with django_assert_num_queries(0):
        receivers.queue_accepted_evaluation(sender=None, events=page_views)


def test_a_customer_known_by_crm_number_is_resolved_in_one_query(customer, policy):
    CustomerProfile.objects.update_or_create(user=customer, defaults={"customer_number": "C-0042"})
    assert triggers.customers_of(["C-0042", "user-7", "user-x", "C-none"]) == {
        "C-0042": customer.pk,
        "user-7": 7,
    }


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("targeting.push.evaluate_accepted", "push"),
        ("targeting.push.send_message", "push"),
        ("targeting.push.retry_dead", "push"),
        # the safety net after the fold runs beside the folding, never delaying a send
        ("targeting.push.evaluate_events", "celery"),
        ("targeting.tracking.process_events", "celery"),
    ],
)
def test_push_tasks_have_their_own_queue(task, queue):
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_the_event_api_queues_only_the_events_that_may_fire(
    customer, policy, monkeypatch, django_assert_num_queries
):
    # Given a travel trigger whose condition reads only the event (MCC and amount)
    make_trigger([make_offer()])
    triggers.get_index()
    queued = []
    monkeypatch.setattr(tasks.evaluate_accepted, "delay", queued.append)
    supermarket = [
        {**card_payment(customer, mcc="5411", amount=88), "source": "u:1"} for _ in range(99)
    ]
    travel = {**card_payment(customer), "source": "u:1"}
    # When a batch of 99 supermarket payments and one airline payment is accepted
    with django_assert_num_queries(0):
        receivers.queue_accepted_evaluation(sender=None, events=[*supermarket, travel])
    # Then (without a query) only the airline payment goes to the push queue
    assert [[e["id"] for e in batch] for batch in queued] == [[travel["id"]]]


def test_a_condition_reading_the_customer_is_left_to_the_push_worker():
    assert triggers.reads_only_the_event(
        {"all": [{"attr": "event.amount", "op": "gte", "value": 1}]}
    )
    assert not triggers.reads_only_the_event(
        {"all": [{"attr": "event.amount", "op": "gte", "value": 1}, {"segment": "vip"}]}
    )
    assert not triggers.reads_only_the_event({"attr": "profile.age", "op": "gt", "value": 30})
    assert not triggers.reads_only_the_event({"not": {"any": "x"}})
