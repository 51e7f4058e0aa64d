"""Receivers of other apps' signals: they only queue work."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

from targeting.push import tasks
from targeting.push.triggers import bump_version, get_index

logger = logging.getLogger("targeting.push")


def queue_trigger_evaluation(sender: Any, events: list[dict[str, Any]], **kwargs: Any) -> None:
    """Tracking folded some customers' events: evaluate the triggers that listen to them."""
    try:
        index = get_index()
        wanted = [e for e in events if index.wants(str(e.get("type", "")))]
        outcomes = [e for e in events if e.get("type") == "application"]
    except Exception:  # push never breaks folding
        logger.exception("push: could not read the trigger index")
        return
    if not wanted and not outcomes:
        return
    try:
        if wanted:
            tasks.evaluate_events.delay(wanted)
        if outcomes:
            tasks.record_conversions.delay(outcomes)
    except Exception:
        if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            logger.exception("push: trigger evaluation failed")
        else:
            logger.exception("push: could not queue trigger evaluation (broker down?)")


def queue_accepted_evaluation(sender: Any, events: list[dict[str, Any]], **kwargs: Any) -> None:
    """The event API accepted a batch: the events that may fire an event trigger go to the push
    queue now, without waiting for the fold. The in-memory index filters by type and evaluates
    the conditions that read only the event (a travel trigger's MCC and amount): a batch nobody
    listens to, or whose payments fire nothing, costs one cache read and queues nothing."""
    try:
        index = get_index()
        wanted = [e for e in events if index.may_fire(e)]
    except Exception:  # push never breaks the event API
        logger.exception("push: could not read the trigger index")
        return
    if not wanted:
        return
    try:
        tasks.evaluate_accepted.delay(wanted)
    except Exception:  # the folded path evaluates them again (same idempotency keys)
        logger.exception("push: could not queue the evaluation of accepted events")


def offer_or_trigger_changed(sender: Any, **kwargs: Any) -> None:
    bump_version()
