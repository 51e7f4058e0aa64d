"""``manage.py purge_raw_events``: delete folded raw events older than the retention period."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from targeting.tracking.tasks import purge_raw_events


class Command(BaseCommand):
    help = "Delete folded raw events older than RAW_EVENT_RETENTION_DAYS (default 90)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_raw_events()
        days = getattr(settings, "RAW_EVENT_RETENTION_DAYS", 90)
        self.stdout.write(f"Deleted {deleted} raw events older than {days} days.")
