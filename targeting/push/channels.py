"""Channels behind one adapter interface.

Every channel implements ``ChannelAdapter.send(message) -> str`` (a provider reference) and raises
``DeliveryError`` when it could not hand the message over (``permanent=True`` when retrying cannot
help, e.g. an invalid number). The send task (``targeting.push.tasks.send_message``) retries
temporary failures with backoff and dead-letters the message after the last try.

Development adapters (the defaults) are real: the SMS adapter writes to the console (the worker's
standard output and the ``targeting.push.sms`` logger), WeChat appends to a JSON-lines file, e-mail
goes through Django's mail (the console backend in development), the message centre, lead queue
and queue screen write the rows the portal, the admin and the API read. A production adapter
implements the same interface (an SMS gateway's HTTP API, WeChat's template-message API) and is
named in ``settings.PUSH_CHANNEL_ADAPTERS``.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from targeting.push.models import Lead, PushMessage

logger = logging.getLogger("targeting.push")


class DeliveryError(Exception):
    """The channel did not take the message; ``permanent`` means retrying cannot help."""

    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class ChannelAdapter:
    """The interface of every channel. Subclasses implement ``send``."""

    name = ""

    def send(self, message: PushMessage) -> str:
        """Hand ``message`` to the channel; return the provider's reference."""
        raise NotImplementedError


class ConsoleSmsAdapter(ChannelAdapter):
    """Development SMS: prints the text with the number (masked in the log)."""

    name = "sms"

    def send(self, message: PushMessage) -> str:
        pref = getattr(message.user, "contact_preference", None)
        phone = pref.phone if pref else ""
        if not phone:
            raise DeliveryError("no mobile number", permanent=True)
        line = f"[SMS to {phone}] {message.text}"
        stream = getattr(settings, "PUSH_CONSOLE_STREAM", None) or sys.stdout
        print(line, file=stream, flush=True)
        logger.info("push sms %s to %s****", message.pk, phone[:3])
        return f"console-sms-{message.pk}"


class FileWeChatAdapter(ChannelAdapter):
    """Development WeChat template messages: one JSON line per message in a file."""

    name = "wechat"

    def send(self, message: PushMessage) -> str:
        pref = getattr(message.user, "contact_preference", None)
        openid = pref.wechat_openid if pref else ""
        if not openid:
            raise DeliveryError("no WeChat account linked", permanent=True)
        offer = message.offer
        record = {
            "touser": openid,
            "template_id": offer.wechat_template_id if offer else "",
            "url": offer.link_url if offer else "",
            "data": {
                "first": {"value": message.subject},
                "keyword1": {"value": message.text},
                "remark": {"value": _("Reply TD to unsubscribe")},
            },
        }
        path = Path(getattr(settings, "PUSH_WECHAT_OUTBOX", settings.BASE_DIR / "var" / "wechat"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.with_suffix(".jsonl").open("a", encoding="utf-8") as outbox:
            outbox.write(json.dumps(record, ensure_ascii=False) + "\n")
        return f"file-wechat-{message.pk}"


class DjangoEmailAdapter(ChannelAdapter):
    """E-mail through Django's mail (HTML with a text alternative)."""

    name = "email"

    def send(self, message: PushMessage) -> str:
        address = message.user.email if message.user else ""
        if not address:
            raise DeliveryError("no e-mail address", permanent=True)
        mail = EmailMultiAlternatives(subject=message.subject, body=message.text, to=[address])
        mail.attach_alternative(message.html, "text/html")
        try:
            mail.send()
        except OSError as error:  # SMTP down: temporary
            raise DeliveryError(f"mail server: {error}") from error
        return f"email-{message.pk}"


class InboxAdapter(ChannelAdapter):
    """The portal's message centre: the message row is the inbox entry."""

    name = "inbox"

    def send(self, message: PushMessage) -> str:
        return f"inbox-{message.pk}"


class LeadQueueAdapter(ChannelAdapter):
    """The relationship-manager lead queue in the Wagtail admin."""

    name = "rm_lead"

    def send(self, message: PushMessage) -> str:
        if message.user is None or message.offer is None:
            raise DeliveryError("a lead needs a customer and an offer", permanent=True)
        lead, _created = Lead.objects.get_or_create(
            message=message,
            defaults={
                "customer": message.user,
                "offer": message.offer,
                "branch": message.branch,
                "created_at": timezone.now(),
            },
        )
        return f"lead-{lead.pk}"


class QueueScreenAdapter(ChannelAdapter):
    """The branch queue screen: the API serves recent greetings for the branch."""

    name = "queue_screen"

    def send(self, message: PushMessage) -> str:
        if not message.branch:
            raise DeliveryError("no branch", permanent=True)
        return f"queue-{message.branch}-{message.pk}"


DEFAULT_ADAPTERS = {
    "sms": "targeting.push.channels.ConsoleSmsAdapter",
    "wechat": "targeting.push.channels.FileWeChatAdapter",
    "email": "targeting.push.channels.DjangoEmailAdapter",
    "inbox": "targeting.push.channels.InboxAdapter",
    "rm_lead": "targeting.push.channels.LeadQueueAdapter",
    "queue_screen": "targeting.push.channels.QueueScreenAdapter",
}


def adapter_for(channel: str) -> ChannelAdapter:
    """The configured adapter of a channel (``settings.PUSH_CHANNEL_ADAPTERS`` overrides)."""
    paths = {**DEFAULT_ADAPTERS, **getattr(settings, "PUSH_CHANNEL_ADAPTERS", {})}
    if channel not in paths:
        raise DeliveryError(f"no adapter for channel {channel!r}", permanent=True)
    adapter: ChannelAdapter = import_string(paths[channel])()
    return adapter
