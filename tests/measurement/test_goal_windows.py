"""Each conversion goal's own attribution window decides how far back a touch may be (issue 10
item 1), on the Python path (SQLite's) and on PostgreSQL's set-based path alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from targeting.measurement import rollups
from targeting.measurement.models import ConversionGoal, DailyRollup
from tests.measurement.conftest import at, raw_event

pytestmark = pytest.mark.django_db

DAY = "2026-11-20"
FIVE_DAYS_BEFORE = "2026-11-15"


@pytest.fixture(params=["python", "sql"])
def path(request, monkeypatch, settings):
    """Run the rollups on each path: the SQL one needs PostgreSQL (DATABASE_URL)."""
    if request.param == "sql" and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): SQLite has the Python path only")
    monkeypatch.setattr(rollups, "set_based", lambda: request.param == "sql")
    settings.ATTRIBUTION_WINDOW_DAYS = 30
    return request.param


def conversions_by_campaign():
    found: dict[str, int] = {}
    for row in DailyRollup.objects.filter(conversions__gt=0):
        found[row.campaign] = found.get(row.campaign, 0) + row.conversions
    return found


def goal(kind, key, days=None, **extra):
    return ConversionGoal.objects.create(
        name=f"{kind} {key}", kind=kind, key=key, attribution_window_days=days, **extra
    )


def test_each_goal_counts_touches_within_its_own_window(path):
    goal("page", "/thanks/", days=3)  # the click was 5 days before: too old
    goal("form", "callback", days=10)  # within
    goal("event", "calculator", days=2)  # too old
    goal("event", "newsletter")  # no window of its own: the site's 30 days
    raw_event("click", at(FIVE_DAYS_BEFORE), "a", campaign="card", creative="1")
    raw_event("page_view", at(DAY), "a", path="/thanks/")
    raw_event("form_submit", at(DAY), "a", form="callback")
    raw_event("goal", at(DAY), "a", goal="calculator")
    raw_event("goal", at(DAY), "a", goal="newsletter")
    # A custom event no goal names keeps the site's window too.
    raw_event("goal", at(DAY), "a", goal="unnamed")

    rollups.roll_up(settle=timedelta(0))

    assert conversions_by_campaign() == {"card": 3, "": 2}


def test_a_goal_window_longer_than_the_sites_reaches_further_back(path, settings):
    settings.ATTRIBUTION_WINDOW_DAYS = 1
    goal("event", "newsletter", days=7)
    raw_event("click", at(FIVE_DAYS_BEFORE), "a", campaign="card", creative="1")
    raw_event("goal", at(DAY), "a", goal="newsletter")
    raw_event("goal", at(DAY), "a", goal="other")  # the site's one day: unattributed

    rollups.roll_up(settle=timedelta(0))

    assert conversions_by_campaign() == {"card": 1, "": 1}


def application(visitor, product, **attribution):
    return raw_event("application", at(DAY), visitor, product=product, **attribution)


def test_applications_keep_their_attribution_unless_a_goal_gives_a_window(path):
    attributed = {"campaign": "card", "creative": "1", "touch": "click"}
    goal("application", "gold-card", days=2)  # the touch 5 days before is too old
    goal("application", "", days=10)  # any other product: 10 days
    goal("application", "plain-card")  # a goal without a window: the row's attribution stands
    raw_event("click", at(FIVE_DAYS_BEFORE), "a", campaign="card", creative="1")
    raw_event("click", at(FIVE_DAYS_BEFORE), "b", campaign="loan", creative="2")
    application("a", "gold-card", **attributed)  # re-attributed: none within 2 days
    application("b", "silver-card", **attributed)  # re-attributed within 10 days: loan
    application("a", "plain-card", **attributed)  # kept: card
    # A channel system that names the campaign itself (no ``touch``) is believed.
    application("c", "gold-card", campaign="branch-promo")

    rollups.roll_up(settle=timedelta(0))

    assert conversions_by_campaign() == {"": 1, "loan": 1, "card": 1, "branch-promo": 1}
    assert list(
        DailyRollup.objects.filter(campaign="loan", conversions=1).values_list(
            "creative", flat=True
        )
    ) == ["2"]


def test_without_application_goals_the_rows_attribution_is_kept(path):
    goal("event", "newsletter", days=1)  # goals of other kinds leave applications alone
    application("a", "gold-card", campaign="card", creative="1", touch="view")
    rollups.roll_up(settle=timedelta(0))
    assert conversions_by_campaign() == {"card": 1}


def test_inactive_goals_windows_do_not_apply(path):
    goal("event", "newsletter", days=1, active=False)
    raw_event("click", at(FIVE_DAYS_BEFORE), "a", campaign="card", creative="1")
    raw_event("goal", at(DAY), "a", goal="newsletter")
    rollups.roll_up(settle=timedelta(0))
    assert conversions_by_campaign() == {"card": 1}
