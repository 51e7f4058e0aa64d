"""The push app: triggers, offers, arbitration, contact policy and channels (docs/push.md)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PushConfig(AppConfig):
    name = "targeting.push"
    label = "push"
    verbose_name = _("Push marketing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Tracking announces folded events with a signal; it never imports push (import
        # contract in pyproject.toml). The receiver only queues work.
        # local: ready(): receivers import the models, which exist only once the registry is loaded
        from targeting.push import receivers
        from targeting.tracking.signals import events_accepted, events_folded

        events_folded.connect(receivers.queue_trigger_evaluation, dispatch_uid="push-triggers")
        events_accepted.connect(receivers.queue_accepted_evaluation, dispatch_uid="push-accepted")
        # A published, unpublished or deleted offer or trigger reaches every worker's index.
        from django.db.models.signals import post_delete
        from wagtail.signals import published, unpublished

        # local: ready(): models exist only once the app registry is loaded
        from targeting.push.models import Offer, Trigger
        from targeting.push.simulation import simulate_pushes
        from targeting.simulation import register_extension

        register_extension("pushes", simulate_pushes)
        # local: ready()
        from targeting.push import personal_data

        personal_data.register()  # messages, leads, preferences in download and erasure

        for model in (Offer, Trigger):
            for signal in (published, unpublished, post_delete):
                signal.connect(
                    receivers.offer_or_trigger_changed,
                    sender=model,
                    dispatch_uid=f"push-changed-{model.__name__}-{id(signal)}",
                )
