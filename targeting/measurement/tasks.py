"""Celery tasks of measurement (Celery finds them: ``targeting.measurement`` is an app)."""

from __future__ import annotations

from celery import shared_task

from targeting.measurement import allocation, rollups
from targeting.tracking import partitions


@shared_task(name="targeting.measurement.roll_up", ignore_result=True)
def roll_up() -> int:
    """Add the raw events that arrived since the last run to the rollups."""
    return rollups.roll_up()


@shared_task(name="targeting.measurement.reconcile", ignore_result=True)
def reconcile() -> int:
    """Rebuild yesterday and today from the raw log (catches any event a run skipped)."""
    return rollups.reconcile()


@shared_task(name="targeting.measurement.update_allocations", ignore_result=True)
def update_allocations() -> int:
    """Thompson sampling: republish the shares of campaigns on automatic allocation."""
    return allocation.update_all()


@shared_task(name="targeting.measurement.event_partitions", ignore_result=True)
def event_partitions() -> dict[str, object]:
    """Daily: the raw log's coming months created, old keys pruned, emptied months dropped."""
    return partitions.maintain()
