"""The ``time`` family: local hour, weekday and date, weekends, China's holidays and working days.

Local time is the request's time in the visitor's time zone when ``RequestInfo.timezone`` names a
valid IANA zone, else in the site's (``EngineConfig.site_timezone``). A naive ``now`` is taken as
already local.

``time.is_holiday`` is true on the days off of a mainland China public holiday, including the
weekend days and bridged days the State Council's schedule attaches to it (2025-10-01 to
2025-10-08), and false on ordinary weekends: those are ``time.is_weekend``. ``time.is_workday``
follows the official schedule, so an adjusted working Sunday (2025-09-28) is a workday.
``chinese_calendar`` knows only the years it ships data for; outside them ``time.is_holiday`` is
unknown (None) and ``time.is_workday`` falls back to Monday-Friday.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar

if TYPE_CHECKING:
    from ..context import RequestInfo
    from . import EngineConfig

logger = logging.getLogger("targeting.engine")


def provide_time(info: RequestInfo, config: EngineConfig) -> dict[str, Any]:
    """The ``time.*`` attributes of a request."""
    local = local_time(info.now, info.timezone, config.site_timezone)
    day = local.date()
    weekday = day.isoweekday()
    is_holiday, is_workday = china_day(day)
    return {
        "time.hour": local.hour,
        "time.weekday": weekday,
        "time.is_weekend": weekday >= 6,
        "time.is_holiday": is_holiday,
        "time.is_workday": is_workday,
        "time.date": day.isoformat(),
    }


def local_time(now: datetime, visitor_tz: str | None, site_tz: str) -> datetime:
    """``now`` in the visitor's zone if valid, else the site's."""
    zone = (zone_info(visitor_tz) if visitor_tz else None) or zone_info(site_tz) or ZoneInfo("UTC")
    if now.tzinfo is None:
        return now.replace(tzinfo=zone)
    return now.astimezone(zone)


@lru_cache(maxsize=64)
def zone_info(name: str) -> tzinfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("unknown time zone %r", name)
        return None


@lru_cache(maxsize=2048)
def china_day(day: date) -> tuple[bool | None, bool]:
    """(is a public-holiday day off or None if unknown, is a working day)."""
    try:
        day_off, holiday_name = chinese_calendar.get_holiday_detail(day)
        is_workday = chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the installed chinese_calendar has no data for
        return None, day.isoweekday() <= 5
    return bool(day_off and holiday_name is not None), bool(is_workday)
