"""Event ingestion throughput: gunicorn + a Celery worker + a private Redis, end to end.

Run: `.venv/bin/python bench/events_bench.py [--seconds 20] [--client wrk|python]
[--clients N] [--web-workers 4]`.
It creates a throw-away PostgreSQL database (or, without PostgreSQL, a SQLite file in
var/bench/), migrates it, starts a private redis-server, gunicorn on loopback and a Celery worker
(with beat), then posts batches of 20 events with a channel-system token for a fixed time. The
load comes from wrk (a Lua script builds each batch: unique ids, 2,000 visitors) when wrk is
installed, otherwise from Python client processes (`--client` chooses). It then waits for the
worker to fold everything and prints accepted and folded events per second separately (folded
while the load ran, and overall to the last fold), the sustained rate of both together, the drain
time after the load, the counts accepted and folded (they must be equal: nothing lost), page
views summed over the folded profiles, the web workers' peak RSS and wrk's latency percentiles
(p50/p90/p99). Nothing here is a test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BATCH = 20
VISITORS = 2000
CATEGORIES = ["deposit", "loan", "credit_card", "wealth", "insurance_fund", "payment"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listening on {port}")


def wait_workers(port: int, workers: int, timeout: float = 180) -> None:
    """Wait until the web workers answer (on a loaded machine they take a while to import the
    project, and load sent before then only measures their start)."""
    deadline = time.monotonic() + timeout
    answered = 0
    while answered < 2 * workers and time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/api/v1/events")
            conn.getresponse().read()
            conn.close()
            answered += 1
        except (OSError, http.client.HTTPException):
            time.sleep(0.5)
    time.sleep(1)


def postgres_available() -> bool:
    if not shutil.which("psql"):
        return False
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "select 1"],
        capture_output=True,
        text=True,
    )
    return result.returncode == 0


def psql(sql: str, database: str = "postgres") -> str:
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAc", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def client_loop(
    port: int, token: str, seconds: float, index: int, queue: multiprocessing.Queue
) -> None:
    """One client process: keep-alive connection, batches of 20 page views, for ``seconds``."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json", "Authorization": f"Token {token}"}
    accepted = rejected = requests = errors = 0
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        now = datetime.now(UTC).isoformat()
        events = []
        for _ in range(BATCH):
            n += 1
            events.append(
                {
                    "id": uuid.uuid4().hex,
                    "type": "page_view",
                    "at": now,
                    "visitor": f"{(index * 7919 + n) % VISITORS:032x}",
                    "properties": {
                        "path": "/products/",
                        "category": CATEGORIES[n % len(CATEGORIES)],
                    },
                }
            )
        body = json.dumps({"events": events})
        try:
            conn.request("POST", "/api/v1/events", body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        requests += 1
        if response.status == 200:
            answer = json.loads(payload)
            accepted += len(answer["accepted"])
            rejected += len(answer["rejected"])
        else:
            errors += 1
    queue.put((accepted, rejected, requests, errors))


#: wrk's load: each request() builds a fresh batch of 20 page views. Ids are
#: "<run prefix>-<thread>-<counter>" (the run prefix is random, the thread number comes from
#: setup(), the counter is per thread), so no id repeats across requests, threads or runs.
WRK_SCRIPT = """
local run_prefix = "%(prefix)s"
local batch = %(batch)d
local visitors = %(visitors)d
local categories = {%(categories)s}
local token = "%(token)s"
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local tid, n, headers

function init(args)
  tid = wrk.thread:get("tid") or 0
  n = 0
  math.randomseed(os.time() + tid * 7919)
  headers = {["Content-Type"] = "application/json", ["Authorization"] = "Token " .. token}
end

function request()
  local now = os.date("!%%Y-%%m-%%dT%%H:%%M:%%S+00:00")
  local parts = {}
  for i = 1, batch do
    n = n + 1
    parts[i] = string.format(
      '{"id":"%%s-%%d-%%d","type":"page_view","at":"%%s","visitor":"%%032x",'
        .. '"properties":{"path":"/products/","category":"%%s"}}',
      run_prefix, tid, n, now, math.random(0, visitors - 1),
      categories[(n %% #categories) + 1])
  end
  local body = '{"events":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format("POST", "/api/v1/events", headers, body)
end
"""


def wrk_script(token: str) -> str:
    return WRK_SCRIPT % {
        "prefix": uuid.uuid4().hex[:12],
        "batch": BATCH,
        "visitors": VISITORS,
        "categories": ", ".join(f'"{c}"' for c in CATEGORIES),
        "token": token,
    }


def _wrk_ms(value: str) -> float:
    """wrk's '812.00us' / '3.25ms' / '1.02s' in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not match:
        return float("nan")
    factor = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[match.group(2)]
    return float(match.group(1)) * factor


def run_wrk(port: int, token: str, seconds: float, connections: int, work: Path) -> dict:
    """Run wrk against the event API; its request count, errors, duration and latencies."""
    script = work / "events.lua"
    script.write_text(wrk_script(token))
    threads = max(1, min(2, connections))
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{seconds:.0f}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}/api/v1/events",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures: dict = {"threads": threads, "raw": out, "non2xx": 0, "socket_errors": 0}
    match = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", out)
    if not match:
        raise SystemExit(f"could not read wrk's output:\n{out}")
    figures["requests"] = int(match.group(1))
    figures["seconds"] = _wrk_ms(match.group(2) + match.group(3)) / 1000
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if match:
        figures["non2xx"] = int(match.group(1))
    match = re.search(r"Socket errors: (.*)", out)
    if match:
        figures["socket_errors"] = sum(int(n) for n in re.findall(r"\d+", match.group(1)))
    for percentile in ("50", "90", "99"):
        match = re.search(rf"^\s+{percentile}%\s+(\S+)", out, re.MULTILINE)
        figures[f"p{percentile}"] = _wrk_ms(match.group(1)) if match else float("nan")
    return figures


def server_side_ms(log: Path) -> list[float]:
    """Sorted request times in ms from gunicorn's access log (format ``%(M)s``)."""
    try:
        lines = log.read_text().split()
    except OSError:
        return []
    return sorted(float(x) for x in lines if x.replace(".", "", 1).isdigit())


def percentile(values: list[float], fraction: float) -> float:
    return values[min(len(values) - 1, int(fraction * len(values)))]


def peak_rss_mb(pids: list[int]) -> list[float]:
    figures = []
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    figures.append(int(line.split()[1]) / 1024)
        except OSError:
            pass
    return figures


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def main() -> None:
    global BATCH
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--client",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="load generator (default: wrk when installed, else Python client processes)",
    )
    parser.add_argument(
        "--clients",
        type=int,
        default=None,
        help="wrk connections (default 8) or Python client processes (default 4)",
    )
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument(
        "--fold-workers",
        type=int,
        default=1,
        help="Celery worker processes draining and folding the stream (celery -c N)",
    )
    parser.add_argument(
        "--batch", type=int, default=BATCH, help="events per request (a collector's batch)"
    )
    args = parser.parse_args()
    BATCH = args.batch
    if args.client == "wrk" and not shutil.which("wrk"):
        raise SystemExit("--client wrk: wrk is not installed")
    if args.clients is None:
        args.clients = 8 if args.client == "wrk" else 4

    work = Path(tempfile.mkdtemp(prefix="events-bench-"))
    processes: list[subprocess.Popen] = []
    use_pg = postgres_available()
    database = f"events_bench_{os.getpid()}"
    if use_pg:
        psql(f"create database {database}")
        database_url = f"postgres://postgres@127.0.0.1:5432/{database}"
    else:
        database_url = f"sqlite:///{work / 'bench.sqlite3'}"
    redis_port = free_port()
    web_port = free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=f"redis://127.0.0.1:{redis_port}/1",
        TRACKING_RATE_LIMIT_SYSTEM="100000000",
        LOG_LEVEL="WARNING",
    )
    try:
        processes.append(
            subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(redis_port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "yes",
                    "--appendfsync",
                    "everysec",
                    "--dir",
                    str(work),
                ],
                stdout=subprocess.DEVNULL,
            )
        )
        wait_port(redis_port)
        print(f"database: {'PostgreSQL' if use_pg else 'SQLite'}; migrating ...", flush=True)
        subprocess.run(
            [str(BIN / "python"), "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        token = (
            subprocess.run(
                [
                    str(BIN / "python"),
                    "manage.py",
                    "shell",
                    "-c",
                    "from django.contrib.auth.models import Group, User;"
                    "from portal.apikeys.tokens import issue;"
                    "u=User.objects.create(username='bench-channel');"
                    "u.groups.add(Group.objects.get(name='Channel systems'));"
                    "print(issue(u, name='bench').key)",
                ],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        gunicorn = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "portal.wsgi",
                "-w",
                str(args.web_workers),
                "-b",
                f"127.0.0.1:{web_port}",
                "--log-level",
                "warning",
                "--keep-alive",
                "30",
                # Each request's time inside the worker (ms), to tell a slow request from one
                # that waited for a worker or for the CPU (the p99 tail).
                "--access-logfile",
                str(work / "access.log"),
                "--access-logformat",
                "%(M)s",
            ],
            cwd=ROOT,
            env=env,
        )
        processes.append(gunicorn)
        worker = subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "portal",
                "worker",
                "-B",
                "-s",
                str(work / "beat"),
                "-c",
                str(args.fold_workers),
                "--without-mingle",
                "--without-gossip",
                "-l",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        processes.append(worker)
        wait_port(web_port)
        wait_workers(web_port, args.web_workers)

        latency = ""
        if args.client == "wrk":
            print(
                f"posting batches of {BATCH} with wrk ({args.clients} connections) "
                f"for {args.seconds:.0f} s ...",
                flush=True,
            )
            figures = run_wrk(web_port, token, args.seconds, args.clients, work)
            print(figures["raw"].rstrip(), flush=True)
            elapsed = figures["seconds"]
            requests = figures["requests"]
            errors = figures["non2xx"] + figures["socket_errors"]
            # wrk does not read the answers: what counts is what the server stored.
            client_accepted = (requests - figures["non2xx"]) * BATCH
            client_label = f"wrk, {figures['threads']} threads, {args.clients} connections"
            latency = (
                f"p50 {figures['p50']:.1f} ms, p90 {figures['p90']:.1f} ms, "
                f"p99 {figures['p99']:.1f} ms (wrk --latency)"
            )
            rejected = "not read (wrk ignores the answers; all events are valid)"
        else:
            print(
                f"posting batches of {BATCH} from {args.clients} clients "
                f"for {args.seconds:.0f} s ...",
                flush=True,
            )
            queue: multiprocessing.Queue = multiprocessing.Queue()
            clients = [
                multiprocessing.Process(
                    target=client_loop, args=(web_port, token, args.seconds, i, queue)
                )
                for i in range(args.clients)
            ]
            started = time.monotonic()
            for c in clients:
                c.start()
            results = [queue.get() for _ in clients]
            elapsed = time.monotonic() - started
            for c in clients:
                c.join()
            client_accepted = sum(r[0] for r in results)
            rejected = sum(r[1] for r in results)
            requests = sum(r[2] for r in results)
            errors = sum(r[3] for r in results)
            client_label = f"{args.clients} Python client processes"
        rss = peak_rss_mb(children(gunicorn.pid))
        served = server_side_ms(work / "access.log")

        print("waiting for the worker to fold everything ...", flush=True)

        def query(sql: str) -> int:
            if use_pg:
                return int(psql(sql, database) or 0)
            import sqlite3

            with sqlite3.connect(work / "bench.sqlite3") as db:
                return int(db.execute(sql).fetchone()[0] or 0)

        import redis

        stream = redis.Redis.from_url(redis_url)
        count_sql = "select count(*) from targeting_rawevent"
        folded_sql = "select count(*) from targeting_rawevent where folded_at is not null"
        if use_pg:
            sum_sql = (
                "select coalesce(sum((data->>'pageviews')::int), 0) from targeting_visitorprofile"
            )
        else:
            sum_sql = (
                "select coalesce(sum(json_extract(data, '$.pageviews')), 0)"
                " from targeting_visitorprofile"
            )
        # What the worker folded while the load ran (it folds as it drains the stream).
        folded_during_load = query(folded_sql)
        accepted = folded = 0
        fold_started = time.monotonic()
        while time.monotonic() - fold_started < 600:
            # Everything accepted is in the stream or in RawEvent; done when the stream is empty
            # and every stored row is folded.
            backlog = int(stream.xlen("portal:tracking:events"))
            accepted = query(count_sql)
            folded = query(folded_sql)
            if backlog == 0 and folded >= accepted and accepted >= client_accepted:
                break
            time.sleep(1)
        fold_seconds = time.monotonic() - fold_started
        pageviews = query(sum_sql)

        print()
        print("Event ingestion")
        print(
            f"  database               {'PostgreSQL' if use_pg else 'SQLite'}, Redis stream buffer"
        )
        print(
            f"  web workers            {args.web_workers} gunicorn sync; load {client_label}; "
            f"batch {BATCH}"
        )
        print(f"  fold workers           {args.fold_workers} Celery process(es)")
        print(f"  duration               {elapsed:.1f} s, {requests} requests, {errors} errors")
        print(f"  accepted events/s      {accepted / elapsed:,.0f}  (accepted during the load)")
        print(
            f"  folded events/s        {folded_during_load / elapsed:,.0f} during the load; "
            f"{folded / (elapsed + fold_seconds):,.0f} from the start to the last fold"
        )
        print(
            f"  sustained events/s     {min(accepted, folded) / (elapsed + fold_seconds):,.0f}"
            "  (accepted and folded together: all folded / (load + drain time))"
        )
        print(f"  requests/s             {requests / elapsed:,.0f}")
        if latency:
            print(f"  latency                {latency}")
        print(f"  accepted               {accepted}  (client side: {client_accepted})")
        print(f"  rejected               {rejected}")
        print(
            f"  folded                 {folded}  ({'equal: nothing lost' if folded == accepted else 'MISMATCH'})"
        )
        print(f"  page views in profiles {pageviews}")
        print(f"  fold drain after load  {fold_seconds:.1f} s")
        if served:
            print(
                f"  time in the worker     p50 {percentile(served, 0.50):.1f} ms, "
                f"p90 {percentile(served, 0.90):.1f} ms, p99 {percentile(served, 0.99):.1f} ms, "
                f"max {served[-1]:.0f} ms (gunicorn access log, {len(served)} requests)"
            )
        print(f"  web worker peak RSS    {', '.join(f'{m:.0f} MB' for m in rss)}")
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if use_pg:
            psql(f"drop database if exists {database} with (force)")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
