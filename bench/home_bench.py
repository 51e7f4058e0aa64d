"""Whole-request throughput of the demo home page: page cache on and off, targeting on and off,
0, 100 and 1,000 extra live segments, on SQLite and on PostgreSQL with Redis, under gunicorn.

Run: `.venv/bin/python bench/home_bench.py` (or `make bench`); `--databases sqlite` or
`--databases postgres` for one of them (PostgreSQL: `--postgres-url`, default the local server's
`portal_bench`, and `--redis-url`; its database is migrated and seeded once and reused). For each
database it builds a throw-away demo site (SQLite: var/bench/; reused with `--reuse`), then for each
mode starts gunicorn on loopback (2 sync workers, the machine has 2 cores), warms it up and drives it
with wrk (or, without wrk, a small threaded Python client) using a rotating set of visitors: phones
and desktops, Baidu and Google referrers, WeChat.

Every figure is a ratio against the baseline measured in the same run on the same database: the
page uncached with targeting off. The goal (issue 13): the personalised home page with 100 live
segments, cache on, at 3x or more. For each mode it also counts the database queries of a request
(in a separate process through Django's test client, warm, rotating the same visitors) and reads
the workers' peak RSS.

Nothing here is a test: it prints figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WORK = ROOT / "var" / "bench"

VISITORS = [
    {
        "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Referer": "https://www.baidu.com/s?wd=%E4%BF%A1%E7%94%A8%E5%8D%A1",
    },
    {
        "User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
        "Gecko) Chrome/124.0 Safari/537.36",
        "Referer": "https://www.google.com/",
    },
    {
        "User-Agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
        "Gecko) Chrome/124.0 Mobile Safari/537.36 MicroMessenger/8.0.47",
        "Referer": "",
    },
    {
        "User-Agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Version/17.4 Safari/605.1.15",
        "Referer": "https://www.sogou.com/web?query=%E7%90%86%E8%B4%A2",
    },
]

WRK_LUA = """
local visitors = {
%s
}
local i = 0
request = function()
  i = i + 1
  local v = visitors[(i %% #visitors) + 1]
  return wrk.format("GET", "%s", v)
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Database:
    """Where a round's site lives: SQLite with local caches, or PostgreSQL with Redis."""

    label: str
    url: str
    redis_url: str = ""


@dataclass(frozen=True)
class Mode:
    label: str
    targeting: bool
    cache: bool
    segments: int


def base_env(db: Database, prefix: str = "bench") -> dict[str, str]:
    env = dict(os.environ)
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "DATABASE_URL"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DEBUG="false",
        DATABASE_URL=db.url,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL="WARNING",
        # A cache of our own: never another checkout's var/cache, never stale across rounds.
        LOCAL_CACHE_DIR=str(WORK / f"cache-{prefix}"),
        CACHE_KEY_PREFIX=prefix,
    )
    if db.redis_url:
        env["REDIS_URL"] = db.redis_url
    return env


def prepare_database(db: Database, seed: bool = True) -> None:
    env = base_env(db)
    steps = [["migrate", "--noinput", "-v", "0"]] + ([["seed_demo"]] if seed else [])
    for args in steps:
        subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )


def mode_env(db: Database, mode: Mode, prefix: str) -> dict[str, str]:
    env = base_env(db, prefix)
    env["TARGETING_ENABLED"] = "true" if mode.targeting else "false"
    env["PAGECACHE_ENABLED"] = "true" if mode.cache else "false"
    return env


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def worker_peak_rss_mb(proc: subprocess.Popen) -> float:
    """Largest VmHWM (peak resident set) among the gunicorn master's children, in MB."""
    peak = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        ppid = re.search(r"^PPid:\s+(\d+)", text, re.M)
        hwm = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
        if ppid and hwm and int(ppid.group(1)) == proc.pid:
            peak = max(peak, int(hwm.group(1)))
    return peak / 1024


def warm(port: int, path: str, n: int = 50) -> float:
    """Warm the worker; return the first request's seconds (it builds the snapshot)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    first = 0.0
    for i in range(n):
        started = time.monotonic()
        conn.request(
            "GET", path, headers={k: v for k, v in VISITORS[i % len(VISITORS)].items() if v}
        )
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        if i == 0:
            first = time.monotonic() - started
    return first


def load_wrk(port: int, path: str, seconds: int, connections: int) -> dict[str, float]:
    entries = ",\n".join(
        "{" + ", ".join(f'["{k}"] = "{v}"' for k, v in visitor.items() if v) + "}"
        for visitor in VISITORS
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_LUA % (entries, path))
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            script.name,
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(label: str) -> float:
        match = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50_ms": ms("50%"),
        "p99_ms": ms("99%"),
        "errors": float(errors.group(1)) if errors else 0.0,
    }


def load_python(port: int, path: str, seconds: int, connections: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        i = offset
        mine: list[float] = []
        while time.monotonic() < stop_at:
            headers = {k: v for k, v in VISITORS[i % len(VISITORS)].items() if v}
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                with lock:
                    errors += 1
            i += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {
        "rps": len(latencies) / seconds,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
        "errors": float(errors),
    }


def publish_segments(db: Database, count: int) -> None:
    """Publish exactly `count` extra live segments (and campaigns using them) into the database."""
    subprocess.run(
        [PYTHON, str(Path(__file__).parent / "publish_segments.py"), str(count)],
        cwd=ROOT,
        env=base_env(db),
        check=True,
        stdout=subprocess.DEVNULL,
    )


QUERY_COUNTER = """
import json, os, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
visitors = json.loads(sys.argv[1]); path = sys.argv[2]; n = int(sys.argv[3])
client_for = lambda v: {"HTTP_USER_AGENT": v["User-Agent"], "HTTP_REFERER": v.get("Referer", "")}
for i in range(2 * len(visitors)):  # warm: snapshot, caches, first renders
    Client().get(path, HTTP_HOST="127.0.0.1", **client_for(visitors[i % len(visitors)]))
