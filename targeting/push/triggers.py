"""Which live triggers fire on a folded event, on entering an audience, on a schedule or a date.

The live triggers are read once per process into ``TriggerIndex`` (conditions compiled) and read
again only when a publish bumps ``push:triggers:version`` in the cache, the way the targeting
snapshot works, so an event whose type no trigger listens to costs one cache read.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from targeting.push.decisions import (
    Moment,
    compile_optional,
    customer,
    customer_context,
    decide_for,
    segment_lookup,
)
from targeting.push.models import ContactPreference, PushMessage, Trigger, TriggerState
from targeting.push.policy import ContactPolicy, Policy
from targeting.snapshot import get_snapshot

logger = logging.getLogger("targeting.push")

VERSION_KEY = "push:triggers:version"
#: Events that never trigger anything: the push app's own outcome events (no loops).
IGNORED_TYPES = frozenset({"offer_response"})


@dataclass
class CompiledTrigger:
    trigger: Trigger
    condition: Any
    error: str = ""


@dataclass
class TriggerIndex:
    version: str
    by_event_type: dict[str, list[CompiledTrigger]] = field(default_factory=dict)
    on_any_event: list[CompiledTrigger] = field(default_factory=list)

    def wants(self, event_type: str) -> bool:
        if event_type in IGNORED_TYPES:
            return False
        return bool(self.on_any_event) or event_type in self.by_event_type

    def for_event(self, event_type: str) -> list[CompiledTrigger]:
        if event_type in IGNORED_TYPES:
            return []
        return self.by_event_type.get(event_type, []) + self.on_any_event


_lock = threading.Lock()
_state: dict[str, TriggerIndex | None] = {"index": None}


def current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = timezone.now().isoformat()
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY) or version
    return str(version)


def bump_version() -> None:
    """Call after a trigger or offer was published, unpublished or deleted."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, timezone.now().isoformat(), None))


def build_index(version: str) -> TriggerIndex:
    lookup = segment_lookup()
    index = TriggerIndex(version=version)
    by_type: dict[str, list[CompiledTrigger]] = defaultdict(list)
    for trigger in Trigger.objects.filter(live=True, enabled=True).prefetch_related("offers"):
        condition, error = compile_optional(trigger.condition, lookup)
        compiled = CompiledTrigger(trigger, condition, error)
        if error:
            logger.error("push: trigger %s has an invalid condition: %s", trigger.slug, error)
            continue
        if trigger.kind == Trigger.KIND_EVENT:
            by_type[trigger.event_type].append(compiled)
        elif trigger.kind in (Trigger.KIND_SEGMENT, Trigger.KIND_BEHAVIOUR):
            index.on_any_event.append(compiled)
    index.by_event_type = dict(by_type)
    return index


def get_index() -> TriggerIndex:
    version = current_version()
    index = _state["index"]
    if index is not None and index.version == version:
        return index
    with _lock:
        index = _state["index"]
        if index is None or index.version != version:
            index = build_index(version)
            _state["index"] = index
    return index


def reset() -> None:
    _state["index"] = None


