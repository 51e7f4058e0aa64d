"""The time provider: local hour and weekday, China's holidays and adjusted working days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from targeting.engine.context import RequestInfo
from targeting.engine.providers import EngineConfig
from targeting.engine.providers.time import provide_time

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(
    moment: datetime, timezone: str | None = None, site: str = "Asia/Shanghai"
) -> dict[str, Any]:
    return provide_time(
        RequestInfo(now=moment, timezone=timezone), EngineConfig(site_timezone=site)
    )


def test_the_calendar_agrees_with_the_dates_these_tests_use():
    # Checked against chinese_calendar itself so the tests below rest on real data.
    assert chinese_calendar.get_holiday_detail(date(2025, 10, 1))[1] == "National Day"
    assert chinese_calendar.is_workday(date(2025, 9, 28))  # Sunday, adjusted working day
    assert chinese_calendar.is_workday(date(2025, 10, 11))  # Saturday, adjusted working day
    assert chinese_calendar.get_holiday_detail(date(2025, 10, 18)) == (True, None)  # weekend


def test_national_day_is_a_holiday_and_not_a_workday():
    result = at(datetime(2025, 10, 1, 10, 30, tzinfo=SHANGHAI))
    assert result == {
        "time.hour": 10,
        "time.weekday": 3,
        "time.is_weekend": False,
        "time.is_holiday": True,
        "time.is_workday": False,
        "time.date": "2025-10-01",
    }


def test_a_weekend_day_inside_the_holiday_is_both():
    result = at(datetime(2025, 10, 4, 12, tzinfo=SHANGHAI))  # Saturday
    assert (result["time.is_weekend"], result["time.is_holiday"], result["time.is_workday"]) == (
        True,
        True,
        False,
    )


@pytest.mark.parametrize(("day", "weekday"), [(date(2025, 9, 28), 7), (date(2025, 10, 11), 6)])
def test_adjusted_working_weekend_days_are_workdays(day, weekday):
    result = at(datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI))
    assert result["time.weekday"] == weekday
    assert result["time.is_weekend"] is True
    assert result["time.is_workday"] is True
    assert result["time.is_holiday"] is False


def test_an_ordinary_weekend_is_not_a_holiday():
    result = at(datetime(2025, 10, 18, 9, tzinfo=SHANGHAI))
    assert (result["time.is_weekend"], result["time.is_holiday"], result["time.is_workday"]) == (
        True,
        False,
        False,
    )


def test_an_ordinary_weekday():
    result = at(datetime(2025, 10, 15, 9, tzinfo=SHANGHAI))
    assert (result["time.is_holiday"], result["time.is_workday"]) == (False, True)


def test_years_the_calendar_does_not_know():
    weekday = at(datetime(2035, 3, 7, 9, tzinfo=SHANGHAI))  # a Wednesday
    assert (weekday["time.is_holiday"], weekday["time.is_workday"]) == (None, True)
    saturday = at(datetime(2035, 3, 10, 9, tzinfo=SHANGHAI))
    assert (saturday["time.is_holiday"], saturday["time.is_workday"]) == (None, False)


def test_utc_time_is_converted_to_the_site_zone():
    # 2025-09-30 17:30 UTC is 01:30 on National Day in Shanghai.
    result = at(datetime(2025, 9, 30, 17, 30, tzinfo=UTC))
    assert (result["time.date"], result["time.hour"], result["time.is_holiday"]) == (
        "2025-10-01",
        1,
        True,
    )


def test_the_visitor_zone_wins_when_known_and_valid():
    moment = datetime(2025, 10, 15, 1, tzinfo=UTC)
    assert at(moment)["time.hour"] == 9
    assert at(moment, timezone="Europe/London")["time.hour"] == 2
    assert at(moment, timezone="Not/AZone")["time.hour"] == 9  # falls back to the site's


def test_a_naive_time_is_local():
    assert at(datetime(2025, 10, 15, 23, 15))["time.hour"] == 23
