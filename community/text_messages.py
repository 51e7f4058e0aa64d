"""Sending text messages (SMS) to customers, behind one adapter interface.

The bank's SMS provider is configured by ``TEXT_MESSAGE_GATEWAY`` (a dotted path to a class with
the interface of `TextMessageGateway`), the way Django chooses its e-mail backend. The portal
ships two: `LoggingGateway` for development (writes the message, with the number masked, to the
``community.text_messages`` log) and `OutboxGateway` for tests (keeps messages in `outbox`). A
real provider's adapter subclasses `TextMessageGateway` and implements `send`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_GATEWAY = "community.text_messages.LoggingGateway"


class TextMessageError(Exception):
    """The provider did not accept the message; the caller decides whether the customer hears."""


@dataclass(frozen=True)
class TextMessage:
    to: str
    text: str
    sent_at: datetime


class TextMessageGateway:
    """One SMS provider. `send` raises `TextMessageError` when the provider refuses."""

    def send(self, to: str, text: str) -> TextMessage:
        raise NotImplementedError


def mask_number(number: str) -> str:
    """138****8000: enough for the customer to recognise their phone, not to read it."""
    return f"{number[:3]}****{number[-4:]}" if len(number) >= 7 else "****"


class LoggingGateway(TextMessageGateway):
    """Development: the message goes to the log instead of a phone."""

    def send(self, to: str, text: str) -> TextMessage:
        logger.info("text message to %s: %s", mask_number(to), text)
        return TextMessage(to, text, timezone.now())


#: Messages "sent" through `OutboxGateway`, newest last (tests read and clear it).
outbox: list[TextMessage] = []


class OutboxGateway(TextMessageGateway):
    """Tests: the message is kept in `outbox`, like Django's locmem e-mail backend."""

    def send(self, to: str, text: str) -> TextMessage:
        message = TextMessage(to, text, timezone.now())
        outbox.append(message)
        return message


def gateway() -> TextMessageGateway:
    """The configured gateway, read at call time so settings overrides apply."""
    gateway_class = import_string(getattr(settings, "TEXT_MESSAGE_GATEWAY", DEFAULT_GATEWAY))
    return gateway_class()


def send_text_message(to: str, text: str) -> TextMessage:
    return gateway().send(to, text)
