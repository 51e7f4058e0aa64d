"""Micro-benchmark of the targeting engine alone (no Django, no database, no network).

Run: `.venv/bin/python bench/engine_bench.py [--iterations N]`.

For snapshots of 10, 100 and 1,000 live segments (mixed rules over source, geo, time, device and
behaviour, some referencing other segments) and 20 campaigns over 5 placements, it times one page
view as the site does it: a fresh ``VisitorContext`` for a new request, then ``decide`` for each of
the page's 5 placements (providers run lazily inside). Every iteration is a different visitor:
its own IP address (so the GeoIP lookup cache misses), one of six real User-Agents (parsed once,
then cached, as in production), Baidu/Google/WeChat referrers with UTF-8 and GBK keywords.

The "all segments" column is the worst case for comparison: the same page view, but every
segment of the snapshot is evaluated for the visitor first (what ``simulate`` does).

Peak RSS is the process's high-water mark (``ru_maxrss``) after each size, so it only grows.

``--scale 10k`` is issue 13's target, ten times today's scale: 10,000 live segments in 1,000
campaigns (each including 1-3 segments, one in four excluding one) over 25 placements (five page
types of five slots); a page view decides its page type's five placements (about 200 campaigns
and 450 relevant segments). It prints the page's p50/p95 wall and CPU time, the snapshot build
time, the same page measured while a rebuild runs aside in another thread (requests keep the old
snapshot until the swap), and peak RSS.
Nothing here is a test: it prints figures.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from targeting.engine.context import RequestInfo, VisitorContext  # noqa: E402
from targeting.engine.decide import CampaignSpec, CreativeSpec, Snapshot, decide  # noqa: E402
from targeting.engine.providers import EngineConfig  # noqa: E402
from targeting.engine.providers.geo import packaged_database_path  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
PLACEMENTS = ("home-hero", "home-strip", "product-sidebar", "article-footer", "search-top")
SIZES = (10, 100, 1000)

USER_AGENTS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 MicroMessenger/8.0.40(0x18002831) NetType/WIFI Language/zh_CN",
    "Mozilla/5.0 (Linux; Android 13; SM-S9180) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/116.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 AlipayClient/10.5.30.6000 Language/zh-Hans",
)
KEYWORDS = ("信用卡", "房贷利率", "理财产品", "savings account", "基金定投", "车贷")
REFERRERS = (
    lambda kw: f"https://www.baidu.com/s?ie=utf-8&wd={quote(kw)}",
    lambda kw: f"https://www.baidu.com/s?ie=gbk&wd={quote(kw.encode('gb18030'))}",
    lambda kw: "https://www.google.com/",
    lambda kw: "https://mp.weixin.qq.com/s/abc",
    lambda kw: "",
)
REGIONS = ("CN-SC", "CN-BJ", "CN-SH", "CN-GD", "CN-CQ", "CN-ZJ", "CN-JS", "CN-HB")
CATEGORIES = ("credit-card", "mortgage", "deposit", "wealth", "insurance", "fund")


def segment_rule(rng: random.Random, index: int) -> dict[str, Any]:
    """One realistic rule; about one in six references an earlier segment."""
    kind = index % 6
    if kind == 0:
        rule: dict[str, Any] = {
            "all": [
                {"attr": "source.kind", "op": "in", "value": ["search", "campaign"]},
                {"attr": "source.keyword", "op": "contains", "value": rng.choice(KEYWORDS)[:2]},
            ]
        }
    elif kind == 1:
        rule = {
            "any": [
                {"attr": "geo.region", "op": "in", "value": rng.sample(REGIONS, 2)},
                {"attr": "geo.country", "op": "ne", "value": "CN"},
            ]
        }
    elif kind == 2:
        rule = {
            "any": [
                {"attr": "time.hour", "op": "between", "value": [rng.randint(18, 23), 6]},
                {"attr": "time.is_holiday", "op": "eq", "value": True},
                {"attr": "time.is_weekend", "op": "eq", "value": True},
            ]
        }
    elif kind == 3:
        rule = {
            "all": [
                {"attr": "device.type", "op": "eq", "value": rng.choice(["mobile", "desktop"])},
                {"not": {"attr": "device.in_app", "op": "eq", "value": "none"}},
            ]
        }
    elif kind == 4:
        rule = {
            "all": [
                {"attr": "behaviour.visits", "op": "gte", "value": rng.randint(1, 5)},
                {"attr": "behaviour.categories", "op": "contains", "value": rng.choice(CATEGORIES)},
                {"attr": "behaviour.days_since_last_visit", "op": "lte", "value": 30},
            ]
        }
    else:
        rule = {
            "all": [
                {"attr": "source.landing_path", "op": "matches", "value": r"^/(cards|loans)/"},
                {"attr": "device.os", "op": "in", "value": ["ios", "android"]},
            ]
        }
    if index >= 6 and index % 6 == 5:
        rule = {"all": [{"segment": f"seg-{index - rng.randint(1, 5)}"}, rule]}
    return rule


def build_snapshot(size: int, rng: random.Random) -> tuple[Snapshot, float]:
    segments = {f"seg-{i}": segment_rule(rng, i) for i in range(size)}
    slugs = list(segments)
    now = datetime.now(SHANGHAI)
    campaigns = []
    for i in range(20):
        include = set(rng.sample(slugs, rng.choice([0, 1, 2])))
        exclude = set(rng.sample(slugs, 1)) if i % 4 == 0 else set()
        campaigns.append(
            CampaignSpec(
                id=i + 1,
                slug=f"campaign-{i}",
                name=f"Campaign {i}",
                placements={PLACEMENTS[i % 5]},
                creatives=tuple(
                    CreativeSpec(id=100 * i + c, key=f"c{i}-{c}", weight=1 + c, payload={})
                    for c in range(2)
                ),
                include_segments=include - exclude,
                exclude_segments=exclude,
                start=now - timedelta(days=3),
                end=now + timedelta(days=30) if i % 3 == 0 else None,
                hours=set(range(8, 23)) if i % 5 == 1 else set(),
                priority=rng.randint(0, 3),
                weight=rng.randint(1, 3),
                frequency_cap=3 if i % 7 == 0 else None,
            )
        )
    started = time.perf_counter()
    snapshot = Snapshot.build(segments, campaigns, version=f"bench-{size}")
    return snapshot, (time.perf_counter() - started) * 1000


def build_10k(rng: random.Random, version: str) -> tuple[Snapshot, float]:
    """10,000 segments in 1,000 campaigns over 25 placements; (snapshot, build ms)."""
    segments = {f"seg-{i}": segment_rule(rng, i) for i in range(10_000)}
    slugs = list(segments)
    now = datetime.now(SHANGHAI)
    placements = [f"{page}-{slot}" for page in range(5) for slot in PLACEMENTS]
    campaigns = []
    for i in range(1000):
        include = set(rng.sample(slugs, rng.choice([1, 2, 3])))
        exclude = set(rng.sample(slugs, 1)) if i % 4 == 0 else set()
        campaigns.append(
            CampaignSpec(
                id=i + 1,
                slug=f"campaign-{i}",
                placements={placements[i % len(placements)]},
                creatives=tuple(
                    CreativeSpec(id=10 * i + c, key=f"c{i}-{c}", weight=1 + c) for c in range(2)
                ),
                include_segments=include - exclude,
                exclude_segments=exclude,
                start=now - timedelta(days=3),
                end=now + timedelta(days=30) if i % 3 == 0 else None,
                hours=set(range(8, 23)) if i % 5 == 1 else set(),
                priority=rng.randint(0, 3),
                weight=rng.randint(1, 3),
                frequency_cap=3 if i % 7 == 0 else None,
            )
        )
    started = time.perf_counter()
    snapshot = Snapshot.build(segments, campaigns, version=version)
    return snapshot, (time.perf_counter() - started) * 1000


def main_10k(iterations: int, config: EngineConfig) -> None:
    """Issue 13 item 6: the engine at ten times today's scale."""
    rng = random.Random(20251013)
    snapshot, build_ms = build_10k(rng, "bench-10k-a")
    page_placements = [f"0-{slot}" for slot in PLACEMENTS]
    relevant = sum(len(snapshot.plans[p].segments) for p in page_placements)
    campaigns = sum(len(snapshot.plans[p].campaigns) for p in page_placements)
    state = {"snapshot": snapshot}

    def page(ctx: VisitorContext) -> object:
        current = state["snapshot"]  # what a request reads: one reference, swapped atomically
        return [decide(current, p, ctx, impressions={}) for p in page_placements]

    measure([visitor_info(rng, i) for i in range(300)], config, page)
    wall, cpu = measure([visitor_info(rng, i) for i in range(iterations)], config, page)
    # A publish: the next snapshot is built aside while pages keep deciding on the old one.
    rebuilt: dict[str, float] = {}

    def rebuild() -> None:
        fresh, ms = build_10k(random.Random(20251014), "bench-10k-b")
        rebuilt["ms"] = ms
        state["snapshot"] = fresh  # the swap

    builder = threading.Thread(target=rebuild)
    builder.start()
    during: list[float] = []
    infos = [visitor_info(rng, i) for i in range(iterations)]
    index = 0
    while builder.is_alive() and index < len(infos):
        ctx_wall, _ctx_cpu = measure([infos[index]], config, page)
        during.extend(ctx_wall)
        index += 1
    builder.join()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("10,000 live segments, 1,000 campaigns, 25 placements; a page decides 5 placements")
    print(f"  relevant to the page   {campaigns} campaigns, {relevant} segment references")
    print(f"  snapshot build         {build_ms:,.0f} ms (compile and index, no database)")
    print(
        f"  page decisions         p50 {statistics.median(wall):,.0f} µs, "
        f"p95 {percentile(wall, 0.95):,.0f} µs wall; "
        f"p50 {statistics.median(cpu):,.0f} µs, p95 {percentile(cpu, 0.95):,.0f} µs CPU"
    )
    if during:
        print(
            f"  during a rebuild       {len(during)} pages served from the old snapshot while "
            f"the new one built aside ({rebuilt.get('ms', 0):,.0f} ms, then swapped): "
            f"p50 {statistics.median(during):,.0f} µs, max {max(during):,.0f} µs wall"
        )
    print(f"  peak RSS               {peak_mb:,.0f} MB (this process, both snapshots alive)")