def _parse(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _fires(compiled: CompiledTrigger, ctx: Any, user_id: int) -> bool:
    """Whether the trigger fires for this customer now (condition, audience entry)."""
    trigger = compiled.trigger
    try:
        if trigger.kind == Trigger.KIND_SEGMENT:
            inside = get_snapshot().engine.matches(trigger.segment_slug, ctx)
            if compiled.condition is not None and inside:
                inside = bool(compiled.condition(ctx))
            state, _created = TriggerState.objects.get_or_create(trigger=trigger, user_id=user_id)
            entered = inside and not state.inside
            if state.inside != inside:
                TriggerState.objects.filter(pk=state.pk).update(inside=inside)
            return entered
        return compiled.condition is None or bool(compiled.condition(ctx))
    except Exception:  # a rule that fails never fires (and never breaks the others)
        logger.exception("push: trigger %s failed to evaluate", trigger.slug)
        return False


def _cooled_down(trigger: Trigger, user_id: int, now: datetime) -> bool:
    """True (and the firing recorded) when the trigger may fire for this customer again."""
    since = now - timedelta(hours=trigger.cooldown_hours)
    with transaction.atomic():
        state, _created = TriggerState.objects.select_for_update().get_or_create(
            trigger=trigger, user_id=user_id
        )
        if state.last_fired_at is not None and state.last_fired_at > since:
            return False
        state.last_fired_at = now
        state.save(update_fields=["last_fired_at"])
    return True


def evaluate_events(events: Iterable[Mapping[str, Any]]) -> list[PushMessage]:
    """Evaluate the live triggers on folded events (dicts from tracking's ``events_folded``)."""
    index = get_index()
    policy = Policy.load()
    messages: list[PushMessage] = []
    for event in events:
        event_type = str(event.get("type", ""))
        triggers = index.for_event(event_type)
        if not triggers:
            continue
        user_id = int(event["user_id"])
        now = timezone.now()
        moment = Moment(
            user_id=user_id,
            now=now,
            event=event,
            event_ref=f"raw:{event.get('id')}",
            event_at=_parse(event.get("received_at")),
        )
        # Conditions first, on a context that reads the customer only if a rule asks: most
        # events (a supermarket payment for a travel trigger) fire nothing and cost no query.
        ctx = customer_context(user_id, moment)
        fired = [c for c in triggers if _fires(c, ctx, user_id)]
        if not fired:
            continue
        user = customer(user_id)
        if user is None:
            continue
        pref = ContactPreference.objects.filter(user_id=user.pk).first()
        contact = ContactPolicy(user.pk, pref, policy, now, moment.branch)
        for compiled in fired:
            if not _cooled_down(compiled.trigger, user.pk, now):
                continue
            message = decide_for(
                user,
                compiled.trigger,
                moment,
                f"t{compiled.trigger.pk}:e{event.get('id')}",
                policy=policy,
                contact=contact,
            )
            if message is not None:
                messages.append(message)
    return messages


def run_scheduled(now: datetime | None = None) -> list[PushMessage]:
    """Schedule and CRM-date triggers whose hour is now (site time); once per customer a day."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    policy = Policy.load()
    messages: list[PushMessage] = []
    triggers = Trigger.objects.filter(
        live=True,
        enabled=True,
        kind__in=(Trigger.KIND_SCHEDULE, Trigger.KIND_DATE),
        schedule_hour=local.hour,
    )
    lookup = segment_lookup()
    for trigger in triggers:
        weekdays = trigger.schedule_weekdays or []
        if (
            trigger.kind == Trigger.KIND_SCHEDULE
            and weekdays
            and local.isoweekday() not in weekdays
        ):
            continue
        condition, error = compile_optional(trigger.condition, lookup)
        if error:
            continue
        prefs = ContactPreference.objects.filter(marketing_consent=True).select_related("user")
        if trigger.kind == Trigger.KIND_DATE:
            target = (local + timedelta(days=trigger.days_before)).date()
            birthday = trigger.date_field == Trigger.DATE_BIRTHDAY
            lookup_by: dict[str, Any] = (
                {"birthday__month": target.month, "birthday__day": target.day}
                if birthday
                else {"deposit_maturity": target}
            )
            prefs = prefs.filter(**lookup_by)
        for pref in prefs.iterator():
            user = pref.user
            moment = Moment(user_id=user.pk, now=now)
            ctx = customer_context(user, moment)
            compiled = CompiledTrigger(trigger, condition)
            if not _fires(compiled, ctx, user.pk):
                continue
            message = decide_for(
                user,
                trigger,
                moment,
                f"t{trigger.pk}:u{user.pk}:{local.date().isoformat()}",
                policy=policy,
                contact=ContactPolicy(user.pk, pref, policy, now),
            )
            if message is not None:
                messages.append(message)
    return messages
