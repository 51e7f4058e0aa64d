"""Channels behind one adapter: idempotent sends, retries with backoff, dead letters (item 6)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from wagtail.models import ModelLogEntry

from targeting.push import tasks
from targeting.push.channels import ChannelAdapter, DeliveryError, adapter_for
from targeting.push.models import EMAIL, SMS, WECHAT, PushMessage
from tests.push.conftest import make_customer
from tests.targeting.factories import UserFactory

pytestmark = pytest.mark.django_db

CALLS: list[int] = []


class FlakyAdapter(ChannelAdapter):
    """Fails twice, then works (a gateway's temporary outage)."""

    name = "sms"

    def send(self, message):
        CALLS.append(message.pk)
        if len(CALLS) <= 2:
            raise DeliveryError("gateway timeout")
        return "ok"


class BrokenAdapter(ChannelAdapter):
    name = "sms"

    def send(self, message):
        CALLS.append(message.pk)
        raise ConnectionError("gateway unreachable")


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()


def queued(user, channel=SMS, **fields):
    return PushMessage.objects.create(
        idempotency_key=f"k-{channel}-{user.pk}",
        user=user,
        channel=channel,
        status=PushMessage.PENDING,
        subject="您的专属优惠",
        text="张明您好 回复TD退订",
        **fields,
    )


def test_backoff_doubles_and_is_capped():
    assert [tasks.backoff(n) for n in range(5)] == [2, 4, 8, 16, 32]
    assert tasks.backoff(30) == 300


def test_temporary_failures_are_retried_then_sent(policy, settings):
    settings.PUSH_CHANNEL_ADAPTERS = {SMS: "tests.push.test_channels.FlakyAdapter"}
    message = queued(make_customer())
    tasks.send_message.delay(message.pk)
    message.refresh_from_db()
    assert message.status == PushMessage.SENT
    assert message.attempts == 3
    assert len(CALLS) == 3


def test_last_retry_dead_letters_the_message_with_its_reason(policy, settings):
    settings.PUSH_CHANNEL_ADAPTERS = {SMS: "tests.push.test_channels.BrokenAdapter"}
    message = queued(make_customer())
    tasks.send_message.delay(message.pk)
    message.refresh_from_db()
    assert message.status == PushMessage.DEAD
    assert message.attempts == tasks.MAX_RETRIES + 1
    assert message.last_error == "attempt 6: ConnectionError('gateway unreachable')"
    assert len(CALLS) == tasks.MAX_RETRIES + 1


def test_permanent_failure_is_dead_at_once(policy):
    message = queued(make_customer(phone=""))
    tasks.send_message.delay(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (PushMessage.DEAD, 1)
    assert message.last_error == "attempt 1: no mobile number"


def test_a_sent_message_is_never_sent_again(policy, console):
    message = queued(make_customer())
    tasks.send_message.delay(message.pk)
    tasks.send_message.delay(message.pk)
    assert console.getvalue().count("[SMS to") == 1


def test_email_goes_through_django_mail_with_html(policy):
    user = make_customer()
    message = queued(user, channel=EMAIL, html="<p>优惠</p><p><a href='https://x'>退订</a></p>")
    tasks.send_message.delay(message.pk)
    [sent] = mail.outbox
    assert sent.to == [user.email]
    assert sent.alternatives[0][1] == "text/html"
    assert "退订" in sent.alternatives[0][0]


def test_wechat_template_message_is_written_to_the_outbox_file(policy, settings, tmp_path):
    settings.PUSH_WECHAT_OUTBOX = tmp_path / "wechat"
    user = make_customer(wechat_openid="o6_bmjrPTlm6_2sgVt7hMZOPfL2M")
    message = queued(user, channel=WECHAT)
    tasks.send_message.delay(message.pk)
    [line] = (tmp_path / "wechat.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["touser"] == "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
    assert record["data"]["keyword1"]["value"] == "张明您好 回复TD退订"


def test_unknown_channel_has_no_adapter():
    with pytest.raises(DeliveryError) as error:
        adapter_for("pigeon")
    assert error.value.permanent


def test_staff_can_requeue_a_dead_letter(policy, client, settings):
    from django.contrib.auth.models import Group

    from tests.targeting.factories import UserFactory

    message = queued(make_customer(phone=""))
    tasks.send_message.delay(message.pk)
    message.refresh_from_db()
    assert message.status == PushMessage.DEAD
    url = f"/admin/push/messages/{message.pk}/requeue/"
    viewer = UserFactory(username="reviewer")
    viewer.groups.add(Group.objects.get(name="Compliance reviewers"))
    client.force_login(viewer)
    # Wagtail answers a refused admin action with a redirect to the dashboard.
    assert client.post(url)["Location"] == "/admin/"
    marketer = UserFactory(username="marketer")
    marketer.groups.add(Group.objects.get(name="Marketers"))
    client.force_login(marketer)
    assert client.get(url).status_code == 405
    assert client.post(url)["Location"] == f"/admin/snippets/push/pushmessage/inspect/{message.pk}/"
    message.refresh_from_db()
    assert message.status == PushMessage.DEAD  # still no number: dead again, attempts restarted
    assert message.attempts == 1


def test_the_requeue_button_posts_with_csrf_and_is_audit_logged(policy, settings):
    # Given a dead letter (no mobile number)
    message = queued(make_customer(phone=""))
    tasks.send_message.delay(message.pk)
    message.refresh_from_db()
    assert message.status == PushMessage.DEAD
    page = f"/admin/snippets/push/pushmessage/inspect/{message.pk}/"
    url = f"/admin/push/messages/{message.pk}/requeue/"
    client = Client(enforce_csrf_checks=True)
    # A compliance reviewer (no re-queue permission) sees no button
    reviewer = UserFactory(username="reviewer")
    reviewer.groups.add(Group.objects.get(name="Compliance reviewers"))
    client.force_login(reviewer)
    assert url not in client.get(page).content.decode()
    # A marketer sees the button: a POST form carrying the CSRF token
    marketer = UserFactory(username="marketer")
    marketer.groups.add(Group.objects.get(name="Marketers"))
    client.force_login(marketer)
    html = client.get(page).content.decode()
    assert f'<form method="post" action="{url}"' in html
    token = html.split('name="csrfmiddlewaretoken" value="', 2)[-1].split('"', 1)[0]
    # When it is posted without the token it is refused, with it the message is queued again
    assert client.post(url).status_code == 403
    assert not ModelLogEntry.objects.filter(action="push.requeue").exists()
    response = client.post(url, {"csrfmiddlewaretoken": token})
    assert response["Location"] == page
    # Then the re-queue is in the audit log with who did it and why the message had died
    entry = ModelLogEntry.objects.get(action="push.requeue")
    assert entry.user == marketer
    assert entry.object_id == str(message.pk)
    assert entry.data["last_error"] == "attempt 1: no mobile number"


def test_a_starting_worker_loads_the_trigger_index_before_the_first_event(policy):
    from targeting.push import triggers

    triggers.reset()
    tasks.warm_up()
    assert triggers._state["index"] is not None
