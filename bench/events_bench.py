"""Event ingestion throughput: gunicorn + a Celery worker + a private Redis, end to end.

Run: `.venv/bin/python bench/events_bench.py [--seconds 20] [--clients 4] [--web-workers 3]`.
It creates a throw-away PostgreSQL database (or, without PostgreSQL, a SQLite file in
var/bench/), migrates it, starts a private redis-server, gunicorn on loopback and a Celery worker
(with beat), then posts batches of 20 events with a channel-system token from several client
processes for a fixed time. It then waits for the worker to fold everything and prints accepted
events per second, the counts accepted and folded (they must be equal: nothing lost), page views
summed over the folded profiles, and the web workers' peak RSS. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--web-workers", type=int, default=3)
    args = parser.parse_args()

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
                    "from rest_framework.authtoken.models import Token;"
                    "u=User.objects.create(username='bench-channel');"
                    "u.groups.add(Group.objects.get(name='Channel systems'));"
                    "print(Token.objects.create(user=u).key)",
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
                "1",
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
        time.sleep(2)

        print(
            f"posting batches of {BATCH} from {args.clients} clients for {args.seconds:.0f} s ...",
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
        accepted = sum(r[0] for r in results)
        rejected = sum(r[1] for r in results)
        requests = sum(r[2] for r in results)
        errors = sum(r[3] for r in results)
        rss = peak_rss_mb(children(gunicorn.pid))

        print("waiting for the worker to fold everything ...", flush=True)
        count_sql = "select count(*) from targeting_rawevent where folded_at is not null"
        sum_sql = "select coalesce(sum((data->>'pageviews')::int), 0) from targeting_visitorprofile"
        folded = 0
        fold_started = time.monotonic()
        while time.monotonic() - fold_started < 600:
            if use_pg:
                folded = int(psql(count_sql, database))
            else:
                import sqlite3

                with sqlite3.connect(work / "bench.sqlite3") as db:
                    folded = db.execute(count_sql).fetchone()[0]
            if folded >= accepted:
                break
            time.sleep(1)
        fold_seconds = time.monotonic() - fold_started
        if use_pg:
            pageviews = int(psql(sum_sql, database))
        else:
            import sqlite3

            with sqlite3.connect(work / "bench.sqlite3") as db:
                pageviews = db.execute(
                    "select coalesce(sum(json_extract(data, '$.pageviews')), 0) from targeting_visitorprofile"
                ).fetchone()[0]

        print()
        print("Event ingestion")
        print(
            f"  database               {'PostgreSQL' if use_pg else 'SQLite'}, Redis stream buffer"
        )
        print(
            f"  web workers            {args.web_workers} gunicorn sync; clients {args.clients}; batch {BATCH}"
        )
        print(f"  duration               {elapsed:.1f} s, {requests} requests, {errors} errors")
        print(f"  accepted events/s      {accepted / elapsed:,.0f}")
        print(f"  requests/s             {requests / elapsed:,.0f}")
        print(f"  accepted               {accepted}")
        print(f"  rejected               {rejected}")
        print(
            f"  folded                 {folded}  ({'equal: nothing lost' if folded == accepted else 'MISMATCH'})"
        )
        print(f"  page views in profiles {pageviews}")
        print(f"  fold drain after load  {fold_seconds:.1f} s")
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
