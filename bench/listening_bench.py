"""Social listening throughput: posts per second end to end, and how it grows with workers.

Run (one command, everything printed at the end):

    .venv/bin/python bench/listening_bench.py --posts 20000 --workers 1,2

It creates a throw-away PostgreSQL database (`portal_listeningbench`), migrates it, and uses Redis
(`REDIS_URL`, default db 11 of the local server) as the Celery broker. Every run writes its posts
anew (`generate.fresh_posts`, a seed per run, printed; `--seed` repeats one): a topic's core
sentence with details, openers and closers in varied order and with fresh numbers, places and
times, published over the last `--spread-hours` (a live stream), with 5 % ads and spam and 7 %
reposts, the near duplicates the pipeline should drop. The share of duplicates it found is
printed for every phase.

1. Intake: `intake.store` (validate, mask, hash the author, one bulk insert per 1,000).
2. In process: the pipeline over `--in-process` posts in this process, batches of `--batch`,
   after the dictionary and model are loaded: fingerprints, duplicates, noise, segmentation,
   classification, sentiment, entities, routing, the batch's write and its trend and word
   counts. Then another 2,000 fresh posts under cProfile for each stage's share.
3. Real Celery workers (`celery -A portal worker -Q listening -c N`) for each N of `--workers`:
   fresh posts are stored, the workers warm up on a small batch, then the posts' batches are
   queued as `process_items` tasks and the clock runs until none waits.

For each phase it prints posts per second (wall clock) and the CPU time per post, split into the
Python side (this process, or the worker processes) and the PostgreSQL backends serving them, so
a run on a busy machine can still be read: the wall figure is what this machine gave at its
load; `2 cores / CPU per post` is what the work would allow with both cores to itself. It prints
the load average and how busy the machine's CPUs were during each run, the peak RSS of each
worker process and its private (unshared) memory. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE = "portal_listeningbench"
TICK = os.sysconf("SC_CLK_TCK")
SETTINGS = """
from portal.settings.dev import *  # noqa: F401,F403
DEBUG = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
# Workers keep their connection (Celery closes it around every task unless told otherwise), so
# the CPU of the backend serving each worker can be read apart from other databases' backends.
DATABASES["default"]["CONN_MAX_AGE"] = 3600  # noqa: F405
CELERY_DB_REUSE_MAX = 1_000_000
"""


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql],
        check=True,
        capture_output=True,
    )


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used, 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def memory_mb(pid: int) -> dict[str, float]:
    """Peak RSS (VmHWM), and PSS and private memory now (smaps_rollup), in MB."""
    out = {"peak_rss": 0.0, "pss": 0.0, "private": 0.0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                out["peak_rss"] = int(line.split()[1]) / 1024
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _sep, rest = line.partition(":")
            if name == "Pss":
                out["pss"] = int(rest.split()[0]) / 1024
            elif name in ("Private_Clean", "Private_Dirty"):
                out["private"] += int(rest.split()[0]) / 1024
    except OSError:
        pass
    return out


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@dataclass
class Phase:
    label: str
    posts: int
    wall: float
    python_cpu: float
    db_cpu: float
    busy: float  # share of the machine's CPUs busy (everything, not only this bench)
    load: float
    duplicates: float
    noise: float

    @property
    def rate(self) -> float:
        return self.posts / self.wall

    @property
    def cpu_ms(self) -> float:
        return 1000 * (self.python_cpu + self.db_cpu) / self.posts


@dataclass
class Snapshot:
    wall: float
    python: dict[int, float]
    db: dict[int, float]
    busy: tuple[int, int]


class Meter:
    """Wall clock, CPU of the given processes and of the database backends serving this
    database (without the bench's own connection unless asked), machine load."""

    def __init__(self, pids: list[int], *, own_backend: bool) -> None:
        self.pids = pids
        self.own_backend = own_backend

    def backends(self) -> list[int]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "select pid from pg_stat_activity where datname = current_database() "
                "and (%s or pid <> pg_backend_pid())",
                [self.own_backend],
            )
            return [row[0] for row in cursor.fetchall()]

    def snapshot(self) -> Snapshot:
        return Snapshot(
            time.perf_counter(),
            {pid: proc_cpu(pid) for pid in self.pids},
            {pid: proc_cpu(pid) for pid in self.backends()},
            machine_busy(),
        )

    def start(self) -> None:
        self.first = self.snapshot()

    def stop(self, label: str, ids: list[int]) -> Phase:
        last, first = self.snapshot(), self.first
        python = sum(last.python[p] - first.python.get(p, 0.0) for p in last.python)
        db = sum(last.db[p] - first.db.get(p, 0.0) for p in last.db)
        (busy1, total1), (busy2, total2) = first.busy, last.busy
        from django.db.models import Count

        from community.listening.models import ListeningItem, Status

        statuses = dict(
            ListeningItem.objects.filter(pk__in=ids)
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        return Phase(
            label,
            len(ids),
            last.wall - first.wall,
            python,
            db,
            (busy2 - busy1) / max(total2 - total1, 1),
            os.getloadavg()[0],
            statuses.get(Status.DUPLICATE, 0) / max(len(ids), 1),
            statuses.get(Status.NOISE, 0) / max(len(ids), 1),
        )


def store(count: int, seed: int, label: str, spread: int) -> list[int]:
    from django.utils import timezone

    from community.listening import generate, intake

    now = timezone.now()
    ids: list[int] = []
    chunk: list[tuple[int, dict]] = []
    rows = generate.fresh_posts(count, now=now, seed=seed, label=label, spread_seconds=spread)
    for n, row in enumerate(rows, start=1):
        chunk.append((n, row))
        if len(chunk) == 1000:
            ids += intake.store(chunk).ids
            chunk = []
    if chunk:
        ids += intake.store(chunk).ids
    return ids


def run_in_process(ids: list[int], batch: int) -> None:
    from community.listening import pipeline

    for start in range(0, len(ids), batch):
        pipeline.process(ids[start : start + batch])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000, help="posts per worker run")
    parser.add_argument("--workers", default="1,2", help="worker processes to try, e.g. 1,2,4")
    parser.add_argument("--in-process", type=int, default=4000, help="posts in this process")
    parser.add_argument("--batch", type=int, default=None, help="posts per task (tasks.BATCH)")
    parser.add_argument("--spread-hours", type=float, default=1.0, help="published over")
    parser.add_argument("--seed", type=int, default=None, help="repeat a run's posts")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--attach",
        action="store_true",
        help="then time workers started by hand on other machines (docs/listening.md)",
    )
    args = parser.parse_args()
    worker_counts = [int(n) for n in args.workers.split(",") if n]
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 10**9)
    spread = int(args.spread_hours * 3600)

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
    print(f"seed {seed}; migrating {DATABASE} ...", flush=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    sys.path[:0] = [str(settings_dir), str(ROOT)]
    import django

    django.setup()
    import redis

    from community.listening import classify, tasks, text
    from community.listening.models import ListeningItem, Status

    batch = args.batch or tasks.BATCH
    broker = redis.Redis.from_url(redis_url)
    broker.delete("listening")

    started = time.perf_counter()
    text.warm_up()
    classify.Model.get()
    warm = time.perf_counter() - started

    me = [os.getpid()]
    meter = Meter(me, own_backend=True)
    meter.start()
    ids = store(args.posts, seed=seed, label="intake", spread=spread)
    intake_phase = meter.stop("intake", ids)
    ListeningItem.objects.filter(pk__in=ids).delete()

    phases: list[Phase] = []
    in_process = store(args.in_process, seed=seed + 1, label="inproc", spread=spread)
    # (getattr: the bench also runs against the code before the block cache, for comparison)
    cache_info = getattr(text, "segment_cache_info", lambda: (0, 0))
    set_cache = getattr(text, "set_block_cache", lambda size: None)
    hits0, misses0 = cache_info()
    meter.start()
    run_in_process(in_process, batch)
    phases.append(meter.stop("in process", in_process))
    hits1, misses1 = cache_info()
    # The same without the block cache: real posts repeat their clauses less than these.
    set_cache(0)
    uncached = store(args.in_process, seed=seed + 3, label="uncached", spread=spread)
    meter.start()
    run_in_process(uncached, batch)
    phases.append(meter.stop("in process, no block cache", uncached))
    set_cache(getattr(text, "BLOCK_CACHE", 0))

    profiled = store(2000, seed=seed + 2, label="profiled", spread=spread)
    profile = cProfile.Profile()
    profile.enable()
    run_in_process(profiled, batch)
    profile.disable()
    stats = pstats.Stats(profile)
    stages = {
        "load the batch": ("query.py", "__iter__"),
        "fingerprint (hash, MinHash)": ("pipeline.py", "_fingerprint"),
        "duplicates": ("pipeline.py", "_duplicates"),
        "noise rules": ("noise.py", "match"),
        "segmentation (jieba)": ("pipeline.py", "_segment"),
        "classification": ("classify.py", "classify_batch"),
        "entities": ("entities.py", "find"),
        "write the batch": ("pipeline.py", "_write"),
        "trend and word counts": ("trends.py", "count"),
    }
    shares = {}
    raw = stats.stats  # type: ignore[attr-defined]
    process_total = sum(
        v[3]
        for (path, _l, name), v in raw.items()
        if path.endswith("pipeline.py") and name == "process"
    )
    for label, (filename, function) in stages.items():
        shares[label] = sum(
            value[3]
            for (path, _line, name), value in raw.items()
            if path.endswith(filename) and name == function
        )

    worker_log = open(settings_dir / "worker.log", "w")  # noqa: SIM115 - closed at the end
    memory: dict[int, list[dict[str, float]]] = {}
    parents: dict[int, dict[str, float]] = {}
    ready: dict[int, float] = {}

    def timed_run(label: str, count: int, pids: list[int]) -> None:
        """Warm the workers up on small batches, then time ``args.posts`` fresh posts."""
        fresh = store(args.posts, seed=seed + 10 + count, label=f"w{count}", spread=spread)
        warm_ids = store(
            100 * max(count, 2), seed=seed + 99 + count, label=f"warm{count}", spread=spread
        )
        for start in range(0, len(warm_ids), 100):
            tasks.process_items.delay(warm_ids[start : start + 100])
        deadline = time.time() + (900 if not pids else 300)
        while ListeningItem.objects.filter(status=Status.PENDING, pk__in=warm_ids).exists():
            if time.time() > deadline:
                raise SystemExit("workers did not start; see " + str(settings_dir))
            time.sleep(0.2)
        pool = [p for parent in pids for p in children(parent)]
        meter = Meter([*pids, *pool], own_backend=False)
        meter.start()
        for start in range(0, len(fresh), batch):
            tasks.process_items.delay(fresh[start : start + batch])
        last_change, waiting = time.time(), -1
        while ListeningItem.objects.filter(status=Status.PENDING).exists():
            time.sleep(0.05)
            if time.time() - last_change > 60:
                # No progress for a minute: the queue was lost (someone flushed Redis?). Hand the
                # waiting posts on again, as beat's dispatch_pending would, and say so.
                now_waiting = ListeningItem.objects.filter(status=Status.PENDING).count()
                if now_waiting == waiting:
                    left = tasks.pending_ids(len(fresh))
                    print(f"  no progress for a minute: {len(left)} posts queued again", flush=True)
                    for start in range(0, len(left), batch):
                        tasks.process_items.delay(left[start : start + batch])
                last_change, waiting = time.time(), now_waiting
        phases.append(meter.stop(label, fresh))
        if pids:
            memory[count] = [memory_mb(pid) for pid in pool]
            parents[count] = memory_mb(pids[0])

    for count in worker_counts:
        spawned = time.perf_counter()
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
            timed_run(f"Celery, {count} worker process(es)", count, [worker.pid])
            ready[count] = time.perf_counter() - spawned
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
    if args.attach:
        print(
            "start workers on the other machines now (up to 15 minutes), each with\n"
            f"  DATABASE_URL=postgres://postgres@THIS_HOST:5432/{DATABASE} "
            f"CELERY_BROKER_URL={redis_url.replace('127.0.0.1', 'THIS_HOST')} "
            "celery -A portal worker -Q listening --concurrency $(nproc)",
            flush=True,
        )
        timed_run("attached workers (CPU: db only)", 0, [])
    worker_log.close()
    broker.delete("listening")
    flagged = ListeningItem.objects.filter(status=Status.FLAGGED).count()

    cpus = os.cpu_count() or 1
    print()
    print(
        f"social listening, seed {seed}, {cpus} CPUs, batches of {batch}, posts published over "
        f"{args.spread_hours:g} h (PostgreSQL, Redis broker)"
    )
    print(f"  dictionary and model ready in {warm:.1f} s (once per worker)")
    print(
        f"  intake (validate, mask, store): {intake_phase.rate:,.0f} posts/s, "
        f"CPU {intake_phase.cpu_ms:.2f} ms/post"
    )
    print(
        "  end to end (fingerprint, duplicates, noise, segmentation, classification, "
        "sentiment, entities, routing, counts):"
    )
    print(
        f"    {'':32s}{'posts/s':>9s}{'CPU ms/post':>13s}{'(python':>9s}{'+ db)':>7s}"
        f"{'2 cores/CPU':>13s}{'dupl.':>7s}{'noise':>7s}{'machine busy':>14s}{'load':>6s}"
    )
    base = None
    for phase in phases:
        ceiling = cpus * 1000 / phase.cpu_ms if phase.cpu_ms else float("nan")
        print(
            f"    {phase.label:32s}{phase.rate:9,.0f}{phase.cpu_ms:13.2f}"
            f"{1000 * phase.python_cpu / phase.posts:9.2f}{1000 * phase.db_cpu / phase.posts:7.2f}"
            f"{ceiling:13,.0f}{100 * phase.duplicates:6.1f}%{100 * phase.noise:6.1f}%"
            f"{100 * phase.busy:13.0f}%{phase.load:6.1f}"
        )
    workers_only = [p for p in phases if p.label.startswith("Celery")]
    if workers_only:
        base = workers_only[0].rate
        growth = ", ".join(
            f"{n} -> {p.rate / base:.2f}x"
            for n, p in zip(worker_counts, workers_only, strict=False)
        )
        print(f"  growth with worker processes (wall): {growth}")
    hits, misses = hits1 - hits0, misses1 - misses0
    print(
        f"  segmentation block cache (in process): {100 * hits / max(hits + misses, 1):.0f} % "
        "of text blocks answered from it (generated posts repeat clauses more than real ones)"
    )
    print(f"  share of the pipeline's time (in process, {len(profiled):,} posts under cProfile):")
    for label, seconds in shares.items():
        print(f"    {label:30s} {100 * seconds / max(process_total, 1e-9):5.1f} %")
    for count in memory:
        rows = ", ".join(
            f"{m['peak_rss']:.0f} MB peak RSS / {m['private']:.0f} MB private"
            for m in memory[count]
        )
        parent = parents[count]
        print(
            f"  memory, {count} worker process(es): {rows}; the pool's parent "
            f"{parent['peak_rss']:.0f} MB peak RSS / {parent['private']:.0f} MB private; "
            f"started and warm in {ready[count]:.1f} s (with the timed run)"
        )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  flagged posts (should be 0): {flagged}; bench process peak RSS {own:.0f} MB")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        psql(f"drop database if exists {DATABASE} with (force)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
