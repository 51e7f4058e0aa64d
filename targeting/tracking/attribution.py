"""Which campaign led to a conversion: the last click, or else the last seen impression, in a window.

Tracking owns it because both sides need it and may import tracking: products stores the answer
on the application row when a customer applies (``products.applications``), and measurement
attributes goal, form and page conversions the same way when it builds its rollups. Only events
a visitor consented to (the beacon sends nothing without analytics consent) can be touches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from targeting.tracking.models import RawEvent

TOUCH_TYPES = ("click", "impression")
#: The dimensions a touch passes on to the conversion it led to.
TOUCH_FIELDS = ("campaign", "creative", "placement", "segment", "device")


@dataclass(frozen=True)
class Touch:
    """A click on, or a seen impression of, a campaign's creative."""

    kind: str  # "click" or "impression"
    at: datetime
    campaign: str
    creative: str = ""
    placement: str = ""
    segment: str = ""
    device: str = ""

    def as_properties(self) -> dict[str, str]:
        """The attribution as event properties (``touch`` says whether it was a click or a view)."""
        values = {name: getattr(self, name) for name in TOUCH_FIELDS}
        values["touch"] = "click" if self.kind == "click" else "view"
        return {k: v for k, v in values.items() if v}


def attribution_window() -> timedelta:
    """``ATTRIBUTION_WINDOW_DAYS`` (default 30): how long a touch may precede a conversion."""
    return timedelta(days=int(getattr(settings, "ATTRIBUTION_WINDOW_DAYS", 30)))


def touch_from_event(type_: str, at: datetime, properties: dict[str, Any]) -> Touch | None:
    """A raw click or impression as a touch; None when it names no campaign."""
    campaign = properties.get("campaign")
    if type_ not in TOUCH_TYPES or not isinstance(campaign, str) or not campaign:
        return None
    return Touch(
        kind=type_,
        at=at,
        campaign=campaign,
        **{
            name: str(properties.get(name) or "")
            for name in ("creative", "placement", "segment", "device")
        },
    )


def choose_touch(touches: Iterable[Touch], at: datetime, window: timedelta) -> Touch | None:
    """The last click within ``window`` before ``at``; without one, the last seen impression."""
    best: dict[str, Touch] = {}
    for touch in touches:
        if not (at - window <= touch.at <= at):
            continue
        current = best.get(touch.kind)
        if current is None or touch.at >= current.at:
            best[touch.kind] = touch
    return best.get("click") or best.get("impression")


def touches_of(
    visitor_ids: Iterable[str], since: datetime, until: datetime
) -> dict[str, list[Touch]]:
    """Every touch of these visitors between ``since`` and ``until`` (one query)."""
    ids = sorted({v for v in visitor_ids if v})
    found: dict[str, list[Touch]] = {v: [] for v in ids}
    if not ids:
        return found
    rows = RawEvent.objects.filter(
        visitor_id__in=ids, type__in=TOUCH_TYPES, at__gte=since, at__lte=until
    ).values_list("visitor_id", "type", "at", "properties")
    for visitor_id, type_, at, properties in rows.iterator(chunk_size=2000):
        touch = touch_from_event(type_, at, properties or {})
        if touch is not None:
            found[visitor_id].append(touch)
    return found


def last_touch(visitor_id: str, at: datetime) -> Touch | None:
    """The touch a conversion by this visitor at ``at`` is attributed to, if any."""
    if not visitor_id:
        return None
    window = attribution_window()
    touches = touches_of([visitor_id], at - window, at)
    return choose_touch(touches.get(visitor_id, []), at, window)
