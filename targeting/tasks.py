"""Celery's autodiscovery looks for ``<app>.tasks``: the targeting app's tasks live in submodules."""

from targeting.tracking.tasks import process_events, purge_raw_events

__all__ = ["process_events", "purge_raw_events"]
