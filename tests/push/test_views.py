"""Message centre, unsubscribe links, the SMS STOP endpoint and the queue-screen API (item 5, 6)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from targeting.push.decisions import unsubscribe_url
from targeting.push.models import INBOX, QUEUE_SCREEN, SMS, ContactPreference, PushMessage
from targeting.push.views import tracked_link
from tests.push.conftest import make_customer, make_offer
from tests.targeting.factories import UserFactory

pytestmark = pytest.mark.django_db


def inbox_message(user, key="m1", **fields):
    values = {
        "idempotency_key": key,
        "user": user,
        "channel": INBOX,
        "status": PushMessage.DELIVERED,
        "subject": "您的专属旅行信用卡",
        "text": "张明您好，旅行白金卡境外返现3%。",
        "sent_at": timezone.now(),
    }
    values.update(fields)
    return PushMessage.objects.create(**values)


def test_message_centre_needs_sign_in(client):
    response = client.get("/account/messages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_inbox_lists_own_messages_and_counts_unread(client, policy):
    user = make_customer()
    inbox_message(user)
    inbox_message(make_customer(phone="1"), key="other", subject="别人的消息")
    client.force_login(user)
    page = client.get("/account/messages/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "您的专属旅行信用卡" in page
    assert "别人的消息" not in page
    assert "您有 1 条未读消息。" in page


def test_reading_a_message_marks_it_read_and_records_the_open(
    client, policy, django_capture_on_commit_callbacks
):
    from targeting.tracking.models import RawEvent

    user = make_customer()
    message = inbox_message(user, offer=make_offer())
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(f"/account/messages/{message.pk}/").status_code == 200
    message.refresh_from_db()
    assert message.read_at is not None
    assert message.response == "open"
    event = RawEvent.objects.get(type="offer_response")
    assert event.properties["outcome"] == "open"
    assert event.properties["offer"] == "travel-card"


def test_another_customers_message_is_not_found(client, policy):
    message = inbox_message(make_customer())
    client.force_login(make_customer(phone="2"))
    assert client.get(f"/account/messages/{message.pk}/").status_code == 404


def test_tracked_link_records_the_click_and_goes_to_the_offer(client, policy):
    message = inbox_message(make_customer(), offer=make_offer())
    response = client.get(tracked_link(message))
    assert response["Location"] == "https://www.example.com/personal/travel-card/"
    message.refresh_from_db()
    assert message.response == "click"
    assert client.get("/push/link/forged-token/").status_code == 404


def test_unsubscribe_link_opts_out_after_confirming(client, policy):
    user = make_customer()
    url = unsubscribe_url(user.pk, SMS).removeprefix("http://testserver")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert ContactPreference.objects.get(user=user).opted_out == []  # a GET changes nothing
    client.post(url)
    assert ContactPreference.objects.get(user=user).opted_out == [SMS]


@pytest.mark.parametrize("token", ["garbage", "a" * 2000, "%00", "eyJ1Ijox"])
def test_forged_unsubscribe_token_is_refused(client, token):
    assert client.get(f"/push/unsubscribe/{token}/").status_code in (400, 404)


# --------------------------------------------------------------------------------------------
# Channel API


def issue_token(user) -> str:
    try:
        from portal.apikeys.tokens import issue
    except ImportError:  # pragma: no cover - before issue 9's move of the API keys
        from portal.apikeys.tokens import issue
    return issue(user, name="test").key


@pytest.fixture
def gateway(db):
    user = UserFactory(username="sms-gateway")
    user.user_permissions.add(Permission.objects.get(codename="receive_sms"))
    return issue_token(user)


@pytest.fixture
def screen(db):
    user = UserFactory(username="queue-screen")
    user.user_permissions.add(Permission.objects.get(codename="view_queue_screen"))
    return issue_token(user)


def post_sms(client, token, body):
    return client.post(
        "/api/v1/push/sms/inbound",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}" if token else "",
    )


@pytest.mark.parametrize("reply", ["TD", "td", " 退订 ", "STOP", "ＴＤ"])
def test_stop_keyword_opts_the_number_out_of_sms(client, policy, gateway, reply):
    user = make_customer(phone="13800000001")
    response = post_sms(client, gateway, {"sender": "+8613800000001", "text": reply})
    assert response.json() == {"opted_out": 1, "stop": True}
    assert ContactPreference.objects.get(user=user).opted_out == [SMS]


def test_other_replies_change_nothing(client, policy, gateway):
    user = make_customer()
    assert (
        post_sms(client, gateway, {"sender": "13800000001", "text": "好的"}).json()["stop"] is False
    )
    assert ContactPreference.objects.get(user=user).opted_out == []


def test_sms_inbound_needs_the_gateway_permission(client, screen):
    assert post_sms(client, "", {"sender": "1", "text": "TD"}).status_code == 401
    assert post_sms(client, screen, {"sender": "13800000001", "text": "TD"}).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sender": "13800000001\x00", "text": "TD"}, "sender"),
        ({"sender": "1" * 400, "text": "TD"}, "sender"),
        ({"sender": 13800000001, "text": "TD"}, "sender"),
        ({"sender": "13800000001", "text": "T\x00D"}, "text"),
        ({"sender": "13800000001", "text": ["TD"]}, "text"),
        ({"sender": "13800000001"}, "text"),
    ],
    ids=["nul", "long", "number", "nul-text", "list", "missing"],
)
def test_hostile_sms_bodies_are_refused_naming_the_field(client, gateway, body, field):
    response = post_sms(client, gateway, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_deeply_nested_or_nan_body_is_a_400(client, gateway):
    deep = '{"sender": ' + "[" * 5000 + "]" * 5000 + "}"
    assert (
        client.post(
            "/api/v1/push/sms/inbound",
            deep,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {gateway}",
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/api/v1/push/sms/inbound",
            '{"sender": NaN, "text": "TD"}',
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {gateway}",
        ).status_code
        == 400
    )


def test_queue_screen_shows_recent_greetings_of_its_branch(client, policy, screen):
    user = make_customer()
    inbox_message(user, key="q1", channel=QUEUE_SCREEN, branch="CD-TF01", text="张*，欢迎光临")
    inbox_message(user, key="q2", channel=QUEUE_SCREEN, branch="BJ-01", text="other branch")
    response = client.get("/api/v1/push/queue-screen/CD-TF01", HTTP_AUTHORIZATION=f"Token {screen}")
    assert [row["text"] for row in response.json()] == ["张*，欢迎光临"]


def test_queue_screen_needs_its_permission_and_a_branch_code(client, gateway, screen):
    assert client.get("/api/v1/push/queue-screen/CD-TF01").status_code == 401
    assert (
        client.get(
            "/api/v1/push/queue-screen/CD-TF01", HTTP_AUTHORIZATION=f"Token {gateway}"
        ).status_code
        == 403
    )
    response = client.get("/api/v1/push/queue-screen/%00x", HTTP_AUTHORIZATION=f"Token {screen}")
    assert response.status_code == 400
    assert "branch" in response.json()["errors"]


def test_push_endpoints_are_in_the_openapi_schema(client):
    admin = UserFactory(username="schema-reader", is_staff=True, is_superuser=True)
    client.force_login(admin)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/push/sms/inbound" in schema
    assert "/api/v1/push/queue-screen/{branch}" in schema
