"""The raw event log, customers' interaction history, the link of visitor ids to customers, and
the profiles: each visitor's folded behaviour document and what the bank knows of a customer.

They belong to the ``tracking`` app (``targeting.tracking``); their tables keep the names they had
when the models were targeting's (``db_table``), so moving them lost no rows.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
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
    constraint on (source, client_id) is the final word on idempotency (on PostgreSQL, where the
    log is partitioned by month, ``RawEventKey`` and a trigger take its place: see
    ``targeting.tracking.partitions``). ``folded_at`` is set in the same transaction that folds
    the event, so a worker crash never counts it twice.
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


class RawEventKey(models.Model):
    """The client's key of a stored raw event, hashed: idempotency of the partitioned log.

    On PostgreSQL the log is partitioned by month (``targeting.tracking.partitions``) and cannot
    be unique on ``(source, client_id)``, which leaves out the partition key; a trigger stores
    each event's key here first and drops the event when its key is already here. On SQLite the
    log keeps its unique constraint and this table stays empty.
    """

    key = models.UUIDField(primary_key=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "targeting_raweventkey"
        default_permissions = ()


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


class VisitorProfile(models.Model):
    """What the site has seen a (consenting) visitor do, folded into one JSON document.

    ``data`` holds visits, sessions, pageviews, categories {category: last seen}, searches,
    clicked_campaigns, last_seen, session_started and session_pageviews; see
    ``targeting.tracking.documents``. The table keeps the name it had as targeting's.
    """

    visitor_id = models.CharField(_("visitor id"), max_length=64, unique=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        db_table = "targeting_visitorprofile"
        verbose_name = _("visitor profile")
        verbose_name_plural = _("visitor profiles")

    def __str__(self) -> str:
        return self.visitor_id


class CustomerProfile(models.Model):
    """What the bank knows about a signed-in customer (explicit conditions of the design)."""

    GENDER_CHOICES = [("male", _("Male")), ("female", _("Female")), ("other", _("Other"))]
    INCOME_CHOICES = [
        ("low", _("Low")),
        ("middle", _("Middle")),
        ("high", _("High")),
        ("very_high", _("Very high")),
    ]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="customer_profile",
    )
    customer_number = models.CharField(
        _("customer number"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The CRM's customer reference; CRM segment imports match on it."),
    )
    is_customer = models.BooleanField(_("is a customer"), default=True)
    age = models.PositiveSmallIntegerField(
        _("age"), null=True, blank=True, validators=[MaxValueValidator(130)]
    )
    gender = models.CharField(_("gender"), max_length=8, choices=GENDER_CHOICES, blank=True)
    income_band = models.CharField(
        _("income band"), max_length=12, choices=INCOME_CHOICES, blank=True
    )
    occupation = models.CharField(_("occupation"), max_length=60, blank=True)
    region = models.CharField(
        _("home region"), max_length=10, blank=True, help_text=_("ISO 3166-2, e.g. CN-SC.")
    )
    products = models.JSONField(_("products held"), default=list, blank=True)
    interests = models.JSONField(_("declared interests"), default=list, blank=True)
    risk_tolerance = models.PositiveSmallIntegerField(
        _("risk tolerance"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    preferences = models.JSONField(_("declared preferences"), default=dict, blank=True)
    purchases = models.JSONField(_("products bought"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "targeting_customerprofile"
        verbose_name = _("customer profile")
        verbose_name_plural = _("customer profiles")

    def __str__(self) -> str:
        return self.customer_number or str(self.user)


class PersonalDataRequest(models.Model):
    """The audit log of downloads and erasures of a customer's data, by the customer themselves
    or by customer service for them (docs/privacy.md).

    It names the account only by its id (after an erasure the account is ``erased-<id>``), so the
    log itself holds no personal data. Its permissions say who in customer service may act:
    ``export_personal_data`` and ``erase_personal_data``; nobody may change or delete an entry.
    """

    class Kind(models.TextChoices):
        EXPORT = "export", _("Download")
        ERASE = "erase", _("Erasure")

    class Channel(models.TextChoices):
        SELF_SERVICE = "self_service", _("The customer, on the website")
        CUSTOMER_SERVICE = "customer_service", _("Customer service, for the customer")

    kind = models.CharField(_("request"), max_length=8, choices=Kind.choices)
    channel = models.CharField(_("made by"), max_length=20, choices=Channel.choices)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer account"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reference = models.CharField(
        _("case reference"),
        max_length=40,
        blank=True,
        help_text=_("The customer's request as customer service logged it, e.g. a ticket number."),
    )
    parts = models.JSONField(_("parts"), default=list, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        permissions = [
            ("export_personal_data", _("Can download a customer's data for them")),
            ("erase_personal_data", _("Can erase a customer's data for them")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.customer_id} {self.at:%Y-%m-%d %H:%M}"
