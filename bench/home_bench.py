"""Whole-request throughput of the demo home page, targeting on versus off, under gunicorn.

Run: `.venv/bin/python bench/home_bench.py` (or `make bench`). It builds a throw-away SQLite
database with the demo content in var/bench/, then for each mode starts gunicorn on loopback
(2 sync workers, the machine has 2 cores), warms it up and drives it with wrk (or, without wrk,
a small threaded Python client) using a rotating set of visitors: phones and desktops, Baidu
and Google referrers, WeChat. The figure that matters is the ratio on/off, measured in the same
run. A last round publishes 1,000 extra live segments and reads the workers' peak RSS.

Nothing here is a test: it prints figures.
"""

from __future__ import annotations

import argparse
import http.client
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


def base_env(db: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "DATABASE_URL"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DEBUG="false",
        DATABASE_URL=f"sqlite:///{db}",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
    )
    return env


def prepare_database(db: Path) -> None:
    env = base_env(db)
    for args in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
        subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )


def start_gunicorn(db: Path, port: int, targeting: bool) -> subprocess.Popen:
    env = base_env(db)
    env["TARGETING_ENABLED"] = "true" if targeting else "false"
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


def warm(port: int, path: str, n: int = 50) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for i in range(n):
        conn.request(
            "GET", path, headers={k: v for k, v in VISITORS[i % len(VISITORS)].items() if v}
        )
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")


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


def publish_many_segments(db: Path, count: int) -> None:
    """Publish `count` extra live segments (and campaigns using them) into the bench database."""
    env = base_env(db)
    subprocess.run(
        [PYTHON, str(Path(__file__).parent / "publish_segments.py"), str(count)],
        cwd=ROOT,
        env=env,
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--path", default="/")
    parser.add_argument("--segments", type=int, default=1000)
    args = parser.parse_args()

    load = load_wrk if shutil.which("wrk") else load_python
    WORK.mkdir(parents=True, exist_ok=True)
    db = WORK / "bench.sqlite3"
    db.unlink(missing_ok=True)
    print(f"preparing {db} (migrate + seed_demo) ...", flush=True)
    prepare_database(db)
    print(
        f"load generator: {'wrk' if load is load_wrk else 'python threads (install wrk for better figures)'}; "
        f"{args.connections} connections, {args.seconds}s per round, path {args.path}"
    )

    results: dict[str, dict[str, float]] = {}
    # Off, on, off, on: alternating evens out drift on a shared machine; the best of each counts.
    for label, targeting in (("off", False), ("on", True), ("off", False), ("on", True)):
        port = free_port()
        proc = start_gunicorn(db, port, targeting)
        try:
            warm(port, args.path)
            figures = load(port, args.path, args.seconds, args.connections)
            figures["rss_mb"] = worker_peak_rss_mb(proc)
        finally:
            stop(proc)
        if label not in results or figures["rps"] > results[label]["rps"]:
            results[label] = figures
        print(
            f"  targeting {label:3}: {figures['rps']:8.1f} req/s  p50 {figures['p50_ms']:6.2f} ms"
            f"  p99 {figures['p99_ms']:6.2f} ms  errors {figures['errors']:.0f}"
            f"  worker peak RSS {figures['rss_mb']:.0f} MB",
            flush=True,
        )

    if args.segments:
        publish_many_segments(db, args.segments)
        port = free_port()
        proc = start_gunicorn(db, port, True)
        try:
            warm(port, args.path)
            figures = load(port, args.path, args.seconds, args.connections)
            figures["rss_mb"] = worker_peak_rss_mb(proc)
        finally:
            stop(proc)
        results[f"on+{args.segments}"] = figures
        print(
            f"  targeting on with {args.segments} extra live segments: {figures['rps']:8.1f} req/s"
            f"  p50 {figures['p50_ms']:6.2f} ms  p99 {figures['p99_ms']:6.2f} ms"
            f"  worker peak RSS {figures['rss_mb']:.0f} MB",
            flush=True,
        )

    ratio = results["on"]["rps"] / results["off"]["rps"]
    print()
    print("| mode | req/s | p50 ms | p99 ms | worker peak RSS MB |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, f in results.items():
        print(
            f"| targeting {label} | {f['rps']:.1f} | {f['p50_ms']:.2f} | {f['p99_ms']:.2f} | {f['rss_mb']:.0f} |"
        )
    print(f"\nthroughput ratio on/off: {ratio:.2f} (target >= 0.80)")


if __name__ == "__main__":
    main()
