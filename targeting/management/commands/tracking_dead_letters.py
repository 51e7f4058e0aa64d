"""``manage.py tracking_dead_letters``: list or delete events the database could never store.

The drain moves such stream entries (with the reason) to ``<TRACKING_STREAM_KEY>:dead`` so that
later events keep flowing; an operator reads them here, fixes the sender, and deletes them.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from targeting.tracking import buffer


class Command(BaseCommand):
    help = "List the tracking dead letters (events that could not be stored), or delete them."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--count", type=int, default=50, help="How many to list (newest).")
        parser.add_argument("--json", action="store_true", help="One JSON object per line.")
        parser.add_argument("--delete", nargs="+", metavar="ID", help="Delete these letters.")
        parser.add_argument("--purge", action="store_true", help="Delete every dead letter.")

    def handle(self, *args: Any, **options: Any) -> None:
        if buffer.client() is None:
            raise CommandError(
                "No Redis configured (TRACKING_REDIS_URL): there are no dead letters."
            )
        if options["purge"]:
            self.stdout.write(f"Deleted {buffer.delete_dead_letters()} dead letters.")
            return
        if options["delete"]:
            deleted = buffer.delete_dead_letters(options["delete"])
            self.stdout.write(f"Deleted {deleted} dead letters.")
            return
        letters = buffer.dead_letters(max(1, options["count"]))
        for letter in letters:
            if options["json"]:
                self.stdout.write(json.dumps(letter, ensure_ascii=False))
            else:
                self.stdout.write(
                    f"{letter['id']}  {letter['at']}  entry {letter['entry']}\n"
                    f"  reason: {letter['reason']}\n  payload: {letter['payload'][:500]}"
                )
        if not options["json"]:
            self.stdout.write(f"{len(letters)} dead letters shown.")
