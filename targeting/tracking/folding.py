"""Profile I/O: folding events into stored documents and the customer's history, and reading them.

What a document is and how an event changes it is ``targeting.tracking.documents`` (pure); this
module locks rows, writes them and keeps the cache current. ``fold_pending`` folds unfolded ``RawEvent`` rows exactly once: the rows are locked, the
profiles updated and ``folded_at`` set in one transaction. ``rebuild_profiles`` recomputes every
profile from the raw log.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from targeting.tracking.batches import insert_returning, update_documents
from targeting.tracking.documents import (
    BEHAVIOUR_TTL,
    behaviour_key,
    customer_profile_key,
    fold_event,
)
from targeting.tracking.models import (
    CustomerProfile,
    CustomerVisitor,
    Interaction,
    RawEvent,
    VisitorProfile,
)
from targeting.tracking.signals import events_folded

logger = logging.getLogger("targeting.tracking")

#: Web event types that end up in a signed-in customer's interaction history.
HISTORY_WEB_TYPES = frozenset({"page_view", "click", "search", "form_submit", "application"})


def user_from_ref(customer_ref: str) -> int | None:
    """A portal account named as ``user-<id>`` (a customer without a CRM number)."""
    if customer_ref.startswith("user-") and customer_ref[5:].isdigit():
        return int(customer_ref[5:])
    return None


def is_browser_event(event: RawEvent) -> bool:
    """Sent by a browser's beacon (source ``v:<visitor id>``), not a channel system or the portal."""
    return event.source.startswith("v:")


def stored_behaviour(visitor_id: str | None) -> dict[str, Any]:
    """The visitor's stored document: one cache read; the database only on a miss."""
    if not visitor_id:
        return {}
    key = behaviour_key(visitor_id)
    data = cache.get(key)
    if data is not None:
        return data
    row = VisitorProfile.objects.filter(visitor_id=visitor_id).values_list("data", flat=True)
    data = next(iter(row), None) or {}
    # Cache the empty answer too: an unknown visitor must not cost a query on every page.
    cache.set(key, data, BEHAVIOUR_TTL)
    return data


def _lock_profiles(keys: Iterable[str]) -> dict[str, VisitorProfile]:
    """Create the missing profiles and lock them all (``rebuild_profiles``)."""
    keys = sorted(set(keys))
    if not keys:
        return {}
    VisitorProfile.objects.bulk_create(
        [VisitorProfile(visitor_id=k, data={}) for k in keys], ignore_conflicts=True
    )
    # Locked in a fixed order so that two folding workers cannot deadlock.
    rows = (
        VisitorProfile.objects.select_for_update()
        .filter(visitor_id__in=keys)
        .order_by("visitor_id")
    )
    return {row.visitor_id: row for row in rows}


def _locked_documents(keys: Iterable[str]) -> dict[str, tuple[int, dict[str, Any]]]:
    """The stored documents of these profiles by key, locked (one query): ``{key: (id, data)}``.

    Locked in a fixed order so that two folding workers cannot deadlock."""
    keys = sorted(set(keys))
    if not keys:
        return {}
    rows = (
        VisitorProfile.objects.select_for_update()
        .filter(visitor_id__in=keys)
        .order_by("visitor_id")
        .values_list("visitor_id", "id", "data")
    )
    return {key: (pk, data if isinstance(data, dict) else {}) for key, pk, data in rows}


def _fold_documents(targets: dict[str, list[RawEvent]]) -> dict[str, dict[str, Any]]:
    """Fold each profile's events into its stored document; one read and one write per profile.

    Existing profiles are read (and locked) in one query and written back in one statement;
    new ones are inserted with their folded document at once. A profile another worker created
    between the read and the insert is read again, locked, and folded into (rare)."""
    now = timezone.now()
    stored = _locked_documents(targets)
    updates: list[tuple[int, dict[str, Any]]] = []
    fresh: dict[str, dict[str, Any]] = {}
    documents: dict[str, dict[str, Any]] = {}

    def folded(data: dict[str, Any], items: list[RawEvent]) -> dict[str, Any]:
        for event in items:
            data = fold_event(data, event.type, event.at, event.properties or {})
        return data

    for key, items in targets.items():
        if key in stored:
            pk, data = stored[key]
            documents[key] = data = folded(data, items)
            updates.append((pk, data))
        else:
            documents[key] = fresh[key] = folded({}, items)
    if fresh:
        inserted = {
            key
            for (key,) in insert_returning(
                VisitorProfile,
                [VisitorProfile(visitor_id=k, data=d, updated_at=now) for k, d in fresh.items()],
                ("visitor_id", "data", "updated_at"),
                ("visitor_id",),
            )
        }
        raced = set(fresh) - inserted
        for key, (pk, data) in _locked_documents(raced).items():
            documents[key] = data = folded(data, targets[key])
            updates.append((pk, data))
    update_documents(VisitorProfile, updates, now)
    return documents


