"""Celery tasks of push marketing: evaluate triggers, send with retries, release deferred sends."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from celery.signals import worker_process_init, worker_ready
from django.conf import settings
from django.db import transaction
from django.urls import get_resolver
from django.utils import timezone

from targeting.push import outcomes, triggers
from targeting.push.channels import DeliveryError, adapter_for
from targeting.push.models import INBOX, QUEUE_SCREEN, RM_LEAD, ContactPreference, PushMessage
from targeting.push.outcomes import record_conversions as record
from targeting.push.triggers import evaluate_accepted as evaluate_new
from targeting.push.triggers import evaluate_events as evaluate
from targeting.push.triggers import run_scheduled as run
from targeting.snapshot import get_snapshot

logger = logging.getLogger("targeting.push")

#: Sends are tried this many times after the first before the message is a dead letter.
MAX_RETRIES = 5


def warm_up(**kwargs: Any) -> None:
    """Load what the first decision would otherwise wait for (the URLconf the unsubscribe link
    reverses, the trigger index, the targeting snapshot) when a worker process starts, so the
    first message after a deploy is not seconds late."""
    try:
        get_resolver().url_patterns  # noqa: B018 - imported for its side effect
        triggers.get_index()
        get_snapshot()
    except Exception:  # a cold start is slower, never broken
        logger.warning("push: could not warm up the worker", exc_info=True)


worker_process_init.connect(warm_up, dispatch_uid="push-warm-up-process")
worker_ready.connect(warm_up, dispatch_uid="push-warm-up-ready")


def backoff(retries: int) -> int:
    """Seconds before the next try: 2, 4, 8, 16, 32 (capped at 5 minutes)."""
    return int(min(2 ** (retries + 1), 300))


@shared_task(name="targeting.push.evaluate_events", ignore_result=True)
def evaluate_events(events: list[dict[str, Any]]) -> int:
    """Every trigger on folded events (the safety net and the audience/behaviour triggers)."""
    return len(evaluate(events))


@shared_task(name="targeting.push.evaluate_accepted", ignore_result=True)
def evaluate_accepted(events: list[dict[str, Any]]) -> int:
    """Event triggers on a batch the event API has just accepted (the fast path)."""
    return len(evaluate_new(events))


@shared_task(name="targeting.push.record_conversions", ignore_result=True)
def record_conversions(applications: list[dict[str, Any]]) -> int:
    return record(applications)


RETRY = "retry"


def attempt_send(message_id: int, retries: int) -> str:
    """One try at handing a message to its channel; returns the status, or ``RETRY``.

    The row is locked while its adapter runs, so two workers never send it twice, and only a
    queued or failed message is sent at all (a re-delivered task finds it sent and stops).
    """
    with transaction.atomic():
        message = (
            PushMessage.objects.select_for_update(of=("self",))
            .select_related("user__contact_preference", "offer", "trigger")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.status not in (PushMessage.PENDING, PushMessage.FAILED):
            return message.status if message else "missing"
        message.attempts += 1
        try:
            reference = adapter_for(message.channel).send(message)
        except Exception as error:
            permanent = isinstance(error, DeliveryError) and error.permanent
            reason = error.reason if isinstance(error, DeliveryError) else repr(error)
            message.last_error = f"attempt {message.attempts}: {reason}"[:2000]
            if permanent or retries >= MAX_RETRIES:
                message.status = PushMessage.DEAD
                message.save(update_fields=["attempts", "last_error", "status"])
                logger.error("push: message %s is a dead letter: %s", message.pk, reason)
                return PushMessage.DEAD
            message.status = PushMessage.FAILED
            message.save(update_fields=["attempts", "last_error", "status"])
            return RETRY
        delivered = message.channel in (INBOX, RM_LEAD, QUEUE_SCREEN)
        message.status = PushMessage.DELIVERED if delivered else PushMessage.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "last_error", "status", "sent_at"])
        logger.info("push: message %s handed to %s (%s)", message.pk, message.channel, reference)
        outcomes.record(message, "sent")
        if delivered:
            outcomes.record(message, "delivered")
        return message.status


@shared_task(
    bind=True,
    name="targeting.push.send_message",
    ignore_result=True,
    max_retries=MAX_RETRIES,
    acks_late=True,
)
def send_message(self: Any, message_id: int) -> str:
    """Send one message; a temporary failure is retried with backoff, the last one dead-letters.

    Without a broker (eager, ``make run``) the retries follow at once, in this call.
    """
    if self.request.is_eager:
        retries = 0
        while (status := attempt_send(message_id, retries)) == RETRY:
            retries += 1
        return status
    status = attempt_send(message_id, self.request.retries)
    if status == RETRY:
        # The FAILED status is committed before the retry is queued.
        raise self.retry(countdown=backoff(self.request.retries))
    return status


def send_now(message_id: int) -> None:
    """The first try of a send, inside the task that decided it (a batch of accepted events).

    A temporary failure goes on as the ``send_message`` task at its second try (backoff as
    there); if even the first try could not run (the database hiccupped), the task starts over.
    """
    try:
        status = attempt_send(message_id, 0)
    except Exception:
        logger.exception("push: first try of message %s failed; queued", message_id)
        send_message.delay(message_id)
        return
    if status == RETRY:
        send_message.apply_async((message_id,), countdown=backoff(0), retries=1)


@shared_task(name="targeting.push.release_deferred", ignore_result=True)
def release_deferred() -> int:
    """Queue deferred messages whose quiet hours are over (re-checking consent and opt-out)."""
    now = timezone.now()
    released = 0
    for message in PushMessage.objects.filter(
        status=PushMessage.DEFERRED, not_before__lte=now
    ).select_related("user"):
        pref = (
            ContactPreference.objects.filter(user_id=message.user_id).first()
            if message.user_id is not None
            else None
        )
        if pref is None or not pref.marketing_consent or message.channel in (pref.opted_out or []):
            PushMessage.objects.filter(pk=message.pk).update(
                status=PushMessage.SUPPRESSED, last_error="consent withdrawn or opted out meanwhile"
            )
            continue
        updated = PushMessage.objects.filter(pk=message.pk, status=PushMessage.DEFERRED).update(
            status=PushMessage.PENDING
        )
        if updated:
            send_message.delay(message.pk)
            released += 1
    return released


@shared_task(name="targeting.push.run_scheduled", ignore_result=True)
def run_scheduled() -> int:
    """Schedule and CRM-date triggers (Celery beat, hourly)."""
    return len(run())


@shared_task(name="targeting.push.retry_dead", ignore_result=True)
def retry_dead(message_ids: list[int]) -> int:
    """Staff re-queue dead letters once the channel works again (admin action)."""
    ids = [int(i) for i in message_ids][: getattr(settings, "PUSH_MAX_REQUEUE", 500)]
    count = PushMessage.objects.filter(pk__in=ids, status=PushMessage.DEAD).update(
        status=PushMessage.PENDING, attempts=0
    )
    for message_id in ids:
        send_message.delay(message_id)
    return count
