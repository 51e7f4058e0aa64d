"""Signal receivers of measurement (connected from ``MeasurementConfig.ready``)."""

from __future__ import annotations


def connect() -> None:
    """Nothing yet; the seen-impression receiver is connected here."""
