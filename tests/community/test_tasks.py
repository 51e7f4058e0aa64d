"""Notification e-mails: sent only to verified addresses, with a subject that cannot carry extra
headers whatever the topic title holds."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import translation

from community.notifications import email_subject, notify, send_notification_email
from tests.community.factories import UserFactory


def _notify(user, message="有人回复了“信用卡年费怎么免?”"):
    return notify(user, "reply", message, "/community/t/1/")


def test_mail_goes_to_a_verified_address(db):
    # given a customer whose address is verified (the factory's default)
    user = UserFactory(username="verified")
    # when they are notified
    note = _notify(user)
    assert send_notification_email(note.pk) is True
    # then the e-mail goes to that address
    assert [m.to for m in mail.outbox] == [["verified@example.cn"]]


def test_no_mail_to_an_unverified_address(db):
    # given a customer who never confirmed their address
    user = UserFactory(username="unverified", email_verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    # when they are notified
    note = _notify(user)
    # then the notice stays in the portal and no e-mail leaves
    assert send_notification_email(note.pk) is False
    assert mail.outbox == []
    note.refresh_from_db()
    assert note.emailed_at is None


def test_no_mail_when_allauth_knows_no_address(db):
    # given a user whose e-mail field was filled in without allauth (e.g. by an admin)
    user = UserFactory(username="noallauth", email_verified=False)
    assert send_notification_email(_notify(user).pk) is False
    assert mail.outbox == []


def test_the_primary_verified_address_is_preferred(db):
    # given a customer with a verified old address and a verified primary one
    user = UserFactory(username="twoaddresses", email_verified=False, email="old@example.cn")
    EmailAddress.objects.create(user=user, email="old@example.cn", verified=True, primary=False)
    EmailAddress.objects.create(user=user, email="new@example.cn", verified=True, primary=True)
    EmailAddress.objects.create(user=user, email="typo@example.cn", verified=False)
    send_notification_email(_notify(user).pk)
    assert [m.to for m in mail.outbox] == [["new@example.cn"]]


@pytest.mark.parametrize(
    "title",
    [
        "年费\r\nBcc: victim@example.com",
        "年费\nContent-Type: text/html",
        "年费\rX-Injected: 1",
        "年费\u2028下一行",
        "年费\x00\x1b[31m",
        "年费\x85NEL",
    ],
)
def test_the_subject_is_one_safe_line(db, title):
    # given a notification built from a title with line breaks and control characters
    user = UserFactory(username="subject")
    note = _notify(user, f"小明回复了“{title}”")
    # when it is e-mailed
    with translation.override("zh-hans"):
        assert send_notification_email(note.pk) is True
    # then the subject is one line with no control characters, and no header was added
    subject = mail.outbox[0].subject
    assert subject.startswith("社区：小明回复了“年费 ")
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" for c in subject)
    message = mail.outbox[0].message()
    assert message["Bcc"] is None and message["X-Injected"] is None


def test_long_subjects_are_cut_with_an_ellipsis():
    with translation.override("en"):
        subject = email_subject("长" * 200)
    assert subject == "Community: " + "长" * 79 + "…"
