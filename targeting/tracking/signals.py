"""Signals tracking sends, so apps above it (push) react to events without tracking importing them.

``events_accepted`` (below) comes first, as soon as the event API has accepted a batch.

``events_folded`` is sent once the transaction that folded a chunk of events has committed, with
``events``: a list of plain dicts ``{"id", "type", "channel", "at", "properties", "user_id",
"received_at"}`` for the events that belong to a known customer (``at`` and ``received_at`` ISO
8601). Receivers must only queue work (a Celery task): they run on the folding worker.
"""

from __future__ import annotations

from django.dispatch import Signal

events_folded = Signal()

#: Sent by ``ingestion.ingest_batch`` right after a batch was appended to the buffer (before any
#: fold), with ``events``: plain dicts ``{"source", "id", "type", "channel", "at", "customer",
#: "properties", "received_at"}`` of the new events that name a customer (``customer`` is the
#: reference as sent: ``user-<id>`` or a CRM number). Receivers run in the API request: they must
#: only filter in memory and queue work. Push evaluates its event triggers here (docs/push.md).
events_accepted = Signal()
