"""Make every cached page unreachable at once: run it after deploying new code.

Publishing, settings changes and the targeting snapshot's version already invalidate the page
cache; a deploy changes templates and code, which no key holds. This bumps the shared generation,
so every web worker on every server stores fresh pages from the next request (the old entries
expire with ``PAGECACHE_TTL`` or are evicted). A CDN in front keeps its copies for at most
``PAGECACHE_SHARED_MAX_AGE``; purge it as well when a deploy changes what pages look like
(docs/operations.md, "Page cache and CDN").
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from portal.pagecache.keys import bump_generation, current_generation


class Command(BaseCommand):
    help = "Make every cached page unreachable (run after a deploy)."

    def handle(self, *args: Any, **options: Any) -> None:
        before = current_generation()
        with transaction.atomic():
            bump_generation()  # applied when this block commits
        after = current_generation()
        self.stdout.write(f"page cache generation {before[:8]} -> {after[:8]}")
