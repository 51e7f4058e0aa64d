"""Push latency: from an event accepted to its message handed to the channel, under load.

Run: `.venv/bin/python bench/push_bench.py [--rate 1000] [--seconds 20] [--concurrency 2]
[--pool prefork|threads]`.

It creates a throw-away PostgreSQL database (`portal_p_pushbench`), migrates it, uses Redis
(`REDIS_URL`, default db 5 of the local server, under a private key prefix and event stream) as
cache, event buffer and Celery broker, and starts two real Celery workers as in production
(docs/operations.md): the default queue (draining and folding, one process) and the `push` queue
(`celery -A portal worker -Q push`, `--concurrency` processes: trigger evaluation and sends).
The bench process creates
3,000 consenting customers with a phone number, an approved SMS offer and a live trigger (card
payment at a travel merchant of at least 1,000 CNY), then sends `card_transaction` events through
tracking's ingestion (`ingest_batch`, what `POST /api/v1/events` calls once the body is parsed;
HTTP is left out so the load generator stays light on two cores) in batches of 100 at `--rate`
events per second: 5 % are travel payments that fire the trigger (each customer once), the rest
supermarket payments the trigger evaluates and rejects. Each accepted batch is announced to push
(`events_accepted`), whose receiver queues the events a trigger listens to on the `push` queue;
the push worker evaluates the triggers, arbitrates and hands each SMS to the development SMS
adapter, while the default worker drains and folds the stream at its own pace (and the folded
path finds the same events already handled).

Latency per message = `PushMessage.sent_at` (set when the adapter returned) − the event's
`received_at` (set when ingestion accepted it). It first runs a light baseline (20 events/s for
10 s) and prints the ratio of the loaded percentiles to it, then p50/p95/p99 under load, the
achieved arrival rate, messages sent against triggering events (nothing lost), the fold backlog
left when the load stops, and the peak RSS of the worker processes and of the bench process.
Nothing here is a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE = "portal_p_pushbench"
CUSTOMERS = 3000
BATCH = 100
TRIGGER_SHARE = 0.05

SETTINGS = """
from portal.settings.dev import *  # noqa: F401,F403
DEBUG = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
"""


def psql(sql: str, database: str = "postgres") -> str:
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAc", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def peak_rss_mb(pid: int) -> float:
    """VmHWM of a process (its peak resident set), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    except OSError:
        return []
    return [int(p) for p in out.split()]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def setup_data() -> tuple[list[int], int]:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from targeting.push.models import SMS, ContactPreference, Offer, PushSettings, Trigger

    user_model = get_user_model()
    with transaction.atomic():
        users = user_model.objects.bulk_create(
            [
                user_model(username=f"bench-{i}", last_name="张", first_name=str(i))
                for i in range(CUSTOMERS)
            ]
        )
        ContactPreference.objects.bulk_create(
            [
                ContactPreference(user=u, marketing_consent=True, phone=f"138{i:08d}")
                for i, u in enumerate(users)
            ]
        )
        policy = PushSettings.load()
        policy.control_percent = 0
        policy.quiet_start = policy.quiet_end = 0  # the bench runs at any hour
        policy.daily_cap = policy.weekly_cap = 50
        policy.save()
        offer = Offer.objects.create(
            slug="bench-travel-card",
            name="旅行白金卡",
            channels=[SMS],
            title="{{ name }}",
            body="{{ name }}您好",
            sms_text="【示例银行】{{ name }}您好，旅行白金卡境外返现。",
            live=True,
        )
        trigger = Trigger.objects.create(
            slug="bench-travel",
            name="travel",
            event_type="card_transaction",
            condition={
                "all": [
                    {"attr": "event.merchant_category_code", "op": "in", "value": ["4511", "4722"]},
                    {"attr": "event.amount", "op": "gte", "value": 1000},
                ]
            },
            cooldown_hours=24,
            live=True,
        )
        trigger.offers.set([offer])
        trigger.save()
    system = user_model.objects.create(username="bench-card-system")
    return [u.pk for u in users], system.pk


def run_load(
    user_ids: list[int], system_id: int, rate: float, seconds: float, first: int
) -> tuple[int, int, float]:
    """Send ``rate`` events/s for ``seconds``; returns (events, triggering events, achieved rate)."""
    from targeting.tracking.ingestion import Caller, ingest_batch

    caller = Caller.system(system_id)
    sent = triggering = 0
    next_trigger_user = first
    started = time.monotonic()
    batches = max(1, round(rate * seconds / BATCH)) if rate >= BATCH else int(seconds * rate)
    per_batch = BATCH if rate >= BATCH else 1
    interval = per_batch / rate
    for index in range(batches):
        due = started + index * interval
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        now = datetime.now(UTC).isoformat()
        events = []
        for n in range(per_batch):
            fires = (sent + n) % round(1 / TRIGGER_SHARE) == 0
            if fires:
                user = user_ids[next_trigger_user % len(user_ids)]
                next_trigger_user += 1
                triggering += 1
            else:
                user = user_ids[(sent + n) * 7919 % len(user_ids)]
            events.append(
                {
                    "id": uuid.uuid4().hex,
                    "type": "card_transaction",
                    "at": now,
                    "customer": f"user-{user}",
                    "channel": "pos",
                    "properties": {
                        "merchant_category_code": "4511" if fires else "5411",
                        "amount": 3200 if fires else 88,
                        "merchant": "国际航空" if fires else "超市",
                    },
                }
            )
        result = ingest_batch(events, caller)
        if result.rejected:
            raise SystemExit(f"rejected: {result.detail()}")
        sent += per_batch
    elapsed = time.monotonic() - started
    return sent, triggering, sent / elapsed


