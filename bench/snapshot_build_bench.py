"""Snapshot build from the database: the rebuild after a publish, at 1,000 and 10,000 segments.

``engine_bench.py --scale 10k`` times compiling and indexing a snapshot already in memory; this
times what a web worker does after a publish: read the live segments, campaigns, approved
creatives, images and pages from the database, then compile (``targeting.snapshot.build_snapshot``).
It migrates a database of its own, seeds the demo, publishes N extra segments in N/10 campaigns
with ``publish_segments.py`` and builds the snapshot a few times, printing wall and CPU seconds,
queries and the process's RSS.

    .venv/bin/python bench/snapshot_build_bench.py --segments 1000,10000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_snapbench \\
        .venv/bin/python bench/snapshot_build_bench.py --segments 10000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

MEASURE = r"""
import json, sys, time, resource
import django
django.setup()
from django.db import connection
from django.test.utils import CaptureQueriesContext
from targeting.snapshot import build_snapshot

def rss_mb():
    text = open("/proc/self/status").read()
    return int(text.split("VmRSS:")[1].split()[0]) / 1024

runs = []
before = rss_mb()
for i in range(int(sys.argv[1])):
    wall, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        snapshot = build_snapshot(f"bench-{i}")
    runs.append({
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "queries": len(queries),
        "segments": len(snapshot.engine.segment_rules),
        "campaigns": len(snapshot.engine.campaigns),
        "rss_mb": rss_mb(),
    })
    del snapshot
print(json.dumps({"runs": runs, "rss_before_mb": before,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", default="1000,10000", help="comma-separated counts")
    parser.add_argument("--repeat", type=int, default=3, help="builds per count")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="snapshot-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        # A local-memory cache of the measuring process's own (no other checkout's files).
        "LOCAL_CACHE_DIR": str(work / "cache"),
        "CACHE_KEY_PREFIX": "snapshot-bench",
    }
    env.pop("REDIS_URL", None)
    env.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(f"database {database}; migrating and seeding the demo ...", flush=True)
    for command in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
        subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    print()
    print(
        "| live segments | campaigns | wall s (best / median) | CPU s (median) | queries | RSS MB before / after / peak |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for count in [int(c) for c in args.segments.split(",") if c.strip()]:
        subprocess.run(
            [PYTHON, str(ROOT / "bench" / "publish_segments.py"), str(count)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        out = subprocess.run(
            [PYTHON, "-c", MEASURE, str(args.repeat)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        runs = result["runs"]
        walls = sorted(r["wall"] for r in runs)
        cpus = sorted(r["cpu"] for r in runs)
        last = runs[-1]
        print(
            f"| {last['segments']:,} | {last['campaigns']:,} | {walls[0]:.2f} / {walls[len(walls) // 2]:.2f}"
            f" | {cpus[len(cpus) // 2]:.2f} | {last['queries']} | {result['rss_before_mb']:.0f} / "
            f"{last['rss_mb']:.0f} / {result['peak_rss_mb']:.0f} |",
            flush=True,
        )
    print(f"\n(load average {os.getloadavg()[0]:.1f} at the end; work directory {work})")


if __name__ == "__main__":
    main()