def _resolve_customers(events: list[RawEvent]) -> dict[int, int]:
    """Map RawEvent.pk -> user id for events that belong to a known customer."""
    refs = {e.customer_ref for e in events if e.customer_ref}
    by_ref = (
        dict(
            CustomerProfile.objects.filter(customer_number__in=refs).values_list(
                "customer_number", "user_id"
            )
        )
        if refs
        else {}
    )
    visitor_ids = {e.visitor_id for e in events if e.visitor_id}
    links: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    if visitor_ids:
        for visitor_id, user_id, linked_at in CustomerVisitor.objects.filter(
            visitor_id__in=visitor_ids
        ).values_list("visitor_id", "user_id", "linked_at"):
            links[visitor_id].append((linked_at, user_id))
    owners: dict[int, int] = {}
    for event in events:
        account = user_from_ref(event.customer_ref)
        if event.customer_ref and event.customer_ref in by_ref:
            owners[event.pk] = by_ref[event.customer_ref]
        elif account is not None:
            owners[event.pk] = account
        elif event.visitor_id in links and not is_browser_event(event):
            # A channel system's or the portal's event naming only a browser: the customer who
            # most recently signed in on it before the event. (A browser's own events carry
            # ``user-<id>`` while signed in, and nothing after sign-out: the session decides.)
            earlier = [(t, u) for t, u in links[event.visitor_id] if t <= event.at]
            if earlier:
                owners[event.pk] = max(earlier)[1]
    return owners


def _interaction(event: RawEvent, user_id: int) -> Interaction:
    return Interaction(
        user_id=user_id,
        at=event.at,
        channel=event.channel,
        type=event.type,
        properties=event.properties,
        source=event.source,
        client_id=event.client_id,
    )


def fold_events(events: list[RawEvent]) -> None:
    """Fold these events into profiles and histories (inside the caller's transaction)."""
    events.sort(key=lambda e: (e.at, e.pk or 0))
    owners = _resolve_customers(events)
    targets: dict[str, list[RawEvent]] = defaultdict(list)
    interactions: list[Interaction] = []
    for event in events:
        user_id = owners.get(event.pk)
        # A signed-in browser's events are the customer's alone: they never enter the browser's
        # own profile, which the next person on a shared browser would inherit.
        if event.visitor_id and not (user_id is not None and is_browser_event(event)):
            targets[event.visitor_id].append(event)
        if user_id is None:
            continue
        if event.channel != "web" or event.type in HISTORY_WEB_TYPES:
            interactions.append(_interaction(event, user_id))
        # A customer's events, web and other channels (card, branch, app, call centre), build
        # their cross-device profile; other channels fold into its recent-events window.
        targets[customer_profile_key(user_id)].append(event)
    documents = _fold_documents(targets)
    Interaction.objects.bulk_create(interactions, ignore_conflicts=True, batch_size=500)
    cached = {behaviour_key(k): data for k, data in documents.items()}
    # The engine reads behaviour from the cache: refresh it once the fold is committed.
    transaction.on_commit(lambda: cache.set_many(cached, BEHAVIOUR_TTL))
    _announce(events, owners)


def _announce(events: list[RawEvent], owners: dict[int, int]) -> None:
    """Tell apps above tracking (push triggers) which customers' events were folded, on commit."""
    if not events_folded.has_listeners():
        return
    folded = [
        {
            "id": event.pk,
            "type": event.type,
            "channel": event.channel,
            "at": event.at.isoformat(),
            "received_at": event.received_at.isoformat(),
            "properties": event.properties or {},
            "user_id": owners[event.pk],
        }
        for event in events
        if event.pk in owners
    ]
    if folded:
        transaction.on_commit(lambda: events_folded.send(sender=RawEvent, events=folded))


#: A fold that fails for a reason in the data (a stored value of an unexpected shape), as
#: opposed to the database being unreachable (``OperationalError``), which propagates.
FOLD_REFUSED = (TypeError, ValueError, KeyError, AttributeError, DataError, IntegrityError)


def _fold_one_by_one(events: list[RawEvent]) -> None:
    """After a chunk failed: fold each event alone, so one bad row never blocks the others.

    An event that still fails stays in the raw log (marked folded with the chunk, so it is not
    retried forever) and is logged at ERROR with its id for an operator."""
    for event in events:
        try:
            with transaction.atomic():
                fold_events([event])
        except FOLD_REFUSED as error:
            logger.error(
                "tracking: raw event %s (%s/%s) could not be folded and was skipped: %r",
                event.pk,
                event.source,
                event.client_id,
                error,
            )