def stream_backlog() -> int:
    from targeting.tracking import buffer

    return buffer.backlog()


def collect(expected: int, since_pk: int, timeout: float) -> tuple[list[float], int]:
    from targeting.push.models import PushMessage

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = PushMessage.objects.filter(pk__gt=since_pk, status=PushMessage.SENT).count()
        if done >= expected:
            break
        time.sleep(0.5)
    rows = PushMessage.objects.filter(pk__gt=since_pk, status=PushMessage.SENT).values_list(
        "sent_at", "event_at"
    )
    latencies = [(sent - accepted).total_seconds() for sent, accepted in rows if accepted]
    return latencies, len(latencies)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument(
        "--pool",
        default="prefork",
        choices=["prefork", "threads"],
        help="the push worker's pool: its work is mostly waiting on PostgreSQL and Redis",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/5")
    settings_dir = Path(tempfile.mkdtemp(prefix="pushbench-"))
    (settings_dir / "pushbench_settings.py").write_text(SETTINGS)
    prefix = f"pushbench-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "PYTHONPATH": f"{settings_dir}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "pushbench_settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix,
        "TRACKING_STREAM_KEY": f"{prefix}:events",
    }
    psql(f"drop database if exists {DATABASE} with (force)")
    psql(f"create database {DATABASE}")
    print(f"migrating {DATABASE} ...", flush=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    sys.path[:0] = [str(settings_dir), str(ROOT)]
    import django

    django.setup()
    from django.conf import settings

    from targeting.push.models import PushMessage

    user_ids, system_id = setup_data()
    import redis

    broker = redis.Redis.from_url(redis_url)
    broker.delete("celery", "push")  # this bench's Redis db: no task left from an earlier run
    worker_log = open(settings_dir / "worker.log", "w")  # noqa: SIM115 - closed with the workers
    print(f"worker log: {settings_dir / 'worker.log'}")

    def start_worker(queue: str, concurrency: int, pool: str = "prefork") -> subprocess.Popen:
        return subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "portal",
                "worker",
                "-Q",
                queue,
                "-n",
                f"{queue}@pushbench",
                "--concurrency",
                str(concurrency),
                "--pool",
                pool,
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

    workers = {
        "default": start_worker("celery", 1),
        "push": start_worker("push", args.concurrency, args.pool),
    }
    try:
        time.sleep(8)  # the workers' processes start
        print(f"broker {settings.CELERY_BROKER_URL}, eager: {settings.CELERY_TASK_ALWAYS_EAGER}")
        results = {}
        first = 0
        backlog = 0
        for label, rate, seconds in (
            ("baseline", 20.0, 10.0),
            ("load", args.rate, args.seconds),
        ):
            since = PushMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            print(f"{label}: {rate:.0f} events/s for {seconds:.0f} s ...", flush=True)
            events, triggering, achieved = run_load(user_ids, system_id, rate, seconds, first)
            backlog = stream_backlog()
            first += triggering
            latencies, sent = collect(triggering, since, timeout=120)
            results[label] = (events, triggering, achieved, latencies, sent)
        rss = {
            name: [peak_rss_mb(pid) for pid in [worker.pid, *children(worker.pid)]]
            for name, worker in workers.items()
        }
    finally:
        for worker in workers.values():
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers.values():
            worker.wait(timeout=30)
        broker.delete("celery", "push")
    base = results["baseline"][3]
    print()
    print("push latency: event accepted -> message handed to the channel (SMS console adapter)")
    print(
        f"  workers: real Celery, default queue 1 process (drain, fold), push queue "
        f"{args.concurrency} {'threads' if args.pool == 'threads' else 'processes'}; "
        "Redis broker; PostgreSQL"
    )
    for label, (events, triggering, achieved, latencies, sent) in results.items():
        print(
            f"  {label:8s} {events} events at {achieved:.0f}/s, {triggering} triggering, "
            f"{sent} sent ({triggering - sent} missing)"
        )
        if latencies:
            p50, p95, p99 = (percentile(latencies, q) for q in (50, 95, 99))
            line = f"           p50 {p50:.3f} s  p95 {p95:.3f} s  p99 {p99:.3f} s  max {max(latencies):.3f} s"
            if label != "baseline" and base:
                line += f"  (p50 x{p50 / statistics.median(base):.1f} of baseline)"
            print(line)
    print(f"  fold backlog when the load stopped: {backlog} events in the stream")
    for name, sizes in rss.items():
        print(f"  {name} worker peak RSS {', '.join(f'{m:.0f} MB' for m in sizes)}")
    print(
        f"  bench process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    load = results["load"][3]
    if load:
        verdict = "met" if percentile(load, 95) < 2.0 else "NOT met"
        print(f"  target p95 < 2 s under load: {verdict}")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        psql(f"drop database if exists {DATABASE} with (force)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
