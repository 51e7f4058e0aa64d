"""``manage.py rebuild_rollups [--since YYYY-MM-DD]``: recompute the rollups from raw events."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from targeting.measurement import rollups


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since: expected a date YYYY-MM-DD, got {value[:40]!r}") from None


class Command(BaseCommand):
    help = (
        "Recompute the hourly and daily rollups from the raw event log, from --since (a site-local "
        "date) or from the first day the raw log still holds whole. Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=str, default=None, help="first day, YYYY-MM-DD")

    def handle(self, *args: Any, since: str | None = None, **options: Any) -> None:
        first = _day(since) if since is not None else None
        # Events waiting in the buffer or past the cursor go in first, then the days are redone.
        pending = rollups.roll_up(settle=timedelta(0))
        rebuilt_from, added = rollups.rebuild(first)
        if first is not None and rebuilt_from > first:
            self.stdout.write(
                self.style.WARNING(
                    f"The raw log no longer holds {first} whole; rebuilt from {rebuilt_from}, "
                    "earlier days kept as they were."
                )
            )
        self.stdout.write(
            f"Rollups rebuilt from {rebuilt_from}: {added} events counted "
            f"({pending} new events added first)."
        )