def fold_inserted(events: list[RawEvent]) -> None:
    """Fold events just inserted into the raw log (already marked folded), in the caller's
    transaction: the drain's path. A chunk that fails to fold is folded one by one, as in
    ``fold_pending``."""
    if not events:
        return
    try:
        with transaction.atomic():  # a savepoint: a failed chunk leaves nothing behind
            fold_events(list(events))
    except FOLD_REFUSED as error:
        logger.warning(
            "tracking: a chunk of %d failed to fold (%r); one by one", len(events), error
        )
        _fold_one_by_one(events)


def fold_pending(limit: int = 2000) -> int:
    """Fold up to ``limit`` unfolded raw events, exactly once; returns how many were folded."""
    with transaction.atomic():
        queryset = RawEvent.objects.filter(folded_at__isnull=True).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            queryset = queryset.select_for_update(skip_locked=True)
        events = list(queryset[:limit])
        if not events:
            return 0
        try:
            with transaction.atomic():  # a savepoint: a failed chunk leaves nothing behind
                fold_events(list(events))
        except FOLD_REFUSED as error:
            logger.warning(
                "tracking: a chunk of %d failed to fold (%r); one by one", len(events), error
            )
            _fold_one_by_one(events)
        RawEvent.objects.filter(pk__in=[e.pk for e in events]).update(folded_at=timezone.now())
    return len(events)


def fold_all_pending(max_events: int = 100_000, chunk: int = 2000) -> int:
    """Fold the backlog in chunks (bounded so one task run stays short)."""
    total = 0
    while total < max_events:
        folded = fold_pending(chunk)
        total += folded
        if folded < chunk:
            break
    return total


def rebuild_profiles(chunk: int = 500) -> int:
    """Recompute every visitor profile (and customers' merged profiles) from the raw log.

    Idempotent: running it twice gives the same documents. Visitors whose profile has no raw
    events left (purged by retention) keep their current document. Returns profiles rebuilt.
    Run it while no folding worker runs, or events folded meanwhile may be counted twice.
    """
    # Fold the backlog first so every event has its interaction-history entry and marker.
    fold_all_pending(max_events=10**12)
    links: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for visitor_id, user_id, linked_at in CustomerVisitor.objects.values_list(
        "visitor_id", "user_id", "linked_at"
    ):
        links[visitor_id].append((linked_at, user_id))
    documents: dict[str, dict[str, Any]] = {}
    now = timezone.now()
    rebuilt = 0

    def flush() -> None:
        nonlocal rebuilt
        if not documents:
            return
        with transaction.atomic():
            profiles = _lock_profiles(documents)
            for key, profile in profiles.items():
                profile.data = documents[key]
                profile.updated_at = now
            VisitorProfile.objects.bulk_update(list(profiles.values()), ["data", "updated_at"])
        cache.delete_many([behaviour_key(k) for k in documents])
        rebuilt += len(documents)
        documents.clear()

    rows = (
        RawEvent.objects.exclude(visitor_id="")
        .exclude(source__startswith="v:", customer_ref__gt="")  # signed in: the customer's
        .order_by("visitor_id", "at", "id")
        .values_list("visitor_id", "type", "at", "properties")
    )
    current: str | None = None
    data: dict[str, Any] = {}
    for visitor_id, type_, at, properties in rows.iterator(chunk_size=2000):
        if visitor_id != current:
            if current is not None:
                documents[current] = data
                if len(documents) >= chunk:
                    flush()
            current, data = visitor_id, {}
        data = fold_event(data, type_, at, properties or {})
    if current is not None:
        documents[current] = data
    flush()
    # Customers' merged profiles, in time order: what each browser they signed in with did
    # anonymously up to that sign-in (the merge), and their own events of every channel (signed
    # in, or named by a system as theirs).
    browsers: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    for visitor_id, owned in links.items():
        for linked_at, user_id in owned:
            browsers[user_id].append((visitor_id, linked_at))
    numbers = dict(
        CustomerProfile.objects.exclude(customer_number="").values_list(
            "user_id", "customer_number"
        )
    )
    for user_id in set(browsers) | set(numbers):
        anonymous = Q()
        for visitor_id, linked_at in browsers.get(user_id, []):
            anonymous |= Q(visitor_id=visitor_id, customer_ref="", at__lte=linked_at)
        refs = [f"user-{user_id}"] + ([numbers[user_id]] if user_id in numbers else [])
        doc: dict[str, Any] = {}
        for type_, at, properties in (
            RawEvent.objects.filter(anonymous | Q(customer_ref__in=refs))
            .order_by("at", "id")
            .values_list("type", "at", "properties")
            .iterator(chunk_size=2000)
        ):
            doc = fold_event(doc, type_, at, properties or {})
        if doc:
            documents[customer_profile_key(user_id)] = doc
    flush()
    return rebuilt
