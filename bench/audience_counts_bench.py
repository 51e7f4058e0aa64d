"""What counting matched visitors adds to a consenting page view (issue 14 item 7).

Run: `.venv/bin/python bench/audience_counts_bench.py [--iterations N] [--redis URL]`.

For the snapshots of ``engine_bench.py`` (10, 100, 1,000 live segments), each iteration is a new
visitor's page view as the site makes it (a fresh context, ``decide`` for 5 placements), then
what ``targeting.audiences.record_page_view`` adds after the response: every live segment
evaluated on the same context (families and segment answers the page computed are reused), and,
with ``--redis``, the script that adds the visitor to each matched segment's day
(the Lua of ``targeting.audiences._COUNT_SCRIPT``, repeated below so that the bench needs no
Django: ``PFADD`` + ``EXPIRE`` per key, one call). Prints medians and
p95 of the page and of the counting step, in microseconds. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_bench import PLACEMENTS, SIZES, build_snapshot, percentile, visitor_info

from targeting.engine.context import VisitorContext
from targeting.engine.decide import decide
from targeting.engine.providers import EngineConfig
from targeting.engine.providers.geo import packaged_database_path

#: ``targeting.audiences._COUNT_SCRIPT``.
_COUNT_SCRIPT = """
local ttl = tonumber(ARGV[2])
for i = 1, #KEYS do
  -- 1 when the key is new or the visitor changed it; else nothing to renew
  if redis.call('PFADD', KEYS[i], ARGV[1]) == 1 then
    redis.call('EXPIRE', KEYS[i], ttl)
  end
end
return #KEYS
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--redis", default="", help="a Redis URL to time the PFADD pipeline on")
    args = parser.parse_args()
    client = script = None
    if args.redis:
        import redis

        client = redis.Redis.from_url(args.redis)
        script = client.register_script(_COUNT_SCRIPT)
    config = EngineConfig(geoip_path=packaged_database_path(), site_hosts=["bank.example"])
    rng = random.Random(20261130)
    print(f"{args.iterations} page views per row; Redis: {args.redis or 'not timed'}")
    print("segments | page median µs | counting median µs | counting p95 µs | matched median")
    for size in SIZES:
        snapshot, _build_ms = build_snapshot(size, rng)
        pages: list[float] = []
        counting: list[float] = []
        matched_sizes: list[int] = []
        for i in range(args.iterations):
            ctx = VisitorContext(visitor_info(rng, i), config=config)
            start = time.perf_counter()
            for placement in PLACEMENTS:
                decide(snapshot, placement, ctx, impressions={})
            middle = time.perf_counter()
            matched = [slug for slug, predicate in snapshot.segments.items() if predicate(ctx)]
            if script is not None and matched:
                keys = [f"bench:matched:{slug}:20261130" for slug in matched]
                script(keys=keys, args=[f"{i:032x}", 3600])
            end = time.perf_counter()
            pages.append((middle - start) * 1e6)
            counting.append((end - middle) * 1e6)
            matched_sizes.append(len(matched))
        print(
            f"{size:>8} | {statistics.median(pages):>14.0f} | {statistics.median(counting):>18.0f}"
            f" | {percentile(counting, 0.95):>15.0f} | {statistics.median(matched_sizes):>14.0f}"
        )
    if client is not None:
        for key in client.scan_iter("bench:matched:*"):
            client.delete(key)


if __name__ == "__main__":
    main()
