"""Following a complaint by tracking number and a one-time code (issue 12 item 3)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from community import complaints, lookup, text_messages
from community.models import Complaint, ComplaintLookupCode
from tests.community.conftest import client_for

pytestmark = pytest.mark.django_db

START = "/community/complaints/lookup/"
CODE = "/community/complaints/lookup/code/"
PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _outbox(settings):
    settings.TEXT_MESSAGE_GATEWAY = "community.text_messages.OutboxGateway"
    text_messages.outbox.clear()
    yield text_messages.outbox
    text_messages.outbox.clear()


@pytest.fixture
def phone_complaint(agent) -> Complaint:
    return complaints.file_complaint(
        None,
        category="card",
        channel="phone",
        description="信用卡年费被重复扣收。",
        filed_by=agent,
        contact_name="王女士",
        contact_phone=PHONE,
    )


def main_of(response) -> str:
    """The page's own content, without the per-request CSRF token."""
    html = response.content.decode().split("<main", 1)[1].split("</main>")[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def sent_code() -> str:
    return re.search(r"\b(\d{6})\b", text_messages.outbox[-1].text).group(1)


@pytest.fixture(autouse=True)
def _send_on_commit(django_capture_on_commit_callbacks):
    """Codes go out after the transaction commits; run those callbacks as a real request would."""
    global _capture
    _capture = django_capture_on_commit_callbacks
    yield


_capture = None


def ask(client: Client, number: str, contact: str = PHONE):
    with _capture(execute=True):
        return client.post(START, {"tracking_number": number, "contact": contact})


def test_a_phone_customer_follows_their_complaint_with_a_texted_code(phone_complaint):
    # Given a complaint taken by phone, and the caller on the website without an account
    client = Client()
    # When they give its number (in any spacing) and their mobile number
    response = ask(
        client,
        phone_complaint.tracking_number.lower()[:8] + " " + phone_complaint.tracking_number[8:],
    )
    # Then a code goes to that phone, and the next step asks for it
    assert response.status_code == 302 and response["Location"] == CODE
    assert text_messages.outbox[-1].to == PHONE
    assert phone_complaint.tracking_number in text_messages.outbox[-1].text
    # When they type the code in
    response = client.post(CODE, {"code": sent_code()})
    # Then they see the complaint's status and timeline, not its description
    assert response.status_code == 302
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert page.status_code == 200
    assert phone_complaint.tracking_number in html
    assert "信用卡年费被重复扣收" not in html
    # And the code cannot be used twice
    client.session.save()
    again = Client()
    ask(again, phone_complaint.tracking_number)
    assert (
        again.post(CODE, {"code": "000000" if sent_code() != "000000" else "111111"}).status_code
        == 400
    )


def test_internal_notes_stay_internal(phone_complaint, agent):
    complaints.staff_update(phone_complaint, agent, message="内部：客户情绪激动", public=False)
    complaints.staff_update(
        phone_complaint, agent, to_status="in_progress", message="已联系发卡部门"
    )
    client = Client()
    ask(client, phone_complaint.tracking_number)
    location = client.post(CODE, {"code": sent_code()})["Location"]
    html = client.get(location).content.decode()
    assert "已联系发卡部门" in html
    assert "客户情绪激动" not in html


def test_the_answer_never_says_whether_the_number_or_contact_exists(phone_complaint):
    # Given three requests: right pair, wrong contact, a number that does not exist
    answers = []
    for number, contact in [
        (phone_complaint.tracking_number, PHONE),
        (phone_complaint.tracking_number, "13800000000"),
        ("TS20000101000000", PHONE),
    ]:
        client = Client()
        first = ask(client, number, contact)
        second = client.get(CODE, HTTP_ACCEPT_LANGUAGE="zh-hans")
        answers.append(
            (
                first.status_code,
                first["Location"],
                second.status_code,
                main_of(second).replace(number, "N"),
            )
        )
    # Then all three read the same; only the right pair got a code
    assert answers[0] == answers[1] == answers[2]
    assert len(text_messages.outbox) == 1


def test_a_code_is_void_after_five_wrong_tries(phone_complaint):
    client = Client()
    ask(client, phone_complaint.tracking_number)
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(lookup.MAX_CODE_ATTEMPTS):
        assert client.post(CODE, {"code": wrong}).status_code == 400
    # The right code no longer works: the customer must ask for a new one
    response = client.post(CODE, {"code": code})
    assert response.status_code == 400
    assert not ComplaintLookupCode.objects.filter(used_at__isnull=False).exists()


def test_a_number_is_locked_after_repeated_wrong_codes_even_with_new_codes(
    phone_complaint, settings
):
    settings.COMMUNITY_RATE_LIMITS = {}
    number = phone_complaint.tracking_number
    limit, _window = lookup.NUMBER_FAILURES
    for attempt in range(limit):
        client = Client(REMOTE_ADDR=f"10.0.0.{attempt}")
        ask(client, number)
        client.post(CODE, {"code": "999999" if sent_code() != "999999" else "888888"})
    client = Client(REMOTE_ADDR="10.0.1.1")
    ask(client, number)
    response = client.post(CODE, {"code": sent_code()}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "验证码错误次数过多" in response.content.decode()


def test_an_address_that_asks_too_often_is_slowed_down(phone_complaint):
    limit, _window = lookup.ADDRESS_REQUESTS
    client = Client()
    for _ in range(limit):
        ask(client, "TS20000101000000")
    response = ask(client, phone_complaint.tracking_number)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert text_messages.outbox == []


def test_at_most_three_codes_an_hour_per_complaint(phone_complaint):
    for attempt in range(5):
        ask(Client(REMOTE_ADDR=f"10.0.2.{attempt}"), phone_complaint.tracking_number)
    assert len(text_messages.outbox) == lookup.CODES_PER_COMPLAINT[0]


def test_an_online_customer_can_use_their_e_mail(customer):
    customer.email = "xiaoming@example.com"
    customer.save()
    complaint = complaints.file_complaint(
        customer, category="fees", channel="online", description="多收费"
    )
    client = Client()
    ask(client, complaint.tracking_number, "XiaoMing@Example.com")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["xiaoming@example.com"]
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    assert client.post(CODE, {"code": code}).status_code == 302


def test_the_result_page_needs_the_code_in_this_session(phone_complaint):
    client = Client()
    response = client.get(f"/community/complaints/lookup/{phone_complaint.tracking_number}/")
    assert response.status_code == 302 and response["Location"] == START
    # Another browser that passed the code does not open it for this one
    other = Client()
    ask(other, phone_complaint.tracking_number)
    other.post(CODE, {"code": sent_code()})
    assert (
        client.get(f"/community/complaints/lookup/{phone_complaint.tracking_number}/").status_code
        == 302
    )


def test_the_code_step_without_a_number_goes_back_to_the_start():
    response = Client().get(CODE)
    assert response.status_code == 302 and response["Location"] == START


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"tracking_number": "TS2025\x000312004711", "contact": PHONE}, "tracking_number"),
        ({"tracking_number": "x" * 10_000, "contact": PHONE}, "tracking_number"),
        ({"tracking_number": "NaN", "contact": PHONE}, "tracking_number"),
        ({"tracking_number": "TS20250312004711", "contact": "1e309"}, "contact"),
        ({"tracking_number": "TS20250312004711", "contact": "１３９１２３４５６７８"}, "contact"),
        ({"tracking_number": "TS20250312004711"}, "contact"),
    ],
)
def test_bad_input_is_named_never_a_500(data, field):
    with translation.override("en"):
        response = Client().post(START, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert field in response.content.decode() or "id_" + field in response.content.decode()
    assert text_messages.outbox == []


@pytest.mark.parametrize(
    "code", ["12345", "1234567", "１２３４５６", "abcdef", "12\x003456", "-12345"]
)
def test_bad_codes_are_refused_cleanly(phone_complaint, code):
    client = Client()
    ask(client, phone_complaint.tracking_number)
    response = client.post(CODE, {"code": code})
    assert response.status_code == 400


# Customer service registers a complaint by phone or at a branch -------------------------------


def test_customer_service_registers_a_phone_complaint_and_the_caller_gets_the_number(agent):
    client = client_for(agent)
    with _capture(execute=True):
        response = client.post(
            "/admin/community/complaints/register/",
            {
                "channel": "phone",
                "contact_name": "王女士",
                "contact_phone": PHONE,
                "category": "card",
                "description": "电话投诉：卡片被盗刷。",
            },
        )
    complaint = Complaint.objects.get(contact_phone=PHONE)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{complaint.pk}/receipt/")
    assert complaint.customer is None and complaint.channel == "phone"
    assert complaint.tracking_number in text_messages.outbox[-1].text
    receipt = client.get(response["Location"])
    assert complaint.tracking_number in receipt.content.decode()


def test_registering_needs_the_complaint_handler_role(customer, bank_staff):
    for user in (customer, bank_staff):
        response = client_for(user).post(
            "/admin/community/complaints/register/",
            {
                "channel": "phone",
                "contact_name": "x",
                "contact_phone": PHONE,
                "category": "card",
                "description": "x",
            },
        )
        assert response.status_code in (302, 403)
    assert not Complaint.objects.exists()


def test_register_form_names_bad_fields(agent):
    with translation.override("en"):
        response = client_for(agent).post(
            "/admin/community/complaints/register/",
            {
                "channel": "web",
                "contact_name": "",
                "contact_phone": "12345",
                "category": "card",
                "description": "x",
                "customer_username": "nobody",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"channel", "contact_name", "contact_phone", "customer_username"} <= set(errors)


def test_the_staff_form_takes_a_listened_post_as_a_draft_and_refuses_hostile_values(agent):
    client = client_for(agent)
    page = client.get(
        "/admin/community/complaints/register/",
        {"description": "信用卡乱收费，要求退款", "customer_username": "xiaoming", "colour": "x"},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "信用卡乱收费，要求退款" in html and 'value="xiaoming"' in html
    nul = client.get("/admin/community/complaints/register/", {"customer_username": "a\x00b"})
    assert nul.status_code == 400
    long = client.get("/admin/community/complaints/register/", {"description": "长" * 9000})
    assert "长" * 5000 in long.content.decode() and "长" * 5001 not in long.content.decode()
