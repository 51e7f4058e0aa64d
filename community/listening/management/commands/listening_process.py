"""Run the listening pipeline here over waiting posts (and, with --retry, flagged ones)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from community.listening import pipeline, tasks, trends


class Command(BaseCommand):
    help = "Process waiting posts now; --retry puts flagged posts back first; checks spikes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--retry", action="store_true", help="Retry flagged posts too")

    def handle(self, *args: Any, **options: Any) -> None:
        retried = pipeline.retry_flagged() if options["retry"] else 0
        done = tasks.process_all_pending()
        alerts = trends.check_spikes()
        self.stdout.write(f"{done} posts processed ({retried} retried), {len(alerts)} alerts")
