"""Contact policy, suitability and ranking, each with its explanation (issue 11 items 3, 5)."""

from __future__ import annotations

from datetime import datetime

import pytest

from targeting.push.arbitration import ChannelVerdict, OfferCandidate, Propensity, arbitrate
from targeting.push.decisions import Moment, arbitrate_for
from targeting.push.models import EMAIL, INBOX, SMS, ContactPreference, PushMessage
from targeting.push.policy import (
    ContactPolicy,
    Policy,
    in_control_group,
    in_quiet_hours,
    quiet_hours_end,
)
from tests.push.conftest import (
    AFTERNOON,
    SHANGHAI,
    card_payment,
    make_customer,
    make_offer,
    make_trigger,
    messages_for,
    profile_for,
)

pytestmark = pytest.mark.django_db


def explain_of(outcome, slug):
    return next(entry for entry in outcome.explain if entry["offer"] == slug)


def test_no_marketing_consent_sends_nothing_and_logs_why(policy, send_events):
    user = make_customer(consent=False)
    make_trigger([make_offer()])
    send_events(card_payment(user))
    [message] = messages_for(user)
    assert message.status == PushMessage.SUPPRESSED
    entry = message.arbitration["explain"][0]
    assert entry["step"] == "contact policy"
    assert "no marketing consent" in entry["reason"]
    assert message.consent["marketing_consent"] is False


def test_opted_out_of_sms_gets_the_message_centre_instead(policy, send_events):
    user = make_customer(opted_out=[SMS])
    make_trigger([make_offer()])
    send_events(card_payment(user))
    [message] = messages_for(user)
    assert (message.channel, message.status) == (INBOX, PushMessage.DELIVERED)
    channels = message.arbitration["explain"][0]["channels"]
    assert channels[SMS] == "block: opted out of this channel"


def test_control_group_receives_nothing_but_is_recorded(policy, send_events):
    policy.control_percent = 50
    policy.save()
    users = [make_customer(phone=f"1380000{i:04d}") for i in range(40)]
    make_trigger([make_offer()])
    for user in users:
        send_events(card_payment(user))
    held = [u for u in users if in_control_group(u.pk, 50)]
    assert 0 < len(held) < len(users)
    for user in held:
        [message] = messages_for(user)
        # The would-be offer is kept, so lift can be measured against those who got it.
        assert message.status == PushMessage.SUPPRESSED
        assert message.offer is not None
        assert message.arbitration["suppressed"] == "global control group"
    # Stable: the same customers are held out every time.
    assert held == [u for u in users if in_control_group(u.pk, 50)]


def test_daily_cap_and_channel_cap(customer, policy):
    policy.daily_cap = 1
    contact = ContactPolicy(customer.pk, customer.contact_preference, Policy.load(), AFTERNOON)
    assert contact.verdict(SMS, True).action == "send"
    PushMessage.objects.create(
        idempotency_key="earlier",
        user=customer,
        channel=INBOX,
        status=PushMessage.DELIVERED,
        created_at=AFTERNOON,
    )
    contact = ContactPolicy(
        customer.pk, customer.contact_preference, Policy(daily_cap=1), AFTERNOON
    )
    assert contact.verdict(SMS, True) == ChannelVerdict(SMS, "block", "daily cap 1 reached")
    contact = ContactPolicy(
        customer.pk,
        customer.contact_preference,
        Policy(daily_cap=5, channel_daily_cap=1),
        AFTERNOON,
    )
    assert contact.verdict(INBOX, True).reason == "channel cap 1 per day reached"
    assert contact.verdict(SMS, True).action == "send"


def test_weekly_cap(customer):
    for day in range(1, 4):
        PushMessage.objects.create(
            idempotency_key=f"d{day}",
            user=customer,
            channel=SMS,
            status=PushMessage.SENT,
            created_at=AFTERNOON.replace(day=AFTERNOON.day - day),
        )
    contact = ContactPolicy(
        customer.pk, customer.contact_preference, Policy(weekly_cap=3), AFTERNOON
    )
    assert contact.verdict(INBOX, True).reason == "weekly cap 3 reached"


@pytest.mark.parametrize(
    ("hour", "quiet"), [(20, False), (21, True), (23, True), (0, True), (7, True), (8, False)]
)
def test_quiet_hours_default_21_to_8_site_time(hour, quiet):
    moment = datetime(2026, 3, 4, hour, 30, tzinfo=SHANGHAI)
    assert in_quiet_hours(moment, Policy()) is quiet


