"""Signal receivers of measurement (connected from ``MeasurementConfig.ready``).

None today: seen impressions are counted for frequency caps by the event API itself
(``targeting.tracking.frequency``), and the rollups read the raw event log on their own schedule,
so measurement needs no signal from the apps below it. The hook stays for receivers to come.
"""

from __future__ import annotations


def connect() -> None:
    """Connect measurement's receivers (none yet)."""
