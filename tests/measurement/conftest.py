"""Fixtures of the measurement tests: raw events as the event API stores them."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from targeting.tracking.models import RawEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")
_ids = itertools.count(1)


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    """A site-local moment (Asia/Shanghai) on ``day`` (YYYY-MM-DD)."""
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SHANGHAI)


def raw_event(
    type_: str,
    when: datetime,
    visitor: str = "v1",
    channel: str = "web",
    received: datetime | None = None,
    **properties: Any,
) -> RawEvent:
    """One event as the buffer writes it (a browser's when on the web channel)."""
    number = next(_ids)
    return RawEvent.objects.create(
        source=f"v:{visitor}" if channel == "web" else "u:1",
        client_id=f"e{number}",
        type=type_,
        at=when,
        received_at=received or timezone.now() - timedelta(minutes=5),
        visitor_id=visitor,
        channel=channel,
        properties=properties,
    )


@pytest.fixture
def seen():
    """Seen impressions of a campaign's creative, one per visitor."""

    def make(campaign: str, creative: str, visitors: int, day: str = "2026-11-20", **extra: Any):
        for n in range(visitors):
            raw_event(
                "impression",
                at(day, 9, n % 60),
                visitor=f"{campaign}-{creative}-{n}",
                campaign=campaign,
                creative=creative,
                placement=extra.get("placement", "home-hero"),
                segment=extra.get("segment", "all"),
                device=extra.get("device", "mobile"),
            )

    return make
