"""Card, resident ID and mobile numbers are masked (last 4 digits kept) in posts, topic titles and
complaint text before they are stored, and the author is told why; other numbers stay as written."""

from __future__ import annotations

import pytest

from community import complaints
from community.masking import (
    CARD,
    MOBILE,
    RESIDENT_ID,
    luhn_valid,
    mask_sensitive,
    resident_id_valid,
)
from community.models import Complaint, ComplaintEvent, Post, Topic
from tests.community.conftest import client_for

# Test numbers: Luhn-valid card numbers (a UnionPay-style 16 and 19, a Visa test number, an Amex
# test number), a resident ID whose check character is X, and a mainland mobile number.
CARD_16 = "6222021234567894"
CARD_19 = "6222021234567890128"
ID_X = "11010519491231002X"
MOBILE_NUMBER = "13812345678"


def test_the_checks_used_to_avoid_false_alarms():
    # given known-good and known-bad numbers / then the checksums tell them apart
    assert luhn_valid(CARD_16) and luhn_valid(CARD_19) and luhn_valid("4111111111111111")
    assert not luhn_valid("6222021234567895")
    assert resident_id_valid(ID_X) and resident_id_valid(ID_X.lower())
    assert not resident_id_valid("110105194912310021")  # wrong check character
    assert not resident_id_valid("11010519490231002X")  # 31 February


@pytest.mark.parametrize(
    ("text", "masked", "kind"),
    [
        (f"我的卡号{CARD_16}被扣了两次年费", "我的卡号************7894被扣了两次年费", CARD),
        ("卡号：4111 1111 1111 1111，请核实", "卡号：**** **** **** 1111，请核实", CARD),
        ("卡号6222-0212-3456-7894。", "卡号****-****-****-7894。", CARD),
        (f"借记卡{CARD_19}", "借记卡***************0128", CARD),
        ("运通卡 3782 822463 10005 被盗刷", "运通卡 **** ****** *0005 被盗刷", CARD),
        (f"身份证号{ID_X}，请帮我查", "身份证号**************002X，请帮我查", RESIDENT_ID),
        (f"身份证{ID_X.lower()}", "身份证**************002x", RESIDENT_ID),
        (f"联系电话{MOBILE_NUMBER}，谢谢", "联系电话*******5678，谢谢", MOBILE),
        ("手机：+86 138-1234-5678。", "手机：+86 ***-****-5678。", MOBILE),
        ("请拨+8613812345678", "请拨+86*******5678", MOBILE),
        ("手机 138 1234 5678 随时联系", "手机 *** **** 5678 随时联系", MOBILE),
    ],
)
def test_sensitive_numbers_keep_only_their_last_four_digits(text, masked, kind):
    # when the text is masked / then only the last 4 digits survive, and the kind is reported
    result = mask_sensitive(text)
    assert result.text == masked
    assert result.found == {kind}


@pytest.mark.parametrize(
    "text",
    [
        "白金卡年费￥3600.00元，刷卡满6次免年费",
        "账单日2025-03-12，还款日20250402",
        "订单金额1234567890123元",  # 13 digits, fails the Luhn check
        "订单号6222021234567895",  # 16 digits, fails the Luhn check
        "订单号DD13812345678已发货",  # glued to letters: a reference, not a phone
        "转账 13812345678.50 元",  # an amount with decimals
        "利率3.85%，期限36个月，额度200000元",
        "客服热线95568，工作时间9:00-18:00",
        "身份证号110105194912310021",  # wrong check character
        "时间 2025 03 12 13 45 00",
        "价格 100 200 300 400 500",
        "1234 5678 9012 3456",  # groups of four but no card number (Luhn)
        "座机 010-12345678",
    ],
)
def test_other_numbers_are_left_as_written(text):
    # when text with prices, dates, amounts and references is masked / then nothing changes
    result = mask_sensitive(text)
    assert result.text == text
    assert result.found == set()