with CaptureQueriesContext(connection) as queries:
    for i in range(n):
        Client().get(path, HTTP_HOST="127.0.0.1", **client_for(visitors[i % len(visitors)]))
print(json.dumps(len(queries) / n))
"""


def queries_per_request(env: dict[str, str], path: str, n: int = 40) -> float:
    """Database queries of one warm request, counted in-process with Django's test client."""
    out = subprocess.run(
        [PYTHON, "-c", QUERY_COUNTER, json.dumps(VISITORS), path, str(n)],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError("counting queries failed:\n" + out.stderr[-2000:])
    return float(out.stdout.strip().splitlines()[-1])


def run_mode(db: Database, mode: Mode, args: argparse.Namespace, load) -> dict[str, float]:
    # A key prefix of its own per round: no round reads another's pages or snapshot version.
    prefix = re.sub(r"[^a-z0-9]+", "-", f"bench {db.label} {mode.label} {time.time_ns()}".lower())
    env = mode_env(db, mode, prefix)
    port = free_port()
    proc = start_gunicorn(env, port)
    try:
        first = warm(port, args.path)
        figures = load(port, args.path, args.seconds, args.connections)
        figures["rss_mb"] = worker_peak_rss_mb(proc)
        figures["first_s"] = first
    finally:
        stop(proc)
    figures["queries"] = queries_per_request(env, args.path)
    return figures


def main() -> None:
    global WORK
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--path", default="/")
    parser.add_argument(
        "--segments", default="0,100,1000", help="extra live segment counts, comma-separated"
    )
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/portal_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument(
        "--reuse", action="store_true", help="keep already seeded bench databases (migrate only)"
    )
    parser.add_argument("--work", default=str(WORK), help="where the SQLite database and caches go")
    args = parser.parse_args()
    WORK = Path(args.work)
    counts = [int(c) for c in args.segments.split(",") if c.strip()]

    load = load_wrk if shutil.which("wrk") else load_python
    WORK.mkdir(parents=True, exist_ok=True)
    print(
        f"load generator: {'wrk' if load is load_wrk else 'python threads (install wrk for better figures)'}; "
        f"{args.connections} connections, {args.seconds}s per round, path {args.path}"
    )
    rows: list[tuple[str, Mode, dict[str, float], float]] = []
    for name in [d.strip() for d in args.databases.split(",") if d.strip()]:
        if name == "sqlite":
            path = WORK / "bench.sqlite3"
            db = Database("SQLite", f"sqlite:///{path}")
            fresh = not (args.reuse and path.exists())
            if fresh:
                path.unlink(missing_ok=True)
        else:
            db = Database("PostgreSQL+Redis", args.postgres_url, args.redis_url)
            # migrate and seed_demo are idempotent; --reuse skips the slow seed of a seeded one
            fresh = not args.reuse
        if fresh:
            print(f"preparing {db.label} (migrate + seed_demo) ...", flush=True)
            prepare_database(db)
        else:  # the reused database may predate the latest migrations
            prepare_database(db, seed=False)
        publish_segments(db, 0)
        baseline_mode = Mode("uncached, targeting off", targeting=False, cache=False, segments=0)
        baseline = run_mode(db, baseline_mode, args, load)
        report(db, baseline_mode, baseline, baseline["rps"])
        rows.append((db.label, baseline_mode, baseline, baseline["rps"]))
        for count in counts:
            publish_segments(db, count)
            for cache in (False, True):
                mode = Mode(
                    f"{'cached' if cache else 'uncached'}, targeting on, {count} segments",
                    targeting=True,
                    cache=cache,
                    segments=count,
                )
                figures = run_mode(db, mode, args, load)
                report(db, mode, figures, baseline["rps"])
                rows.append((db.label, mode, figures, baseline["rps"]))
        publish_segments(db, 0)

    print()
    print(
        "| database | mode | req/s | x baseline | p50 ms | p99 ms | queries/request | worker peak RSS MB |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, mode, f, base in rows:
        print(
            f"| {label} | {mode.label} | {f['rps']:.1f} | {f['rps'] / base:.2f} | "
            f"{f['p50_ms']:.2f} | {f['p99_ms']:.2f} | {f['queries']:.1f} | {f['rss_mb']:.0f} |"
        )
    for label in dict.fromkeys(r[0] for r in rows):
        goal = [r for r in rows if r[0] == label and r[1].cache and r[1].segments == 100]
        if goal:
            ratio = goal[0][2]["rps"] / goal[0][3]
            verdict = "met" if ratio >= 3 else "NOT met"
            print(
                f"{label}: cached, 100 segments = {ratio:.2f}x the uncached page with targeting off (goal >= 3: {verdict})"
            )


def report(db: Database, mode: Mode, figures: dict[str, float], baseline_rps: float) -> None:
    print(
        f"  {db.label:16} {mode.label:38} {figures['rps']:8.1f} req/s ({figures['rps'] / baseline_rps:5.2f}x)"
        f"  p50 {figures['p50_ms']:6.2f} ms  p99 {figures['p99_ms']:7.2f} ms"
        f"  {figures['queries']:5.1f} queries/req  errors {figures['errors']:.0f}"
        f"  worker peak RSS {figures['rss_mb']:.0f} MB  first request {figures['first_s']:.2f} s",
        flush=True,
    )


if __name__ == "__main__":
    main()
