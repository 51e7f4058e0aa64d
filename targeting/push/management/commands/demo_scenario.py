"""Play issue 11's two cases through the real event pipeline and show what came out.

1. The Standard Chartered case: the demo customer pays 3,200 yuan at an airline (MCC 4511); the
   card-payment trigger fires and the travel credit-card offer goes out by SMS (printed on the
   console by the development SMS adapter, or by the Celery worker's console with a broker).
2. The queue-machine case: the customer swipes a card at branch CD-TF01's queue machine; a
   relationship-manager lead and a queue-screen greeting are created.

Both are visible afterwards in the admin (Push marketing → Send log, Relationship-manager leads).
Run ``manage.py seed_demo`` first.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from targeting.push.demo import DEMO_BRANCH, DEMO_CUSTOMER
from targeting.push.models import Lead, PushMessage, PushSettings
from targeting.push.policy import Policy, in_quiet_hours
from targeting.tracking.ingestion import Caller, ingest_batch


class Command(BaseCommand):
    help = "Play a travel card payment and a branch queue swipe for the demo customer."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--wait", type=float, default=15.0, help="seconds to wait per case")
        parser.add_argument(
            "--respect-quiet-hours",
            action="store_true",
            help="keep quiet hours in force (at night the SMS is then deferred to their end)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=DEMO_CUSTOMER).first()
        if user is None:
            raise CommandError("Run manage.py seed_demo first (no demo customer).")
        system = get_user_model().objects.filter(is_superuser=True).first() or user
        customer = f"user-{user.pk}"
        policy = PushSettings.load()
        quiet = (policy.quiet_start, policy.quiet_end)
        if not options["respect_quiet_hours"] and in_quiet_hours(timezone.now(), Policy.load()):
            self.stdout.write(
                f"Quiet hours ({quiet[0]:02d}:00–{quiet[1]:02d}:00) are suspended for this "
                "scenario (--respect-quiet-hours to see the SMS deferred instead)."
            )
            policy.quiet_start = policy.quiet_end = 0
            policy.save()
        try:
            self._scenario(system, user, customer, options["wait"])
        finally:
            if (policy.quiet_start, policy.quiet_end) != quiet:
                policy.quiet_start, policy.quiet_end = quiet
                policy.save()

    def _scenario(self, system: Any, user: Any, customer: str, wait: float) -> None:
        self.stdout.write("1. Card payment of 3,200 CNY at an airline (MCC 4511)…")
        self._play(
            system.pk,
            {
                "type": "card_transaction",
                "customer": customer,
                "channel": "pos",
                "properties": {
                    "merchant_category_code": "4511",
                    "amount": 3200,
                    "currency": "CNY",
                    "terminal": "pos",
                    "merchant": "国际航空",
                },
            },
            user,
            wait,
        )
        self.stdout.write(f"2. Card swiped at branch {DEMO_BRANCH}'s queue machine…")
        self._play(
            system.pk,
            {
                "type": "branch_queue_swipe",
                "customer": customer,
                "channel": "branch",
                "properties": {"branch": DEMO_BRANCH, "service": "wealth"},
            },
            user,
            wait,
        )
        lead = Lead.objects.filter(customer=user).order_by("-pk").first()
        if lead is not None:
            self.stdout.write(
                f"   lead #{lead.pk} for {lead.offer} at {lead.branch} ({lead.status})"
            )
        self.stdout.write(
            self.style.SUCCESS(
                "See Push marketing → Send log and → Relationship-manager leads in the admin; "
                f"the queue screen: GET /api/v1/push/queue-screen/{DEMO_BRANCH}"
            )
        )

    def _play(self, system_id: int, event: dict[str, Any], user: Any, wait: float) -> None:
        before = PushMessage.objects.filter(user=user).order_by("-pk").values_list("pk", flat=True)
        last = before.first() or 0
        started = time.monotonic()
        with transaction.atomic():
            result = ingest_batch(
                [{"id": uuid.uuid4().hex, "at": timezone.now().isoformat(), **event}],
                Caller.system(system_id),
            )
        if result.rejected:
            raise CommandError(f"event rejected: {result.detail()}")
        # With a broker the worker folds and sends; poll the send log until something appears.
        while time.monotonic() - started < wait:
            new = list(PushMessage.objects.filter(user=user, pk__gt=last).order_by("pk"))
            if new and all(m.status not in (PushMessage.PENDING, PushMessage.FAILED) for m in new):
                break
            time.sleep(0.2)
        else:
            new = list(PushMessage.objects.filter(user=user, pk__gt=last).order_by("pk"))
        elapsed = time.monotonic() - started
        if not new:
            self.stdout.write("   nothing was sent (is a Celery worker running? see docs/push.md)")
        for message in new:
            explain = message.arbitration.get("explain", [])
            chosen = [e for e in explain if e.get("result") == "chosen"]
            reason = "; ".join(
                f"{e['offer']}: {e.get('reason', '')}"
                for e in chosen + [e for e in explain if e.get("result") == "out"]
            )
            self.stdout.write(
                f"   {message.get_channel_display() or '—'}: {message.get_status_display()} "
                f"after {elapsed:.2f}s — {message.text[:60]!r} ({reason})"
            )
