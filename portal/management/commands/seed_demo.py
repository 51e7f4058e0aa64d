"""Build the demo portal: every app adds its own content, idempotently.

Each app owns a `demo` module with a `seed(stdout)` function; running the command again updates
the demo content in place and never duplicates it.
"""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

# Order matters: pages before the products under them, products before the campaigns that
# point at them, targeting before the community that reuses its segments.
DEMO_MODULES = [
    "portal.demo",
    "products.demo",
    "targeting.demo",
    "community.demo",
    # the demo customers' risk assessments, once they exist (targeting, community), before push
    # decides for them: the questionnaire is the only way to a risk tolerance
    "products.demo_assessments",
    # push after the demo customer exists (targeting): offers, triggers, contact preferences
    "targeting.push.demo",
    # measurement last: 30 days of traffic for the campaigns above, through the event pipeline
    "targeting.measurement.demo",
    # social listening: generated outside posts through intake and the pipeline (trends, a spike)
    "community.listening.demo",
    # i18n: English translations (wagtail-localize) of the pages, placements and creatives above
    # (last: measurement's demo adds the experiments' second creatives)
    "portal.demo_english",
]


class Command(BaseCommand):
    help = "Create or refresh the demo content (idempotent)."

    def handle(self, *args, **options):
        for name in DEMO_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            with transaction.atomic():
                module.seed(self.stdout)
            self.stdout.write(f"seeded {name}")
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
