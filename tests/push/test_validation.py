"""Invalid rules and templates are refused naming the field (issue 11, bad input)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from targeting.push.models import SMS, Offer, Trigger
from targeting.push.templating import render_html, render_text
from tests.push.conftest import make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the admin shows them in the editor's language)."""
    with translation.override("en"):
        yield


def errors_of(instance) -> dict:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def offer(**fields) -> Offer:
    values = {
        "name": "Card",
        "slug": "card",
        "title": "t",
        "body": "b",
        "channels": [SMS],
        "sms_text": "s",
    }
    values.update(fields)
    return Offer(**values)


def test_a_valid_offer_passes():
    offer().full_clean()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sms_text", "{{ name ", "Template error"),
        ("sms_text", "{% if %}", "Template error"),
        ("body", "{{ password }}", "Unknown placeholder"),
        ("title", "{% load static %}x", "Template error"),
        ("email_html", "{% include '/etc/passwd' %}", "Template error"),
        ("body", "hi\x00there", "Control characters"),
        ("body", "{% if a %}" * 300 + "x" + "{% endif %}" * 300, "at most 2000 characters"),
        ("sms_text", "{% debug %}", "not allowed"),
    ],
    ids=["unclosed", "bad-tag", "unknown-placeholder", "load", "include", "nul", "long", "debug"],
)
def test_invalid_template_is_refused_naming_the_field(field, value, message):
    errors = errors_of(offer(**{field: value}))
    assert field in errors
    assert message in errors[field][0]


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ({"attr": "event.amount", "op": "gte", "value": "lots"}, "rule.value"),
        ({"attr": "event.amout", "op": "gte", "value": 1}, "rule.attr"),
        (
            {"all": [{"attr": "event.amount", "op": "gte", "value": float("nan")}]},
            "rule.all[0].value",
        ),
        ({"attr": "event.amount", "op": "gte", "value": 10**400}, "rule.value"),
        ({"any": "x"}, "rule.any"),
    ],
    ids=["string-amount", "typo", "nan", "huge", "wrong-type"],
)
def test_invalid_condition_is_refused_with_its_path(rule, path):
    trigger = Trigger(name="t", slug="t", event_type="card_transaction", condition=rule)
    errors = errors_of(trigger)
    assert errors["condition"][0].startswith(path)


def test_deeply_nested_condition_is_refused():
    rule: dict = {"attr": "event.amount", "op": "gte", "value": 1}
    for _ in range(200):
        rule = {"not": rule}
    errors = errors_of(Trigger(name="t", slug="t", event_type="card_transaction", condition=rule))
    assert "condition" in errors


def test_trigger_kinds_need_their_fields():
    assert "event_type" in errors_of(Trigger(name="t", slug="t", event_type="nope"))
    assert "segment_slug" in errors_of(Trigger(name="t", slug="t", kind=Trigger.KIND_SEGMENT))
    errors = errors_of(Trigger(name="t", slug="t", kind=Trigger.KIND_DATE))
    assert {"schedule_hour", "date_field"} <= set(errors)


def test_channels_need_their_content():
    errors = errors_of(offer(channels=[SMS, "email", "wechat"], sms_text=""))
    assert {"sms_text", "email_html", "wechat_template_id"} <= set(errors)


@pytest.mark.parametrize("value", [-1, 1.5, float("nan"), float("inf")])
def test_propensity_must_be_a_rate(value):
    assert "prior_propensity" in errors_of(offer(prior_propensity=value))


def test_audience_rule_of_an_offer_is_validated():
    errors = errors_of(offer(audience_rule={"attr": "profile.age", "op": "matches", "value": 3}))
    assert errors["audience_rule"][0].startswith("rule.op")


def test_rendering_escapes_placeholders_in_html_and_strips_scripts():
    html = render_html(
        "<p>{{ merchant }}</p><script>alert(1)</script><a href='javascript:x'>a</a>",
        {"merchant": "<img src=x onerror=alert(1)>"},
    )
    assert "<script" not in html
    assert "<img" not in html  # the placeholder's markup is shown as text, never as a tag
    assert "javascript:" not in html
    assert "&lt;img" in html
    # Plain text is not HTML-escaped (an SMS shows the characters).
    assert render_text("{{ merchant }}", {"merchant": "A&B"}) == "A&B"


def test_offer_content_reaches_the_message_only_when_approved(customer):
    # A live offer's draft edits live in revisions; the row keeps the approved content.
    approved = make_offer()
    approved.sms_text = "draft text nobody approved"
    approved.save_revision()
    approved.refresh_from_db()
    assert "旅行白金卡境外返现3%" in approved.sms_text
