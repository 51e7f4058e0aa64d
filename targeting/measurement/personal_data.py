"""Measurement's part of a customer's personal data: the distinct-visitor marks.

Reports, exports, rollups and allocation history are aggregates: counts per cell, with no
visitor in them (cells of fewer than k visitors are suppressed in exports). The one per-visitor
row measurement keeps is ``VisitorMark``: "this visitor was already counted in this day's
cell", holding a 63-bit hash of the visitor id (or customer number) rather than the id itself.
A hash of an id still points at the person, so the marks are in the download and erased with
the customer (registered from ``MeasurementConfig.ready``; docs/privacy.md). The rollups' counts
stay: they are aggregates, and the raw events they were built from are erased by tracking.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from targeting.measurement.models import VisitorMark
from targeting.measurement.rollups import _hash as visitor_hash
from targeting.tracking import personal_data


def _marks(subject: personal_data.Subject) -> QuerySet[VisitorMark]:
    hashes = {visitor_hash(who) for who in (*subject.visitor_ids, *subject.customer_refs) if who}
    return VisitorMark.objects.filter(visitor__in=sorted(hashes))


def export_marks(subject: personal_data.Subject) -> dict[str, Any]:
    """The days the customer was counted in campaign statistics, and in how many cells."""
    days = Counter(_marks(subject).values_list("day", flat=True))
    return {
        "note": gettext(
            "Campaign reports hold counts only. To count each visitor once per day and "
            "statistics cell, the portal keeps a hash of the visitor id per cell; these are "
            "the days and how many cells."
        ),
        "counted_days": [
            {"day": day.isoformat(), "cells": cells} for day, cells in sorted(days.items())
        ],
    }


def erase_marks(subject: personal_data.Subject) -> None:
    _marks(subject).delete()


def register() -> None:
    personal_data.register(
        "measurement",
        label=_("Campaign statistics"),
        export=export_marks,
        erase=erase_marks,
        order=100,
    )
