"""Signals tracking sends, so apps above it (push) react to events without tracking importing them.

``events_folded`` is sent once the transaction that folded a chunk of events has committed, with
``events``: a list of plain dicts ``{"id", "type", "channel", "at", "properties", "user_id",
"received_at"}`` for the events that belong to a known customer (``at`` and ``received_at`` ISO
8601). Receivers must only queue work (a Celery task): they run on the folding worker.
"""

from __future__ import annotations

from django.dispatch import Signal

events_folded = Signal()
