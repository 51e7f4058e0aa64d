"""Which live triggers fire on an event, on entering an audience, on a schedule or a date.

The live triggers are read once per process into ``TriggerIndex`` (conditions compiled) and read
again only when a publish bumps ``push:triggers:version`` in the cache, the way the targeting
snapshot works, so a batch of events whose types no trigger listens to costs one cache read and
no query.

Two paths evaluate an event (docs/push.md, "The flow"):

* **accepted** (the fast one): the event API announces each accepted batch
  (``tracking.signals.events_accepted``); the events of a type an event trigger listens to go
  straight to the ``push`` queue (``evaluate_accepted``), without waiting for the fold;
* **folded**: after the fold (``tracking.signals.events_folded``) every trigger is evaluated again,
  audience and behaviour triggers for the first time (they read the folded profile), event
  triggers as a safety net (the broker was down when the batch came, or a condition reads the
  profile the event has just changed).

Both paths give a trigger and an event the same idempotency key (``event_key``: the customer, the
event's type, time and properties), so an event never sends twice; the keys of a batch are looked
up in one query before anything else is done.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from targeting.push.decisions import (
    Moment,
    compile_optional,
    customer_context,
    decide_for,
    segment_lookup,
)
from targeting.push.models import ContactPreference, PushMessage, Trigger, TriggerState
from targeting.push.policy import ContactPolicy, Policy
from targeting.snapshot import get_snapshot
from targeting.tracking.models import CustomerProfile

logger = logging.getLogger("targeting.push")

VERSION_KEY = "push:triggers:version"
#: Events that never trigger anything: the push app's own outcome events (no loops).
IGNORED_TYPES = frozenset({"offer_response"})


@dataclass
class CompiledTrigger:
    trigger: Trigger
    condition: Any
    error: str = ""
    #: The condition reads nothing but the event (``event.*``): the event API's receiver can
    #: evaluate it in memory and queue only the events that fire.
    event_only: bool = False


def reads_only_the_event(rule: Any, depth: int = 0) -> bool:
    """Whether a (valid) rule reads only ``event.*`` attributes: no profile, behaviour, segment."""
    if depth > 50 or not isinstance(rule, dict):
        return False
    if "attr" in rule:
        return str(rule.get("attr", "")).startswith("event.")
    if "not" in rule:
        return reads_only_the_event(rule["not"], depth + 1)
    for key in ("all", "any"):
        if key in rule:
            nodes = rule[key]
            return isinstance(nodes, list) and all(
                reads_only_the_event(node, depth + 1) for node in nodes
            )
    return False  # a segment reference or anything else


@dataclass
class TriggerIndex:
    version: str
    by_event_type: dict[str, list[CompiledTrigger]] = field(default_factory=dict)
    on_any_event: list[CompiledTrigger] = field(default_factory=list)

    def wants(self, event_type: str) -> bool:
        if event_type in IGNORED_TYPES:
            return False
        return bool(self.on_any_event) or event_type in self.by_event_type

    def listens_to(self, event_type: str) -> bool:
        """An event trigger listens to this type (the accepted path's filter)."""
        return event_type not in IGNORED_TYPES and event_type in self.by_event_type

    def may_fire(self, event: Mapping[str, Any]) -> bool:
        """Whether an accepted event may fire an event trigger: its type is listened to and, for
        triggers whose condition reads only the event, the condition holds (evaluated here, in
        memory, with no query: the push queue gets only the events worth a decision)."""
        triggers = self.by_event_type.get(str(event.get("type", "")))
        if not triggers or str(event.get("type", "")) in IGNORED_TYPES:
            return False
        ctx = None
        for compiled in triggers:
            if not compiled.event_only or compiled.condition is None:
                return True  # it reads the customer: the push worker decides
            if ctx is None:
                ctx = customer_context(0, Moment(user_id=0, now=timezone.now(), event=event))
            try:
                if compiled.condition(ctx):
                    return True
            except Exception:  # the worker evaluates it again and logs why it failed
                return True
        return False

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
        compiled = CompiledTrigger(
            trigger, condition, error, event_only=reads_only_the_event(trigger.condition)
        )
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
    """True (and the firing recorded) when the trigger may fire for this customer again.

    One conditional UPDATE when the customer has a state (atomic: of two workers only one
    moves ``last_fired_at``), an INSERT the first time."""
    since = now - timedelta(hours=trigger.cooldown_hours)
    state = TriggerState.objects.filter(trigger=trigger, user_id=user_id)
    if state.filter(Q(last_fired_at__isnull=True) | Q(last_fired_at__lte=since)).update(
        last_fired_at=now
    ):
        return True
    if state.exists():
        return False  # fired within the cool-down
    try:
        with transaction.atomic():
            TriggerState.objects.create(trigger=trigger, user_id=user_id, last_fired_at=now)
    except IntegrityError:
        return False  # another worker fired it for this customer a moment ago
    return True


def event_key(user_id: int, event: Mapping[str, Any]) -> str:
    """The same hash for an event on both paths: customer, type, time (UTC) and properties."""
    at = _parse(event.get("at"))
    when = at.astimezone(UTC).isoformat() if at is not None and at.tzinfo else str(event.get("at"))
    payload = json.dumps(
        [user_id, str(event.get("type", "")), when, event.get("properties") or {}],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.blake2b(payload.encode(), digest_size=10).hexdigest()


def idempotency_key(trigger: Trigger, base: str) -> str:
    return f"t{trigger.pk}:x{base}"


@dataclass
class _Fired:
    moment: Moment
    ctx: Any
    triggers: list[CompiledTrigger]
    base: str


def _evaluate(
    items: list[tuple[Mapping[str, Any], int, list[CompiledTrigger], str]],
) -> list[PushMessage]:
    """Evaluate ``(event, user id, triggers, event reference)`` items; batched reads.

    Conditions first, on a context that reads the customer only if a rule asks: most events (a
    supermarket payment for a travel trigger) fire nothing and cost no query. For those that fire:
    one query for the keys already handled, one for the customers with their contact preferences,
    then per firing the cool-down and the arbitration.
    """
    now = timezone.now()
    fired: list[_Fired] = []
    #: The batch's customers, read once (filled below; a condition reading the customer before
    #: that reads its own account).
    accounts: dict[int, Any] = {}
    for event, user_id, triggers, reference in items:
        moment = Moment(
            user_id=user_id,
            now=now,
            event=event,
            event_ref=reference,
            event_at=_parse(event.get("received_at")),
        )
        ctx = customer_context(user_id, moment, accounts)
        firing = [c for c in triggers if _fires(c, ctx, user_id)]
        if firing:
            fired.append(_Fired(moment, ctx, firing, event_key(user_id, event)))
    if not fired:
        return []
    keys = {idempotency_key(c.trigger, f.base) for f in fired for c in f.triggers}
    done = set(
        PushMessage.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )
    users = {
        user.pk: user
        for user in get_user_model()
        .objects.select_related("contact_preference")
        .filter(pk__in={f.moment.user_id for f in fired}, is_active=True)
    }
    accounts.update(users)
    policy = Policy.load()
    # One transaction for the batch's decisions (one commit, not three per message). Once it has
    # committed, this task hands the batch's messages to their channels itself: no broker hop and
    # no second task per message; one that fails is retried by the send task with backoff.
    with transaction.atomic():
        messages = _decide(fired, users, done, policy, now)
        pending = [m.pk for m in messages if m.status == PushMessage.PENDING]
        if pending:
            transaction.on_commit(lambda: send_batch(pending))
    return messages


def send_batch(message_ids: list[int]) -> None:
    """First try of each message's send, in this task (see ``tasks.send_now``)."""
    # local: a circle: tasks imports this module
    from targeting.push import tasks

    for message_id in message_ids:
        tasks.send_now(message_id)


def _decide(
    fired: list[_Fired],
    users: Mapping[int, Any],
    done: set[str],
    policy: Policy,
    now: datetime,
) -> list[PushMessage]:
    messages: list[PushMessage] = []
    for item in fired:
        user = users.get(item.moment.user_id)
        todo = [c for c in item.triggers if idempotency_key(c.trigger, item.base) not in done]
        if user is None or not todo:
            continue
        try:
            pref: ContactPreference | None = user.contact_preference
        except ObjectDoesNotExist:
            pref = None
        contact = ContactPolicy(user.pk, pref, policy, now, item.moment.branch)
        for compiled in todo:
            if not _cooled_down(compiled.trigger, user.pk, now):
                continue
            message = decide_for(
                user,
                compiled.trigger,
                item.moment,
                idempotency_key(compiled.trigger, item.base),
                policy=policy,
                contact=contact,
                ctx=item.ctx,
                checked=True,
                queue=False,
            )
            if message is not None:
                messages.append(message)
    return messages


def evaluate_events(events: Iterable[Mapping[str, Any]]) -> list[PushMessage]:
    """Evaluate the live triggers on folded events (dicts from tracking's ``events_folded``)."""
    index = get_index()
    items = []
    for event in events:
        triggers = index.for_event(str(event.get("type", "")))
        if triggers:
            items.append((event, int(event["user_id"]), triggers, f"raw:{event.get('id')}"))
    return _evaluate(items)


def customers_of(refs: Iterable[str]) -> dict[str, int]:
    """User ids of customer references: ``user-<id>`` directly, CRM numbers in one query."""
    owners: dict[str, int] = {}
    numbers = set()
    for ref in refs:
        if ref.startswith("user-") and ref[5:].isdigit() and len(ref) < 25:
            owners[ref] = int(ref[5:])
        elif ref:
            numbers.add(ref)
    if numbers:
        for number, user_id in CustomerProfile.objects.filter(
            customer_number__in=numbers
        ).values_list("customer_number", "user_id"):
            if number:
                owners[number] = user_id
    return owners


def evaluate_accepted(events: Iterable[Mapping[str, Any]]) -> list[PushMessage]:
    """Evaluate the event triggers on accepted events (dicts from tracking's ``events_accepted``),
    before they are folded: the fast path from the event API to the channel."""
    index = get_index()
    events = [e for e in events if index.listens_to(str(e.get("type", "")))]
    owners = customers_of(str(e.get("customer") or "") for e in events)
    items = []
    for event in events:
        user_id = owners.get(str(event.get("customer") or ""))
        if user_id is None:
            continue  # a browser known only by its visitor id: the folded path resolves it
        reference = f"event:{event.get('source', '')}:{event.get('id', '')}"[:160]
        items.append((event, user_id, index.by_event_type[str(event["type"])], reference))
    return _evaluate(items)


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
