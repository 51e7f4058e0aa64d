"""The raw event log, customers' interaction history and the link of visitor ids to customers.

They belong to the ``tracking`` app (``targeting.tracking``); their tables keep the names they had
when the models were targeting's (``db_table``), so moving them lost no rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CHANNEL_CHOICES = [
    ("web", _("Web")),
    ("app", _("Mobile app")),
    ("atm", _("ATM")),
    ("pos", _("Card terminal (POS)")),
    ("branch", _("Branch")),
    ("call_centre", _("Call centre")),
]


class RawEvent(models.Model):
    """One accepted event as it arrived; the source of truth profiles are folded from.

    ``source`` scopes the client's event id: ``v:<visitor id>`` for a browser, ``u:<user id>``
    for a channel system's token, ``s:portal`` for events the portal emits itself. The unique
    constraint on (source, client_id) is the final word on idempotency. ``folded_at`` is set in
    the same transaction that folds the event, so a worker crash never counts it twice.
    """

    source = models.CharField(_("source"), max_length=80)
    client_id = models.CharField(_("client event id"), max_length=64)
    type = models.CharField(_("type"), max_length=32)
    at = models.DateTimeField(_("happened at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    visitor_id = models.CharField(_("visitor id"), max_length=64, blank=True, db_index=True)
    customer_ref = models.CharField(_("customer reference"), max_length=40, blank=True)
    channel = models.CharField(_("channel"), max_length=20, default="web")
    properties = models.JSONField(_("properties"), default=dict, blank=True)
    folded_at = models.DateTimeField(_("folded at"), null=True, blank=True, db_index=True)

    class Meta:
        db_table = "targeting_rawevent"
        verbose_name = _("raw event")
        verbose_name_plural = _("raw events")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "client_id"], name="targeting_rawevent_source_client_id"
            )
        ]
        indexes = [models.Index(fields=["customer_ref"], name="targeting_rawevent_customer")]
        permissions = [
            ("add_event", _("Can send events naming any visitor or customer (channel systems)")),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.source}/{self.client_id}"


class CustomerVisitor(models.Model):
    """A visitor id (a browser) a customer signed in with; web events after ``linked_at`` are
    the customer's."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tracked_visitors"
    )
    visitor_id = models.CharField(_("visitor id"), max_length=64, db_index=True)
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)

    class Meta:
        db_table = "targeting_customervisitor"
        verbose_name = _("customer's visitor id")
        verbose_name_plural = _("customers' visitor ids")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "visitor_id"], name="targeting_customervisitor_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.visitor_id}"


class Interaction(models.Model):
    """One entry of a customer's interaction history, across channels.

    Kept after the raw log's retention purge (it is the customer's history, erased with the
    customer). The model's ``view_interaction`` permission guards who may read it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    at = models.DateTimeField(_("happened at"), db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=CHANNEL_CHOICES)
    type = models.CharField(_("type"), max_length=32)
    properties = models.JSONField(_("details"), default=dict, blank=True)
    source = models.CharField(max_length=80)
    client_id = models.CharField(max_length=64)

    class Meta:
        db_table = "targeting_interaction"
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "client_id"], name="targeting_interaction_source_client_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.type} {self.at:%Y-%m-%d %H:%M}"
