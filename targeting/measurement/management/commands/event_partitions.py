"""``manage.py event_partitions [--ahead N]``: create the raw log's coming monthly partitions."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from targeting.tracking import partitions


class Command(BaseCommand):
    help = (
        "PostgreSQL: create the raw event log's monthly partitions from this month to --ahead "
        "months after it (rows already in the default partition move in), forget client keys "
        "past the retention and drop emptied months past it. Celery beat runs the same daily. "
        "Does nothing on SQLite."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ahead", type=int, default=partitions.MONTHS_AHEAD)

    def handle(self, *args: Any, ahead: int = partitions.MONTHS_AHEAD, **options: Any) -> None:
        if not 0 <= ahead <= 60:
            raise CommandError("--ahead: expected a number of months from 0 to 60")
        if not partitions.is_partitioned():
            self.stdout.write("The raw event log is not partitioned here (SQLite): nothing to do.")
            return
        done = partitions.maintain(ahead)
        self.stdout.write(
            f"Partitions created: {', '.join(done['created']) or 'none'}; "
            f"keys forgotten: {done['pruned_keys']}; "
            f"emptied months dropped: {', '.join(done['dropped']) or 'none'}."
        )
