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


def test_simulate_shows_and_explains_what_the_contact_policy_would_do(policy):
    # Given quiet hours 21:00-08:00 and an offer by SMS, else the message centre
    policy.quiet_start, policy.quiet_end = 21, 8
    policy.save()
    make_trigger([make_offer(defer_in_quiet_hours=True)])
    travel = {
        "event.type": "card_transaction",
        "event.merchant_category_code": "4511",
        "event.amount": 3200,
    }
    # When a payment is simulated at 22:30 site time
    answer = simulate({"at": "2026-03-04T22:30:00+08:00"}, travel, [])
    pushes = answer["pushes"]
    # Then the policy in force and the described customer are stated
    summary = pushes["contact_policy"]
    assert summary["assumed"].startswith("contact policy applied to a described customer")
    assert (summary["daily_cap"], summary["quiet_hours"], summary["in_quiet_hours"]) == (
        2,
        "21:00-08:00",
        True,
    )
    decision = pushes["decisions"]["travel-spend"]
    # and the SMS would be deferred to the end of quiet hours, with the reason per channel
    assert decision["contact_policy"] == {
        "offer": "travel-card",
        "channel": "sms",
        "action": "defer",
        "result": "deferred to 2026-03-05T08:00:00+08:00 (quiet hours)",
    }
    entry = next(e for e in decision["explain"] if e["offer"] == "travel-card")
    assert entry["channels"]["sms"] == "defer: quiet hours"
    # and what each other contact state would do
    what_if = decision["what_if"]
    assert what_if["no_marketing_consent"]["result"] == "nothing is sent"
    assert what_if["daily_cap_reached"]["result"] == "nothing is sent"
    assert what_if["opted_out_of_sms"]["channel"] == "inbox"
    assert what_if["in_control_group"]["result"] == (
        "logged as suppressed, nothing sent (global control group)"
    )
    # In the afternoon it is sent now
    afternoon = simulate({"at": "2026-03-04T15:00:00+08:00"}, travel, [])
    assert afternoon["pushes"]["decisions"]["travel-spend"]["contact_policy"]["result"] == (
        "sent now"
    )
    assert afternoon["pushes"]["contact_policy"]["in_quiet_hours"] is False


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
