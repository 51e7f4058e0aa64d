"""``manage.py rebuild_profiles``: recompute every visitor profile from the raw event log."""

from typing import Any

from django.core.management.base import BaseCommand

from targeting.tracking import buffer
from targeting.tracking.folding import rebuild_profiles


class Command(BaseCommand):
    help = "Rebuild every visitor profile from the raw event log (idempotent; stop folding workers first)."

    def handle(self, *args: Any, **options: Any) -> None:
        stored = buffer.drain(max_entries=10**12)
        count = rebuild_profiles()
        self.stdout.write(f"Stored {stored} buffered events; rebuilt {count} profiles.")
