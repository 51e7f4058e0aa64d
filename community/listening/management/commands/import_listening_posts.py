"""Import outside posts from a CSV or JSON Lines file (docs/listening.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from community.listening import intake, tasks
from community.listening.models import OUTSIDE_SOURCES


class Command(BaseCommand):
    help = "Import outside posts (CSV with a header row, or JSON Lines); bad rows are reported."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="A .csv or .jsonl file (UTF-8)")
        parser.add_argument(
            "--source",
            default="",
            choices=sorted(OUTSIDE_SOURCES),
            help="Source of rows that do not name one",
        )
        parser.add_argument(
            "--process", action="store_true", help="Run the pipeline here after importing"
        )
        parser.add_argument("--json", action="store_true", help="Print the outcome as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"path: no such file: {path}")
        reader = intake.read_csv if path.suffix.lower() == ".csv" else intake.read_jsonl
        chunk: list[tuple[int, Any]] = []
        total = intake.Outcome()
        with path.open(encoding="utf-8-sig", newline="") as stream:
            try:
                for row in reader(stream):
                    chunk.append(row)
                    if len(chunk) >= 1000:
                        self._store(chunk, options["source"], total)
                        chunk = []
            except UnicodeDecodeError as problem:
                raise CommandError(f"path: not UTF-8 text ({problem.reason})") from None
        self._store(chunk, options["source"], total)
        processed = 0
        if options["process"] or getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            processed = tasks.process_all_pending()
        else:
            for start in range(0, len(total.ids), tasks.BATCH):
                tasks.process_items.delay(total.ids[start : start + tasks.BATCH])
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"created": total.created, "known": total.known, "errors": total.errors},
                    ensure_ascii=False,
                )
            )
            return
        for refused in total.errors:
            self.stderr.write(
                f"line {refused['line']}: {refused['field'] or 'row'}: {refused['message']}"
            )
        self.stdout.write(
            f"{total.created} posts imported, {total.known} already known, "
            f"{len(total.errors)} refused, {processed} processed here"
        )

    @staticmethod
    def _store(chunk: list[tuple[int, Any]], source: str, total: intake.Outcome) -> None:
        if not chunk:
            return
        outcome = intake.store(chunk, default_source=source)
        total.created += outcome.created
        total.known += outcome.known
        total.errors.extend(outcome.errors)
        total.ids.extend(outcome.ids)
