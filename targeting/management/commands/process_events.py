"""``manage.py process_events``: drain the event stream and fold the backlog now (no worker)."""

from typing import Any

from django.core.management.base import BaseCommand

from targeting.tracking import buffer
from targeting.tracking.folding import fold_all_pending


class Command(BaseCommand):
    help = "Drain the Redis event stream into the raw log and fold every unfolded event."

    def handle(self, *args: Any, **options: Any) -> None:
        stored = buffer.drain(max_entries=10**12)
        folded = fold_all_pending(max_events=10**12)
        self.stdout.write(f"Stored {stored} buffered events; folded {folded}.")
