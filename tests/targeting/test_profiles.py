"""The behaviour store: page views fold into a visitor profile read through the cache."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from targeting.pageviews import record_pageview
from targeting.profiles import load_behaviour
from targeting.tracking.models import VisitorProfile

SHANGHAI = ZoneInfo("Asia/Shanghai")
VID = "a" * 32


class ProductLikePage:
    product_type = "wealth"


@pytest.mark.django_db(transaction=True)
def test_page_views_count_sessions_after_thirty_minutes_of_inactivity():
    # Given a visitor who views two pages ten minutes apart, then one more an hour later
    start = datetime(2026, 3, 7, 10, 0, tzinfo=SHANGHAI)
    record_pageview(VID, None, start)
    record_pageview(VID, ProductLikePage(), start + timedelta(minutes=10))
    record_pageview(VID, None, start + timedelta(minutes=70))

    # When the profile is read
    data = VisitorProfile.objects.get(visitor_id=VID).data

    # Then there were two sessions, three page views, one visit day, and the category is known
    assert data["sessions"] == 2
    assert data["pageviews"] == 3
    assert data["session_pageviews"] == 1
    assert data["visits"] == 1
    assert "wealth" in data["categories"]


@pytest.mark.django_db(transaction=True)
def test_a_page_view_on_another_day_is_another_visit():
    record_pageview(VID, None, datetime(2026, 3, 7, 23, 50, tzinfo=SHANGHAI))
    record_pageview(VID, None, datetime(2026, 3, 8, 0, 10, tzinfo=SHANGHAI))
    assert VisitorProfile.objects.get(visitor_id=VID).data["visits"] == 2


@pytest.mark.django_db(transaction=True)
def test_behaviour_is_read_from_the_cache_after_a_write(django_assert_num_queries):
    # Given a recorded page view
    record_pageview(VID, None, datetime(2026, 3, 7, 10, 0, tzinfo=SHANGHAI))

    # When the behaviour is loaded
    with django_assert_num_queries(0):
        data = load_behaviour(VID)

    # Then it costs no query and is current
    assert data["pageviews"] == 1
    assert data["visits"] == 1


@pytest.mark.django_db
def test_an_unknown_visitor_costs_one_query_once(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert load_behaviour("b" * 32) is None
    with django_assert_num_queries(0):
        assert load_behaviour("b" * 32) is None
