"""What the suitability guard and the channel-event attributes add to a decision (issue 11).

Run: `.venv/bin/python bench/channels_bench.py [--iterations N]`.

Engine only (no Django, no database): each iteration is a fresh ``VisitorContext`` for a new
request, as a page view makes one. Figures, all in the same run so the ratios are fair:

* decide, unrated: one placement of 20 campaigns whose creatives promote no rated product;
* decide, rated: the same with every creative linked to an R1-R5 product, so the guard reads the
  customer's tolerance and filters creatives (customer of tolerance 2);
* behaviour rule: a segment over ``behaviour.visits`` on a profile document without a window;
* app rule: ``app.opened_30d`` alone on that full window (only its family is computed);
* channel rule: a segment over ``card.spend_30d.travel``, ``card.categories_24h``,
  ``app.opened_30d`` and ``behaviour.unapplied_categories_7d`` on a customer document whose window
  is full (10 transactions, 31 days of spend over 20 merchant codes a day, views, swipes), and on
  a typical one (2 merchant codes a day).

Peak RSS is the process's high-water mark. Nothing here is a test: it prints figures.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from targeting.engine.context import RequestInfo, VisitorContext  # noqa: E402
from targeting.engine.decide import CampaignSpec, CreativeSpec, Snapshot, decide  # noqa: E402
from targeting.engine.rules import compile_rule  # noqa: E402

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def campaigns(rated: bool) -> list[CampaignSpec]:
    return [
        CampaignSpec(
            id=i,
            slug=f"c{i}",
            placements={"hero"},
            priority=20 - i,
            creatives=(
                CreativeSpec(id=i * 10, key=str(i * 10), risk_level=(i % 5) + 1 if rated else None),
                CreativeSpec(id=i * 10 + 1, key=str(i * 10 + 1), risk_level=1 if rated else None),
            ),
        )
        for i in range(20)
    ]


def full_window(codes_a_day: int = 20) -> dict[str, Any]:
    days = [(NOW - timedelta(days=d)).date().isoformat() for d in range(31)]
    return {
        "card": [
            [(NOW - timedelta(hours=h)).isoformat(), "4511" if h % 2 else "5812", 120.5]
            for h in range(10)
        ],
        "card_days": {
            day: {("4511" if m == 0 else f"{5800 + m}"): [3, 250.0] for m in range(codes_a_day)}
            for day in days
        },
        "branch": [(NOW - timedelta(days=3)).isoformat(), "BJ-001"],
        "branch_days": days,
        "app_days": days[:5],
        "call_days": {days[1]: 1},
        "views": {
            f"cat{c}": {days[d]: 2 for d in range(7)} for c in range(2 if codes_a_day < 20 else 20)
        },
        "applied": {"cat1": days[0]},
    }


def timed(iterations: int, make: Callable[[], Any], run: Callable[[Any], Any]) -> float:
    samples = []
    for _ in range(iterations):
        subject = make()
        start = time.perf_counter_ns()
        run(subject)
        samples.append((time.perf_counter_ns() - start) / 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=20000)
    iterations = parser.parse_args().iterations

    customer = {"risk_tolerance": 2}
    window = {"visits": 40, "recent": full_window()}
    typical = {"visits": 40, "recent": full_window(codes_a_day=2)}
    plain_doc = {"visits": 40}

    def ctx(document: dict[str, Any] | None) -> VisitorContext:
        return VisitorContext(
            RequestInfo(
                now=NOW,
                customer_id="7",
                customer_loader=lambda: customer,
                behaviour_loader=(lambda: document) if document is not None else None,
            )
        )

    unrated = Snapshot.build({}, campaigns(False), "u")
    rated = Snapshot.build({}, campaigns(True), "r")
    behaviour_rule = compile_rule({"attr": "behaviour.visits", "op": "gte", "value": 3})
    channel_rule = compile_rule(
        {
            "all": [
                {"attr": "card.spend_30d.travel", "op": "gte", "value": 1000},
                {"attr": "card.categories_24h", "op": "contains", "value": "travel"},
                {"attr": "app.opened_30d", "op": "eq", "value": True},
                {"attr": "behaviour.unapplied_categories_7d", "op": "contains", "value": "cat2"},
            ]
        }
    )
    app_rule = compile_rule({"attr": "app.opened_30d", "op": "eq", "value": True})
    for _ in range(2):  # warm up
        rows = {
            "decide, unrated": timed(
                iterations, lambda: ctx(None), lambda c: decide(unrated, "hero", c)
            ),
            "decide, rated (guard on)": timed(
                iterations, lambda: ctx(None), lambda c: decide(rated, "hero", c)
            ),
            "behaviour rule": timed(iterations, lambda: ctx(plain_doc), behaviour_rule),
            "channel rule, full window": timed(iterations, lambda: ctx(window), channel_rule),
            "channel rule, typical window": timed(iterations, lambda: ctx(typical), channel_rule),
            "app rule, full window": timed(iterations, lambda: ctx(window), app_rule),
        }
    assert channel_rule(ctx(window)) is True
    print(f"{iterations} fresh contexts per figure; median µs per call")
    base = rows["decide, unrated"]
    for name, value in rows.items():
        reference = base if name.startswith("decide") else rows["behaviour rule"]
        print(f"{name:28s} {value:8.1f} µs   x{value / reference:.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.1f} MB")


if __name__ == "__main__":
    main()
