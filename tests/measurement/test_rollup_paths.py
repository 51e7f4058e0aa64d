"""PostgreSQL counts chunks in one SQL statement; it must give exactly the cells the Python path
(SQLite's, and the reference) gives, on awkward events too (issue 10: rollups at 5,000 events/s)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from targeting.measurement import rollups
from targeting.measurement.models import (
    ConversionGoal,
    DailyRollup,
    HourlyRollup,
    MonthlyRollup,
    VisitorMark,
)
from targeting.tracking.models import RawEvent

pytestmark = pytest.mark.django_db


def _cells():
    fields = ("campaign", "creative", "placement", "segment", "channel", "device")
    measures = ("impressions", "clicks", "conversions", "applications", "visitors")
    daily = sorted(DailyRollup.objects.values_list("day", *fields, *measures))
    hourly = sorted(HourlyRollup.objects.values_list("hour", *fields, *measures))
    marks = sorted(VisitorMark.objects.values_list("cell", "visitor", "day"))
    monthly = sorted(MonthlyRollup.objects.values_list("month", *fields, *measures))
    return daily, hourly, marks, monthly


def _events(count: int) -> list[RawEvent]:
    rng = random.Random(11)
    now = timezone.now() - timedelta(minutes=5)
    awkward = ["", "营销-活动", "x" * 120, 42, None, ["list"], {"deep": 1}, "a|b", "null\\u0000"]
    rows = []
    for n in range(count):
        kind = rng.choice(
            ["impression"] * 5
            + ["click"] * 3
            + ["application", "goal", "form_submit"]
            + ["page_view"] * 2
            + ["search", "offer_response", "offer_response"]
        )
        properties = {
            "campaign": rng.choice(["card", "loan", "", "card"]),
            "creative": rng.choice(["1", "2", "holdout"]),
            "placement": rng.choice(["hero", "", "side"]),
            "segment": rng.choice(["young", "all", ""]),
            "device": rng.choice(["mobile", "desktop", ""]),
            "path": rng.choice(["/thanks/", "/other/"]),
            "form": rng.choice(["callback", "other"]),
            "goal": rng.choice(["newsletter", "calculator", "other"]),
            "product": rng.choice(["gold-card", "plain-card", "other-card", 7]),
        }
        if rng.random() < 0.5:  # attributed by last touch (applications from products)
            properties["touch"] = rng.choice(["click", "view", 3])
        if kind == "offer_response":  # push's outcomes: the offer's own cell
            properties = {
                "offer": rng.choice(["gold-card", "", "o" * 90, 7]),
                "audience": rng.choice(["young", ""]),
                "channel": rng.choice(["sms", "app"]),
                "outcome": rng.choice(["sent", "click", "conversion", "open", 1]),
            }
        if rng.random() < 0.15:
            properties[rng.choice(["campaign", "creative", "segment", "device"])] = rng.choice(
                awkward
            )
        if rng.random() < 0.3:
            properties.pop("campaign", None)
        visitor = rng.choice([f"v{rng.randrange(30)}", "", ""]) if n % 7 else ""
        rows.append(
            RawEvent(
                source="s:test",
                client_id=f"p{n}",
                type=kind,
                at=now - timedelta(hours=rng.randrange(24 * 40), minutes=rng.randrange(60)),
                received_at=now,
                visitor_id=visitor,
                customer_ref=rng.choice(["", "c-1", "c-2"]) if not visitor else "",
                channel=rng.choice(["web", "app", "atm"]),
                properties=properties,
            )
        )
    return rows


def test_sql_and_python_give_the_same_cells_marks_and_rebuild(settings, monkeypatch):
    if connection.vendor != "postgresql":
        reason = "needs PostgreSQL (DATABASE_URL): SQLite has the Python path only"
        print(reason)
        pytest.skip(reason)
    settings.RAW_EVENT_RETENTION_DAYS = 100000
    ConversionGoal.objects.create(name="Callback", kind="form", key="callback")
    # Goals with their own windows (item 1): a few days, so some touches fall outside.
    for kind, key, days in [
        ("page", "/thanks/", 3),
        ("event", "newsletter", 2),
        ("application", "gold-card", 4),
        ("application", "plain-card", None),
        ("application", "", 9),
    ]:
        ConversionGoal.objects.create(
            name=key or "any", kind=kind, key=key, attribution_window_days=days
        )
    RawEvent.objects.bulk_create(_events(1500))

    # Python (small chunks: several of them, as on SQLite)
    monkeypatch.setattr(rollups, "set_based", lambda: False)
    rollups.roll_up(settle=timedelta(0), chunk=400)
    python_cells = _cells()
    assert python_cells[0], "the events must make cells"
    assert any(row[1].startswith("offer:") for row in python_cells[0]), "and offer outcomes"
    assert any(row[1] == "" and row[9] for row in python_cells[0]), "and untouched conversions"

    # SQL, from scratch, in spans of ids smaller than the log
    monkeypatch.setattr(rollups, "set_based", lambda: True)
    monkeypatch.setattr(rollups, "ID_SPAN", 300)
    since = timezone.localdate() - timedelta(days=60)
    _first, added = rollups.rebuild(since)
    assert _cells() == python_cells
    assert added == sum(row[7] + row[8] + row[9] for row in python_cells[0])

    # and incrementally: the cursor back to zero, the tables empty
    for model in (DailyRollup, HourlyRollup, VisitorMark, MonthlyRollup):
        model.objects.all().delete()
    rollups.RollupCursor.objects.update(last_event_id=0)
    rollups.roll_up(settle=timedelta(0), chunk=1)
    assert _cells() == python_cells