def test_quiet_hours_defer_to_eight_or_drop(customer):
    night = datetime(2026, 3, 4, 22, 15, tzinfo=SHANGHAI)
    contact = ContactPolicy(customer.pk, customer.contact_preference, Policy(), night)
    deferred = contact.verdict(SMS, True)
    assert deferred.action == "defer"
    assert datetime.fromisoformat(deferred.not_before) == datetime(
        2026, 3, 5, 8, 0, tzinfo=SHANGHAI
    )
    assert contact.verdict(SMS, False).action == "block"
    assert quiet_hours_end(datetime(2026, 3, 5, 6, 0, tzinfo=SHANGHAI), Policy()).hour == 8


def test_deferred_message_is_released_after_quiet_hours(
    customer, policy, django_capture_on_commit_callbacks, console
):
    from targeting.push import tasks

    offer = make_offer()
    trigger = make_trigger([offer])
    policy.quiet_start, policy.quiet_end = 21, 8
    policy.save()
    night = datetime(2026, 3, 4, 22, 15, tzinfo=SHANGHAI)
    from targeting.push.decisions import decide_for

    with django_capture_on_commit_callbacks(execute=True):
        message = decide_for(customer, trigger, Moment(customer.pk, night), "night-1")
    assert message.status == PushMessage.DEFERRED
    assert console.getvalue() == ""
    PushMessage.objects.filter(pk=message.pk).update(not_before=AFTERNOON)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.release_deferred() == 1
    message.refresh_from_db()
    assert message.status == PushMessage.SENT
    assert "[SMS to" in console.getvalue()


def test_unsuitable_investment_offer_is_never_pushed(customer, policy):
    # A customer of tolerance C1; an R5 private fund and an unrated card offer.
    profile_for(customer, risk_tolerance=1)
    fund = make_offer(slug="private-fund", risk_level=5, priority=100, value=100000)
    card = make_offer(slug="travel-card", priority=1)
    outcome, _contact, _audience = arbitrate_for(
        customer, [fund, card], Moment(customer.pk, AFTERNOON)
    )
    assert outcome.offer.slug == "travel-card"
    fund_entry = explain_of(outcome, "private-fund")
    assert fund_entry["step"] == "suitability"
    assert fund_entry["reason"] == "product risk R5 above customer tolerance C1"


def test_suitable_investment_offer_carries_the_risk_notice(customer, policy, send_events):
    profile_for(customer, risk_tolerance=4)
    make_trigger([make_offer(slug="balanced-fund", risk_level=3)])
    send_events(card_payment(customer))
    [message] = messages_for(customer)
    assert message.arbitration["risk_notice"] is True
    # Messages are written in the site's language (zh-hans).
    assert message.text.endswith("理财非存款，投资有风险，请阅读风险揭示。 回复TD退订")


def test_ranking_is_priority_times_propensity_times_value_and_explained():
    def candidate(slug, priority, value, prior):
        return OfferCandidate(slug, slug, priority, value, prior, None, (SMS,))

    offers = [
        candidate("a", 10, 100, 0.05),
        candidate("b", 1, 5000, 0.02),
        candidate("c", 50, 10, 0.5),
    ]
    measured = {"b": Propensity(0.001, "measured", 1000, 1)}
    outcome = arbitrate(
        offers,
        ctx=None,
        tolerance=None,
        policy=lambda o: [ChannelVerdict(SMS, "send", "ok")],
        propensity=lambda o: measured.get(o.slug, Propensity(o.prior_propensity, "prior")),
    )
    # a: 10*0.05*100 = 50; b: 1*0.001*5000 = 5 (measured beats its prior of 0.02); c: 50*0.5*10 = 250
    assert outcome.offer.slug == "c"
    assert explain_of(outcome, "c")["result"] == "chosen"
    assert explain_of(outcome, "a")["reason"] == "ranked below c (50 < 250)"
    assert explain_of(outcome, "b")["propensity_source"] == "measured"
    assert explain_of(outcome, "b")["score"] == 5.0


def test_audience_rule_of_an_offer(customer, policy):
    profile_for(customer, age=70)
    young = make_offer(slug="young", audience_rule={"attr": "profile.age", "op": "lt", "value": 30})
    outcome, _c, _a = arbitrate_for(customer, [young], Moment(customer.pk, AFTERNOON))
    assert outcome.offer is None
    assert explain_of(outcome, "young")["reason"] == "audience rule not met"


def test_no_address_blocks_the_channel(policy):
    user = make_customer(phone="")
    user.email = ""
    user.save()
    offer = make_offer(channels=[SMS, EMAIL], email_subject="s", email_html="<p>x</p>")
    outcome, _c, _a = arbitrate_for(user, [offer], Moment(user.pk, AFTERNOON))
    assert outcome.offer is None
    assert "sms: no mobile number" in explain_of(outcome, offer.slug)["reason"]
    assert "email: no e-mail address" in explain_of(outcome, offer.slug)["reason"]
    assert ContactPreference.objects.filter(user=user).exists()