def visitor_info(rng: random.Random, i: int) -> RequestInfo:
    keyword = KEYWORDS[i % len(KEYWORDS)]
    profile = {
        "visits": i % 9,
        "sessions": i % 11,
        "pageviews": i % 40,
        "categories": rng.sample(CATEGORIES, 2),
        "searches": [keyword],
        "clicked_campaigns": [],
        "last_seen": "2025-10-10T10:00:00+08:00",
        "session_pageviews": 2,
    }
    # A different public address each time: the GeoIP lookup cache never helps.
    octets = (rng.choice((119, 125, 171, 183, 223)), rng.randint(0, 255), rng.randint(0, 255))
    ip = ".".join(map(str, (*octets, rng.randint(1, 254))))
    return RequestInfo(
        url=f"https://www.bank.example/cards/gold?utm_term={quote(keyword)}"
        if i % 4 == 0
        else "https://www.bank.example/cards/gold",
        path="/cards/gold",
        referrer=REFERRERS[i % len(REFERRERS)](keyword),
        user_agent=USER_AGENTS[i % len(USER_AGENTS)],
        remote_addr=ip,
        now=datetime.now(SHANGHAI),
        visitor_id=f"{i:032x}",
        site_host="www.bank.example",
        timezone=None,
        behaviour_loader=lambda: profile,
    )


