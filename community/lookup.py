"""Following a complaint without signing in: its tracking number plus a one-time code.

For customers who complained by phone or at a branch (and anyone not signed in). The customer
gives the tracking number from their receipt and the mobile number or e-mail address they left;
when both belong to one complaint, a six-digit code goes to that contact by text message or
e-mail. The code, typed back within `CODE_TTL`, opens a read-only view of that one complaint for
`VIEW_TTL` in this browser session.

Guessing is made useless:
- the answer to a request never says whether the number exists or the contact matched;
- a code is void after `MAX_CODE_ATTEMPTS` wrong tries (counted in the database) and once used;
- each tracking number gets at most `CODES_PER_COMPLAINT` codes per hour and at most
  `NUMBER_FAILURES` wrong codes per half hour, existing or not (counted in the cache);
- each network address gets `ADDRESS_REQUESTS` requests and `ADDRESS_FAILURES` wrong codes per
  hour. A six-digit code with five tries leaves a guesser 1 in 200,000 per code.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from community.models import Complaint, ComplaintLookupCode
from community.text_messages import TextMessageError, mask_number, send_text_message
from targeting.tracking.ratelimit import exceeded, hit

logger = logging.getLogger(__name__)

CODE_TTL = timedelta(minutes=10)
VIEW_TTL = timedelta(minutes=15)
MAX_CODE_ATTEMPTS = 5
CODES_PER_COMPLAINT = (3, 3600)  # (codes, seconds) per complaint
NUMBER_FAILURES = (10, 1800)  # wrong codes per tracking number, existing or not
ADDRESS_REQUESTS = (10, 3600)  # code requests per network address
ADDRESS_FAILURES = (20, 3600)  # wrong codes per network address
SESSION_KEY = "complaint_lookup"

TRACKING_NUMBER = re.compile(r"^TS\d{14}$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
CODE = re.compile(r"^\d{6}$")


class LookupRefused(Exception):
    """The request or the code was not accepted; the message is safe to show as it is."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Contact:
    """Where a code may be sent: a mainland mobile number or an e-mail address."""

    kind: str  # "sms" or "email"
    value: str


def normalise_tracking_number(raw: str) -> str:
    """ "ts2025 0312 004711" -> "TS20250312004711"; empty when it cannot be a tracking number."""
    number = re.sub(r"[\s-]", "", raw or "").upper()
    return number if TRACKING_NUMBER.match(number) else ""


def parse_contact(raw: str) -> Contact | None:
    value = re.sub(r"[\s-]", "", raw or "")
    if value.startswith("+86"):
        value = value[3:]
    if MOBILE.match(value):
        return Contact("sms", value)
    if "@" in value and len(value) <= 254 and re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
        return Contact("email", value.lower())
    return None


def _contact_matches(complaint: Complaint, contact: Contact) -> bool:
    if contact.kind == "sms":
        return bool(complaint.contact_phone) and constant_time_compare(
            complaint.contact_phone, contact.value
        )
    emails = {complaint.contact_email.lower()} if complaint.contact_email else set()
    if complaint.customer is not None and complaint.customer.email:
        emails.add(complaint.customer.email.lower())
    return contact.value in emails


def _hash(complaint: Complaint, code: str) -> str:
    return salted_hmac("community.lookup", f"{complaint.pk}:{code}", algorithm="sha256").hexdigest()


def _mask_email(address: str) -> str:
    name, _at, domain = address.partition("@")
    return f"{name[:1]}***@{domain}"


def _refuse_when_limited(key: str, limit: tuple[int, int], message: str) -> None:
    retry_after = hit(key, *limit)
    if retry_after is not None:
        raise LookupRefused(message, retry_after)


def request_code(number: str, raw_contact: str, ip: str | None) -> None:
    """Send a code when ``number`` and the contact belong to one complaint; otherwise nothing.

    The caller shows the same answer either way. Raises `LookupRefused` only for input that
    cannot be right whatever the database holds, or when this address asked too often.
    """
    too_many = _("Too many requests from your network. Please try again later.")
    _refuse_when_limited(f"complaint-lookup:ip:{ip or 'unknown'}", ADDRESS_REQUESTS, too_many)
    tracking_number = normalise_tracking_number(number)
    contact = parse_contact(raw_contact)
    if not tracking_number or contact is None:
        raise LookupRefused(_("Check the tracking number and the mobile number or e-mail."))
    complaint = (
        Complaint.objects.select_related("customer").filter(tracking_number=tracking_number).first()
    )
    if complaint is None or not _contact_matches(complaint, contact):
        return
    if hit(f"complaint-lookup:codes:{complaint.pk}", *CODES_PER_COMPLAINT) is not None:
        return  # silently: saying so would confirm the number and contact
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    sent_to = mask_number(contact.value) if contact.kind == "sms" else _mask_email(contact.value)
    with transaction.atomic():
        # A new code replaces any earlier one still waiting.
        ComplaintLookupCode.objects.filter(complaint=complaint, used_at__isnull=True).update(
            used_at=now
        )
        ComplaintLookupCode.objects.create(
            complaint=complaint,
            code_hash=_hash(complaint, code),
            sent_to=sent_to,
            created=now,
            expires_at=now + CODE_TTL,
        )
        transaction.on_commit(lambda: _send(contact, tracking_number, code))


