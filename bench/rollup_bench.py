"""Benchmark of measurement: rolling up raw events, and reading a year of reports.

Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python
bench/rollup_bench.py [--events N] [--campaigns N]` (SQLite without DATABASE_URL).

1. Roll-up throughput: N raw events (seen impressions, clicks, applications and goals, 2% of them
   conversions without a campaign that need a last-touch lookup) of 2,000 visitors and 100
   campaigns, first within the last hour (the live stream), then spread over 30 days (a
   catch-up: nearly every event its own cell), are written to the raw log, then ``rollups.roll_up`` adds them to the hourly
   and daily cells (with distinct visitors); then ``rollups.rebuild`` recomputes them. The
   baseline in the same run is reading the same rows only (``values_list``), so the ratio says
   what the counting and writing cost on top of reading.
2. Reports: a year of hourly rollups (one cell per campaign and hour) and daily rollups (six
   cells per campaign and day: creatives by device) for 100 campaigns, written with
   ``generate_series``; then a campaign's report over the year (totals, every day, four
   breakdowns) and the campaign list over the year, each timed 40 times: p50 and p95.

Peak RSS is the process's high-water mark (``ru_maxrss``). Nothing here is a test.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import get_runner  # noqa: E402, F401
from django.utils import timezone  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_events(count: int, campaigns: int, now: datetime, spread: timedelta, batch: int = 5000):
    """The events in batches of ``batch`` (a generator: the runs before kept all N events as
    model instances in memory at once, most of the 965 MB peak seen at 100,000 events)."""
    from targeting.tracking.models import RawEvent

    rng = random.Random(7)
    devices = ("mobile", "desktop", "tablet")
    rows = []
    for n in range(count):
        if len(rows) == batch:
            yield rows
            rows = []
        visitor = f"{rng.randrange(2000):032x}"
        campaign = f"campaign-{rng.randrange(campaigns)}"
        at = now - timedelta(seconds=rng.randrange(int(spread.total_seconds())))
        roll = rng.random()
        properties = {
            "campaign": campaign,
            "creative": str(rng.randrange(3)),
            "placement": "home-hero",
            "segment": f"segment-{rng.randrange(5)}",
            "device": rng.choice(devices),
        }
        if roll < 0.80:
            type_ = "impression"
        elif roll < 0.97:
            type_ = "click"
        elif roll < 0.98:
            type_ = "application"
            properties = {"product": "gold-card", **properties, "touch": "click"}
        else:
            type_ = "goal"
            properties = {"goal": "newsletter"}
        rows.append(
            RawEvent(
                source=f"v:{visitor}",
                client_id=f"b{n}",
                type=type_,
                at=at,
                received_at=now - timedelta(minutes=1),
                visitor_id=visitor,
                properties=properties,
            )
        )
    if rows:
        yield rows


def roll_up_figures(events: int, campaigns: int, spread: timedelta, label: str) -> None:
    from targeting.measurement import rollups
    from targeting.measurement.models import DailyRollup, HourlyRollup, RollupCursor, VisitorMark
    from targeting.tracking.models import RawEvent, RawEventKey

    for model in (RawEvent, RawEventKey, DailyRollup, HourlyRollup, VisitorMark, RollupCursor):
        model.objects.all().delete()
    now = timezone.now()
    started = time.perf_counter()
    for batch in make_events(events, campaigns, now, spread):
        RawEvent.objects.bulk_create(batch)
    write_s = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE targeting_rawevent")
    print(f"  peak RSS after writing the events: {peak_rss_mb():.0f} MB", flush=True)

    started = time.perf_counter()
    read = sum(
        1
        for _row in RawEvent.objects.order_by("id")
        .values_list("id", "type", "at", "visitor_id", "customer_ref", "channel", "properties")
        .iterator(chunk_size=5000)
    )
    read_s = time.perf_counter() - started

    started = time.perf_counter()
    rolled = rollups.roll_up(settle=timedelta(0), max_events=10**9)
    roll_s = time.perf_counter() - started

    started = time.perf_counter()
    _first, rebuilt = rollups.rebuild(timezone.localdate() - timedelta(days=spread.days + 1))
    rebuild_s = time.perf_counter() - started

    print(
        f"{label}: {events:,} raw events, {campaigns} campaigns "
        f"({DailyRollup.objects.count():,} daily cells, {HourlyRollup.objects.count():,} hourly)"
    )
    print(f"  written (bulk_create): {events / write_s:>10,.0f} events/s (with building them)")
    print(f"  read only (baseline) : {read / read_s:>10,.0f} events/s")
    print(
        f"  roll_up (incremental): {rolled / roll_s:>10,.0f} events/s "
        f"({roll_s:.2f} s, {roll_s / read_s:.1f}x the read)"
    )
    print(f"  rebuild              : {rebuilt / rebuild_s:>10,.0f} events/s ({rebuild_s:.2f} s)")
    print(f"  counting path: {'SQL per chunk' if rollups.set_based() else 'Python per chunk'}")
    print(f"  peak RSS: {peak_rss_mb():.0f} MB", flush=True)


def fill_year(campaigns: int) -> tuple[date, date]:
    """A year of rollups for ``campaigns`` campaigns, written by the database itself."""
    from targeting.measurement import rollups
    from targeting.measurement.models import DailyRollup, HourlyRollup

    DailyRollup.objects.all().delete()
    HourlyRollup.objects.all().delete()
    until = timezone.localdate()
    since = until - timedelta(days=364)
    start = datetime.combine(since, datetime.min.time(), tzinfo=UTC)
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                """
                INSERT INTO measurement_hourlyrollup (hour, campaign, creative, placement, segment,
                    channel, device, impressions, clicks, conversions, applications, visitors)
                SELECT %s::timestamptz + (h || ' hours')::interval, 'campaign-' || c, '1',
                    'home-hero', '', 'web', 'mobile', 40 + (h * c) %% 17, 2 + (h + c) %% 3,
                    (h + c) %% 2, 0, 0
                FROM generate_series(0, 365 * 24 - 1) h, generate_series(0, %s - 1) c
                """,
                [start, campaigns],
            )
            cursor.execute(
                """
                INSERT INTO measurement_dailyrollup (day, campaign, creative, placement, segment,
                    channel, device, impressions, clicks, conversions, applications, visitors)
                SELECT %s::date + d, 'campaign-' || c, cr::text, 'home-hero', 'segment-' || cr,
                    'web', dv, 300 + (d * c) %% 50, 10 + (d + c) %% 7, (d + cr) %% 4, 0, 250
                FROM generate_series(0, 364) d, generate_series(0, %s - 1) c,
                     generate_series(0, 2) cr, unnest(array['mobile', 'desktop']) dv
                """,
                [since, campaigns],
            )
            rollups.months_from_days(since.replace(day=1))
            cursor.execute("ANALYZE measurement_dailyrollup")
            cursor.execute("ANALYZE measurement_hourlyrollup")
            cursor.execute("ANALYZE measurement_monthlyrollup")
        else:
            for d in range(365):  # a day at a time: never the whole year in memory
                DailyRollup.objects.bulk_create(_sqlite_day(since + timedelta(days=d), campaigns))
            rollups.months_from_days(since.replace(day=1))
    return since, until


def _sqlite_day(day: date, campaigns: int) -> list:
    from targeting.measurement.models import DailyRollup

    return [
        DailyRollup(
            day=day,
            campaign=f"campaign-{c}",
            creative=str(cr),
            placement="home-hero",
            segment=f"segment-{cr}",
            channel="web",
            device=dv,
            impressions=300,
            clicks=10,
            conversions=1,
            visitors=250,
        )
        for c in range(campaigns)
        for cr in range(3)
        for dv in ("mobile", "desktop")
    ]


def timed(function, runs: int = 40) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def daily_only_list(since: date, until: date):
    from django.db.models import Max, Sum

    from targeting.measurement.models import DailyRollup

    return (
        DailyRollup.objects.filter(day__gte=since, day__lte=until)
        .exclude(campaign="")
        .values("campaign")
        .annotate(
            impressions=Sum("impressions"),
            clicks=Sum("clicks"),
            conversions=Sum("conversions"),
            applications=Sum("applications"),
            visitors=Max("visitors"),
        )
        .order_by("campaign")
    )


def report_figures(campaigns: int) -> None:
    from targeting.measurement import reports
    from targeting.measurement.models import DailyRollup, HourlyRollup, MonthlyRollup
    from targeting.models import Campaign

    since, until = fill_year(campaigns)
    campaign = Campaign(slug="campaign-42", name="Campaign 42")
    print(
        f"a year of rollups: {HourlyRollup.objects.count():,} hourly and "
        f"{DailyRollup.objects.count():,} daily and {MonthlyRollup.objects.count():,} monthly "
        f"cells, {campaigns} campaigns"
    )
    # The campaign page: totals, 365 days, four breakdowns (what the API answers, and more).
    p50, p95 = timed(
        lambda: (
            reports.queries.totals(campaign.slug, since, until),
            reports.queries.by_day(campaign.slug, since, until),
            [reports.queries.breakdown(campaign.slug, since, until, d) for d in reports.DIMENSIONS],
        )
    )
    print(f"  one campaign over the year : p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    p50, p95 = timed(lambda: reports.queries.campaign_totals(since, until))
    print(f"  campaign list over the year: p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    # The baseline in the same run: the list from the daily cells alone (as before the monthly
    # cells), so the ratio survives the machine's load.
    p50, p95 = timed(lambda: list(daily_only_list(since, until)))
    print(f"    the same from daily cells only (before): p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    print(f"  peak RSS: {peak_rss_mb():.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--campaigns", type=int, default=100)
    parser.add_argument(
        "--part", choices=("all", "rollups", "reports"), default="all", help="what to measure"
    )
    args = parser.parse_args()
    from django.db import connection as conn

    # A throwaway database next to the configured one (bench_<name>, never the test_<name>
    # that pytest reuses), migrated once, kept.
    if conn.vendor == "postgresql":
        conn.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{conn.settings_dict['NAME']}"
    # serialize=False: Django would otherwise dump every row the kept database holds (last
    # run's year of rollups and events) into one JSON string in memory before anything starts,
    # the rest of the 965 MB peak seen before.
    conn.creation.create_test_db(verbosity=0, keepdb=True, serialize=False)
    print(f"  peak RSS at start: {peak_rss_mb():.0f} MB", flush=True)
    print(f"database: {conn.vendor} {conn.settings_dict['NAME']}", flush=True)
    # The live stream: what arrives in an hour (the case "keeps up with N events/s" is about).
    if args.part in ("all", "rollups"):
        roll_up_figures(args.events, args.campaigns, timedelta(hours=1), "live hour")
        # Catching up or rebuilding a month: every event in its own hour, most cells touched once.
        roll_up_figures(args.events, args.campaigns, timedelta(days=30), "30 days")
    if args.part in ("all", "reports"):
        report_figures(args.campaigns)


if __name__ == "__main__":
    main()
