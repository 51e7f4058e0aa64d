"""Demo: a few thousand generated outside posts over two weeks, with an outage spike 20 minutes
ago, through the same intake and pipeline as real ones (idempotent: known ids are skipped)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from community.listening import generate, intake, tasks, trends
from community.listening.models import ListeningItem

POSTS = 3000


def seed(stdout: Any) -> None:
    now = timezone.now()
    if ListeningItem.objects.filter(external_id__startswith="demo-").exists():
        stdout.write("  listening: demo posts already there")
    else:
        rows = generate.outside_posts(POSTS, now=now, spike_at=now - timedelta(minutes=20))
        outcome = intake.store(enumerate(rows, start=1))
        done = tasks.process_all_pending()
        stdout.write(f"  listening: {outcome.created} outside posts imported, {done} processed")
    alerts = trends.check_spikes(now)
    if alerts:
        stdout.write(f"  listening: {len(alerts)} spike alert(s) raised")
