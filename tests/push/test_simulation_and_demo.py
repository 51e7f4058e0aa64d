"""Simulate covers pushes (item 3); the demo and its scenario (item 8); the header badge."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from targeting.push.models import Lead, PushMessage
from targeting.simulation import simulate
from tests.push.conftest import make_offer, make_trigger

pytestmark = pytest.mark.django_db


def test_simulate_says_which_triggers_fire_and_which_offer_would_be_pushed(policy):
    make_trigger([make_offer(), make_offer(slug="fund", risk_level=5, priority=50)])
    answer = simulate(
        {},
        {
            "event.type": "card_transaction",
            "event.merchant_category_code": "4511",
            "event.amount": 3200,
            "profile.risk_tolerance": 2,
        },
        [],
    )
    pushes = answer["pushes"]
    assert pushes["triggers"] == [
        {"trigger": "travel-spend", "kind": "event", "fires": True, "reason": "condition met"}
    ]
    decision = pushes["decisions"]["travel-spend"]
    assert decision["offer"] == "travel-card"
    fund = next(e for e in decision["explain"] if e["offer"] == "fund")
    assert fund["step"] == "suitability"


def test_simulate_a_non_matching_event(policy):
    make_trigger([make_offer()])
    answer = simulate({}, {"event.type": "card_transaction", "event.amount": 10}, [])
    [row] = answer["pushes"]["triggers"]
    assert (row["fires"], row["reason"]) == (False, "condition not met")


def test_demo_scenario_sends_the_sms_and_makes_a_lead_and_a_greeting(
    settings, django_capture_on_commit_callbacks
):
    from targeting import demo as targeting_demo
    from targeting.push import demo

    targeting_demo._demo_customer()
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())  # idempotent
    from targeting.push.models import PushSettings

    policy = PushSettings.load()
    policy.control_percent = 0
    policy.quiet_start = policy.quiet_end = 0
    policy.save()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_scenario", "--wait", "0", stdout=out)
    console = settings.PUSH_CONSOLE_STREAM.getvalue()
    assert "[SMS to 13800138000] 【示例银行】演示贵宾您好，白金信用卡境外返现最高2%" in console
    sms = PushMessage.objects.get(channel="sms")
    # The R5 private fund was never offered to a C3 customer.
    fund = next(e for e in sms.arbitration["explain"] if e["offer"] == "private-fund-r5")
    assert fund["step"] == "suitability"
    assert Lead.objects.get().branch == "CD-TF01"
    assert PushMessage.objects.get(channel="queue_screen").text.startswith("演*")


def test_header_shows_the_unread_count(client, customer):
    PushMessage.objects.create(
        idempotency_key="u1",
        user=customer,
        channel="inbox",
        status=PushMessage.DELIVERED,
        subject="s",
        text="t",
    )
    client.force_login(customer)
    page = client.get("/account/messages/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<span class="account-menu__badge"><span aria-hidden="true">1</span>' in page
    assert "1 条未读消息" in page
