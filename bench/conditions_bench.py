"""Micro-benchmark of issue 14's conditions in the engine alone (no Django, no database).

Run: `.venv/bin/python bench/conditions_bench.py [--iterations N]`.

Times, per fresh visitor context, one condition of each new kind (a landing-URL parameter, views
of one page, the whole referrer with ``matches``, the visit's arrival keyword from a kept
arrival, a random sample, membership of a static audience of 100,000 members, a Chinese city
from a CDN header) and compiling that static audience's rule (what a snapshot build pays for
it). Nothing here is a test: it prints figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.rules import compile_rule

MEMBERS = [f"{i:032x}" for i in range(100_000)]
PROFILE = {"visits": 3, "page_visits": {f"/page/{i}/": i for i in range(100)}}
KEPT = {"kind": "search", "search_engine": "baidu", "keyword": "信用卡"}

RULES = {
    "source.query key": {"attr": "source.query", "key": "promo", "op": "eq", "value": "spring"},
    "behaviour.page_visits key": {
        "attr": "behaviour.page_visits",
        "key": "/page/42/",
        "op": "gte",
        "value": 3,
    },
    "source.referrer matches": {
        "attr": "source.referrer",
        "op": "matches",
        "value": r"^https://[^/]*zhihu\.com/question/",
    },
    "session.source.keyword": {
        "attr": "session.source.keyword",
        "op": "contains",
        "value": "信用卡",
    },
    "visitor.bucket sample": {"attr": "visitor.bucket", "key": "spring", "op": "lt", "value": 20},
    "static audience (100k)": {"attr": "visitor.ids", "op": "in", "value": MEMBERS},
    "geo.city from CDN": {"attr": "geo.city", "op": "eq", "value": "广州"},
}


def info(i: int) -> RequestInfo:
    return RequestInfo(
        url=f"https://bank.example/cards/?utm_source=x&promo=spring&n={i}",
        path="/cards/",
        referrer="https://www.zhihu.com/question/123",
        visitor_id=f"{i:032x}",
        arrival=KEPT,
        cdn_headers={"cloudfront-viewer-country": "CN", "cloudfront-viewer-city": "Guangzhou"},
        behaviour_loader=lambda: PROFILE,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=5000)
    n = parser.parse_args().iterations
    start = time.perf_counter()
    compile_rule(RULES["static audience (100k)"])
    print(f"compile a 100,000-member static audience: {(time.perf_counter() - start) * 1e3:.1f} ms")
    print(f"{n} fresh contexts per figure (providers run inside)\n")
    print(f"{'condition':28} | median µs | p95 µs")
    print("-" * 50)
    for name, rule in RULES.items():
        predicate = compile_rule(rule)
        samples = []
        for i in range(n):
            ctx = VisitorContext(info(i))
            t0 = time.perf_counter()
            predicate(ctx)
            samples.append((time.perf_counter() - t0) * 1e6)
        samples.sort()
        p95 = samples[int(len(samples) * 0.95)]
        print(f"{name:28} | {statistics.median(samples):9.1f} | {p95:6.1f}")


if __name__ == "__main__":
    main()