def _send(contact: Contact, tracking_number: str, code: str) -> None:
    minutes = int(CODE_TTL.total_seconds() // 60)
    text = _(
        "Your code to follow complaint %(number)s is %(code)s, valid for %(minutes)s minutes. "
        "Bank staff will never ask you for it."
    ) % {"number": tracking_number, "code": code, "minutes": minutes}
    try:
        if contact.kind == "sms":
            send_text_message(contact.value, text)
        else:
            send_mail(_("Your complaint code"), text, None, [contact.value])
    except (TextMessageError, OSError):
        # The customer sees "if the details match, a code is on its way" and can ask again.
        logger.exception("complaint lookup code not sent")


def verify_code(number: str, code: str, ip: str | None) -> Complaint:
    """The complaint when ``code`` is the live code for ``number``; `LookupRefused` otherwise.

    Every refusal reads the same whether or not the number exists.
    """
    wrong = _("That code is not right or has expired. Check it, or ask for a new code.")
    locked = _("Too many wrong codes. Please wait and ask for a new code later.")
    tracking_number = normalise_tracking_number(number)
    code = (code or "").strip()
    if exceeded_failures(ip, tracking_number):
        raise LookupRefused(locked)
    if not tracking_number or not CODE.match(code):
        raise LookupRefused(wrong)
    now = timezone.now()
    with transaction.atomic():
        entry = (
            ComplaintLookupCode.objects.select_for_update()
            .select_related("complaint")
            .filter(
                complaint__tracking_number=tracking_number,
                used_at__isnull=True,
                expires_at__gt=now,
                failed_attempts__lt=MAX_CODE_ATTEMPTS,
            )
            .first()
        )
        if entry is not None and constant_time_compare(
            entry.code_hash, _hash(entry.complaint, code)
        ):
            entry.used_at = now
            entry.save(update_fields=["used_at"])
            return entry.complaint
        if entry is not None:
            entry.failed_attempts += 1
            entry.save(update_fields=["failed_attempts"])
    _count_failure(ip, tracking_number)
    raise LookupRefused(wrong)


def _failure_keys(ip: str | None, tracking_number: str) -> list[tuple[str, tuple[int, int]]]:
    keys = [(f"complaint-lookup:fail-ip:{ip or 'unknown'}", ADDRESS_FAILURES)]
    if tracking_number:
        keys.append((f"complaint-lookup:fail-number:{tracking_number}", NUMBER_FAILURES))
    return keys


def exceeded_failures(ip: str | None, tracking_number: str) -> bool:
    return any(
        exceeded(key, *limit) is not None for key, limit in _failure_keys(ip, tracking_number)
    )


def _count_failure(ip: str | None, tracking_number: str) -> None:
    for key, limit in _failure_keys(ip, tracking_number):
        hit(key, *limit)


# The session side: which complaints this browser may read, and until when.


def allow_in_session(session: Any, complaint: Complaint) -> None:
    allowed = dict(session.get(SESSION_KEY) or {})
    now = timezone.now().timestamp()
    allowed = {number: until for number, until in allowed.items() if until > now}
    allowed[complaint.tracking_number] = now + VIEW_TTL.total_seconds()
    session[SESSION_KEY] = allowed
    session.cycle_key()


def allowed_in_session(session: Any, number: str) -> bool:
    until = (session.get(SESSION_KEY) or {}).get(number)
    return isinstance(until, int | float) and until > timezone.now().timestamp()


def send_acknowledgement(complaint: Complaint) -> None:
    """Text the tracking number to a complaint taken by phone or at a branch (after commit)."""
    if not complaint.contact_phone:
        return
    text = _(
        "We have received your complaint. Its tracking number is %(number)s. Follow it on our "
        "website with this number and your mobile number."
    ) % {"number": complaint.tracking_number}
    phone = complaint.contact_phone

    def deliver() -> None:
        try:
            send_text_message(phone, text)
        except TextMessageError:
            logger.exception("complaint acknowledgement not sent")

    transaction.on_commit(deliver)