def test_several_kinds_in_one_text_are_all_masked():
    text = f"卡{CARD_16}，身份证{ID_X}，手机{MOBILE_NUMBER}，金额￥1388.00"
    result = mask_sensitive(text)
    assert result.text == (
        "卡************7894，身份证**************002X，手机*******5678，金额￥1388.00"
    )
    assert result.found == {CARD, RESIDENT_ID, MOBILE}


def test_in_markdown_the_stars_are_escaped_so_they_are_not_emphasis():
    result = mask_sensitive(f"**注意** 电话{MOBILE_NUMBER}", markdown=True)
    assert result.text == r"**注意** 电话\*\*\*\*\*\*\*5678"


# Through the pages ---------------------------------------------------------------------------


def test_a_reply_is_masked_before_publishing_and_the_author_is_told_in_chinese(
    topic, other_customer
):
    # given a member who pastes their card number into a reply
    client = client_for(other_customer)
    # when the reply is posted (in Chinese)
    response = client.post(
        f"/community/t/{topic.pk}/reply/",
        {"body": f"我的卡号{CARD_16}被重复扣费"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    )
    # then the stored text and the page show only the last 4 digits
    post = Post.objects.filter(topic=topic).latest("id")
    assert CARD_16 not in post.body_markdown and CARD_16 not in post.body_html
    assert "7894" in post.body_html and "****" in post.body_html
    page = response.content.decode()
    assert CARD_16 not in page
    # and the author is told why, in Chinese
    assert "为保护您的信息，我们隐藏了您文字中的银行卡号" in page


def test_the_author_is_told_in_english_too(topic, other_customer):
    response = client_for(other_customer).post(
        f"/en/community/t/{topic.pk}/reply/",
        {"body": f"Call me on {MOBILE_NUMBER}"},
        follow=True,
    )
    assert "To protect you, we hid a mobile phone number in your text" in (
        response.content.decode()
    )


def test_topic_titles_and_opening_posts_are_masked(board, customer):
    # given a member who puts their phone in the title and their ID in the text
    client_for(customer).post(
        f"/community/b/{board.slug}/new/",
        {"title": f"急！{MOBILE_NUMBER}卡被锁", "body": f"身份证{ID_X}", "tags": ""},
    )
    # then neither is stored
    topic = Topic.objects.get(board=board)
    assert topic.title == "急！*******5678卡被锁"
    assert MOBILE_NUMBER not in topic.slug
    assert ID_X not in topic.posts.get().body_markdown


def test_edits_are_masked_too(topic, customer):
    post = topic.posts.first()
    client_for(customer).post(f"/community/p/{post.pk}/edit/", {"body": f"电话{MOBILE_NUMBER}"})
    post.refresh_from_db()
    assert MOBILE_NUMBER not in post.body_markdown and "5678" in post.body_html


def test_a_complaint_and_its_messages_are_masked(customer, agent):
    # given a customer who writes their card number into a complaint
    client = client_for(customer)
    response = client.post(
        "/community/complaints/new/",
        {"category": "card", "channel": "mobile_app", "description": f"卡号{CARD_16}重复扣年费"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    )
    # then the stored description is masked and they are told why
    complaint = Complaint.objects.get(customer=customer)
    assert complaint.description == "卡号************7894重复扣年费"
    assert "我们隐藏了您文字中的银行卡号" in response.content.decode()
    # and their later messages, and staff's public answers, are masked as well
    client.post(complaint.get_absolute_url(), {"message": f"我的手机{MOBILE_NUMBER}"})
    complaints.staff_update(complaint, agent, message=f"已联系{MOBILE_NUMBER}", public=True)
    messages = list(
        ComplaintEvent.objects.filter(complaint=complaint, kind="message").values_list(
            "message", flat=True
        )
    )
    assert messages == ["我的手机*******5678", "已联系*******5678"]


def test_a_post_turned_into_a_complaint_carries_the_masked_text(topic, moderator):
    post = Post.objects.create(
        topic=topic,
        author=topic.author,
        body_markdown=r"卡号\*\*\*\*7894",
        body_html="<p>卡号****7894</p>",
    )
    complaint = complaints.complaint_from_post(post, moderator, "card", "online")
    assert complaint.description == "卡号****7894"
