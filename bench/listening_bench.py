"""Social listening throughput: posts per second end to end, and how it grows with workers.

Run: `.venv/bin/python bench/listening_bench.py [--posts 20000] [--workers 1,2]`.

It creates a throw-away PostgreSQL database (`portal_listeningbench`), migrates it, and uses Redis
(`REDIS_URL`, default db 11 of the local server) as the Celery broker. The posts are generated
(community.listening.generate: complaints, praise, outages, purchase intent, campaign feedback,
fraud warnings, chatter, with ads and reposts mixed in, about 30 % duplicates and noise), so
every run sees the same mix.

1. Intake: `intake.store` (validate, mask, hash the author, one bulk insert per 1,000).
2. In process: the pipeline over 2,000 posts in one process (batches of 500), after the model
   is trained (training time printed apart): segmentation, fingerprints, duplicates, noise,
   classification, sentiment, entities, routing, trend and word counts.
3. Real Celery workers (`celery -A portal worker -Q listening -c N`) for each N of `--workers`:
   fresh posts are stored, their batches queued as `process_items` tasks, and the clock runs
   until none waits. Posts per second = posts / that time; the ratio is against N=1.

It prints the rates, the stages' share of the in-process time, and the peak RSS of the bench
and of each worker process. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE = "portal_listeningbench"
SETTINGS = """
from portal.settings.dev import *  # noqa: F401,F403
DEBUG = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
"""


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql],
        check=True,
        capture_output=True,
    )


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def store(count: int, seed: int, label: str) -> list[int]:
    from django.utils import timezone

    from community.listening import generate, intake

    now = timezone.now()
    ids: list[int] = []
    chunk: list[tuple[int, dict]] = []
    for n, row in enumerate(generate.outside_posts(count, now=now, seed=seed), start=1):
        row["id"] = f"{label}-{row['id']}"
        chunk.append((n, row))
        if len(chunk) == 1000:
            ids += intake.store(chunk).ids
            chunk = []
    if chunk:
        ids += intake.store(chunk).ids
    return ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    worker_counts = [int(n) for n in args.workers.split(",") if n]

    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/11")
    settings_dir = Path(tempfile.mkdtemp(prefix="listeningbench-"))
    (settings_dir / "listeningbench_settings.py").write_text(SETTINGS)
    env = {
        **os.environ,
        "PYTHONPATH": f"{settings_dir}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "listeningbench_settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CACHE_KEY_PREFIX": f"listeningbench-{uuid.uuid4().hex[:8]}",
    }
    psql(f"drop database if exists {DATABASE} with (force)")
    psql(f"create database {DATABASE}")
    print(f"migrating {DATABASE} ...", flush=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    sys.path[:0] = [str(settings_dir), str(ROOT)]
    import django

    django.setup()
    import redis

    from community.listening import classify, pipeline, tasks, text
    from community.listening.models import ListeningItem, Status

    broker = redis.Redis.from_url(redis_url)
    broker.delete("listening")

    started = time.perf_counter()
    text.warm_up()
    classify.Model.get()
    warm = time.perf_counter() - started

    started = time.perf_counter()
    ids = store(args.posts, seed=1, label="intake")
    intake_seconds = time.perf_counter() - started
    ListeningItem.objects.filter(pk__in=ids).delete()

    in_process = store(2000, seed=2, label="inproc")
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for start in range(0, len(in_process), tasks.BATCH):
        pipeline.process(in_process[start : start + tasks.BATCH])
    profile.disable()
    in_process_seconds = time.perf_counter() - started
    stats = pstats.Stats(profile)
    stages = {
        "segmentation (jieba)": ("text.py", "segment"),
        "fingerprint (MinHash)": ("text.py", "minhash"),
        "duplicates": ("pipeline.py", "_duplicates"),
        "classification": ("classify.py", "classify_batch"),
        "entities": ("entities.py", "find"),
        "trend and word counts": ("trends.py", "count"),
    }
    shares = {}
    for label, (filename, function) in stages.items():
        total = sum(
            value[3]
            for (path, _line, name), value in stats.stats.items()  # type: ignore[attr-defined]
            if path.endswith(filename) and name == function
        )
        shares[label] = total
    profiled_total = sum(v[2] for v in stats.stats.values()) or 1  # type: ignore[attr-defined]

    worker_log = open(settings_dir / "worker.log", "w")  # noqa: SIM115 - closed at the end
    rates: dict[int, float] = {}
    rss: dict[int, list[float]] = {}
    for count in worker_counts:
        fresh = store(args.posts, seed=10 + count, label=f"w{count}")
        worker = subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "portal",
                "worker",
                "-Q",
                "listening",
                "-n",
                f"listening{count}@bench",
                "--concurrency",
                str(count),
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            # Workers warm up (dictionary, model) on a small batch before the clock starts.
            warm_ids = store(200, seed=99 + count, label=f"warm{count}")
            for _ in range(count):
                tasks.process_items.delay(warm_ids)
            deadline = time.time() + 300
            while ListeningItem.objects.filter(pk__in=warm_ids, status=Status.PENDING).exists():
                if time.time() > deadline:
                    raise SystemExit("workers did not start; see " + str(settings_dir))
                time.sleep(0.5)
            started = time.perf_counter()
            for start in range(0, len(fresh), tasks.BATCH):
                tasks.process_items.delay(fresh[start : start + tasks.BATCH])
            while ListeningItem.objects.filter(pk__in=fresh, status=Status.PENDING).exists():
                time.sleep(0.2)
            rates[count] = len(fresh) / (time.perf_counter() - started)
            rss[count] = [peak_rss_mb(pid) for pid in children(worker.pid)]
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
    worker_log.close()
    broker.delete("listening")
    dropped = ListeningItem.objects.exclude(status=Status.DONE).count()
    total = ListeningItem.objects.count()

    print()
    print("social listening: posts per second on this machine (PostgreSQL, Redis broker)")
    print(f"  dictionary and model ready in {warm:.1f} s (once per worker process)")
    print(f"  intake (validate, mask, store): {args.posts / intake_seconds:,.0f} posts/s")
    print(
        f"  pipeline in one process, 2,000 posts: {2000 / in_process_seconds:,.0f} posts/s "
        f"(under the profiler)"
    )
    for label, seconds in shares.items():
        print(f"    {label:24s} {100 * seconds / profiled_total:5.1f} % of the time")
    base = rates.get(worker_counts[0])
    for count, rate in rates.items():
        ratio = rate / base if base else float("nan")
        peaks = ", ".join(f"{mb:.0f}" for mb in rss[count])
        print(
            f"  Celery, {count} worker process(es): {rate:,.0f} posts/s end to end "
            f"({ratio:.2f}x of {worker_counts[0]}); peak RSS per process {peaks} MB"
        )
    print(f"  duplicates, noise and flagged among all posts: {dropped:,} of {total:,}")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  bench process peak RSS {own:.0f} MB")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        psql(f"drop database if exists {DATABASE} with (force)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