def measure(
    infos: list[RequestInfo], config: EngineConfig, page: Callable[[VisitorContext], object]
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (this thread) microseconds per page view."""
    wall, cpu = [], []
    gc.disable()  # collections are real costs but make the percentiles of a short run noisy
    try:
        for info in infos:
            started, started_cpu = time.perf_counter_ns(), time.thread_time_ns()
            page(VisitorContext(info, config=config))
            cpu.append((time.thread_time_ns() - started_cpu) / 1000)
            wall.append((time.perf_counter_ns() - started) / 1000)
    finally:
        gc.enable()
    return wall, cpu


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=3000)
    parser.add_argument(
        "--scale",
        choices=["today", "10k"],
        default="today",
        help="today: 10, 100 and 1,000 segments, 20 campaigns; 10k: issue 13's 10,000 segments "
        "in 1,000 campaigns",
    )
    args = parser.parse_args()

    geoip_path = packaged_database_path()
    config = EngineConfig(geoip_path=geoip_path, site_hosts=["bank.example"])
    if args.scale == "10k":
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs, load average {load}")
        main_10k(args.iterations, config)
        return
    rng = random.Random(20251001)
    print(f"Python {sys.version.split()[0]}; GeoIP: {geoip_path or 'none (geo unknown)'}")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load} (p99 wall includes preemption)")
    print(f"{args.iterations} page views per figure, 5 placements each, fresh context each.\n")
    header = (
        f"{'segments':>8} | {'build ms':>8} | {'page median µs':>14} | {'p99 wall µs':>11} | "
        f"{'p99 CPU µs':>10} | {'all-seg median µs':>17} | {'all-seg p99 CPU µs':>18} | "
        f"{'peak RSS MB':>11}"
    )
    print(header)
    print("-" * len(header))
    for size in SIZES:
        snapshot, build_ms = build_snapshot(size, rng)

        def page(ctx: VisitorContext, snapshot: Snapshot = snapshot) -> object:
            # No impressions counted yet today: capped campaigns stay eligible.
            return [decide(snapshot, p, ctx, impressions={}) for p in PLACEMENTS]

        def worst(ctx: VisitorContext, snapshot: Snapshot = snapshot) -> object:
            snapshot.matched_segments(ctx)
            return page(ctx)

        warm = [visitor_info(rng, i) for i in range(300)]
        measure(warm, config, page)
        measure(warm, config, worst)
        lazy, lazy_cpu = measure(
            [visitor_info(rng, i) for i in range(args.iterations)], config, page
        )
        full, full_cpu = measure(
            [visitor_info(rng, i) for i in range(args.iterations)], config, worst
        )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{size:>8} | {build_ms:>8.1f} | {statistics.median(lazy):>14.1f} | "
            f"{percentile(lazy, 0.99):>11.1f} | {percentile(lazy_cpu, 0.99):>10.1f} | "
            f"{statistics.median(full):>17.1f} | {percentile(full_cpu, 0.99):>18.1f} | "
            f"{peak_mb:>11.1f}"
        )
    print(
        "\npage = new VisitorContext + decide() for 5 placements (providers run lazily inside);"
        "\nall-seg = the same after evaluating every segment of the snapshot (worst case)."
    )


if __name__ == "__main__":
    main()
