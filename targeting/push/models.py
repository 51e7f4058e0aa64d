"""What push marketing stores: offers, triggers, the send log, leads and contact preferences.

Offers and triggers are Wagtail snippets with drafts and revisions; offers also go through the
"Push offer approval" workflow, so nothing reaches a customer before compliance published it (a
live offer's row always holds its approved content: drafts of a live snippet live in revisions).
The models only store and validate; deciding is ``targeting.push.arbitration``, sending is
``targeting.push.tasks`` through ``targeting.push.channels``.
"""

from __future__ import annotations

import math
import re
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin
from wagtail.search import index

from targeting.engine.rules import RuleError, validate
from targeting.fields import ChoiceListField
from targeting.push import templating
from targeting.rule_messages import rule_error_text
from targeting.tracking.schema import EVENT_TYPES

SMS, EMAIL, WECHAT, INBOX, RM_LEAD, QUEUE_SCREEN = (
    "sms",
    "email",
    "wechat",
    "inbox",
    "rm_lead",
    "queue_screen",
)
CHANNEL_CHOICES = [
    (INBOX, _("Message centre")),
    (SMS, _("SMS")),
    (EMAIL, _("E-mail")),
    (WECHAT, _("WeChat template message")),
    (RM_LEAD, _("Relationship-manager lead")),
    (QUEUE_SCREEN, _("Branch queue screen")),
]
CHANNELS = tuple(value for value, _label in CHANNEL_CHOICES)
#: Channels a customer can opt out of (a lead or a queue-screen greeting is not a message sent
#: to them, but staff and the branch acting on a visit; consent still applies).
OPT_OUT_CHANNELS = (SMS, EMAIL, WECHAT, INBOX)

RISK_CHOICES = [
    (0, _("Not an investment product")),
    (1, "R1"),
    (2, "R2"),
    (3, "R3"),
    (4, "R4"),
    (5, "R5"),
]

SLUG_RE = re.compile(r"^[-a-z0-9_]{1,80}$")


MAX_SAFE_INTEGER = 2**53 - 1


def _hostile_number(value: Any, path: str, depth: int = 0) -> str | None:
    """The path of a NaN, an infinity or an integer beyond ±(2^53-1) inside a rule."""
    if depth > 40:
        return None  # the rule validator refuses the nesting itself
    if isinstance(value, float) and not math.isfinite(value):
        return path
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER:
        return path
    if isinstance(value, dict):
        for key, child in value.items():
            found = _hostile_number(child, f"{path}.{key}", depth + 1)
            if found:
                return found
    if isinstance(value, list):
        for index, child in enumerate(value):
            found = _hostile_number(child, f"{path}[{index}]", depth + 1)
            if found:
                return found
    return None


def validate_finite(value: Any) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(_("Expected a finite number."), code="invalid")


def validate_rule_field(value: Any) -> None:
    """A rule in the rule language (empty = everyone); the error names the node's path."""
    if value in (None, {}):
        return
    hostile = _hostile_number(value, "rule")
    if hostile:
        raise ValidationError(
            _("%(path)s: expected a finite number within ±(2^53-1)"),
            code="invalid_rule",
            params={"path": hostile},
        )

    try:
        validate(value)
    except RuleError as error:
        raise ValidationError(rule_error_text(error), code="invalid_rule") from None
    except RecursionError:
        raise ValidationError(_("rule: nested too deeply"), code="invalid_rule") from None


class Offer(
    WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, models.Model
):
    """Something the bank proposes to one customer, with its message for each channel."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("internal note"), blank=True)
    product_slug = models.SlugField(
        _("product"),
        max_length=80,
        blank=True,
        help_text=_("Slug of the product page offered, if any (conversions are matched on it)."),
    )
    risk_level = models.PositiveSmallIntegerField(
        _("product risk level"),
        choices=RISK_CHOICES,
        default=0,
        help_text=_("R1–R5 for investment products: never offered above a customer's tolerance."),
    )
    audience_rule = models.JSONField(
        _("who may receive it"),
        default=dict,
        blank=True,
        validators=[validate_rule_field],
        help_text=_("A rule in the audience rule language. Empty: every customer."),
    )
    channels = ChoiceListField(
        _("channels"),
        choices_list=CHANNEL_CHOICES,
        help_text=_("Where this offer may be sent."),
    )
    priority = models.PositiveIntegerField(
        _("priority"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("1–100; multiplies the score (priority × propensity × value)."),
    )
    value = models.DecimalField(
        _("value to the bank"),
        max_digits=12,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(10**9)],
        help_text=_("Expected value of one conversion, in yuan."),
    )
    prior_propensity = models.FloatField(
        _("expected conversion rate"),
        default=0.02,
        validators=[validate_finite, MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("0–1; used until enough sends of this offer were measured."),
    )
    defer_in_quiet_hours = models.BooleanField(
        _("defer in quiet hours"),
        default=True,
        help_text=_("Send when quiet hours end instead of dropping the offer."),
    )
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    title = models.CharField(
        _("title"),
        max_length=120,
        validators=[templating.validate_template],
        help_text=_("Message-centre title and WeChat first line. Placeholders: {{ name }} …"),
    )
    body = models.TextField(
        _("message text"),
        max_length=2000,
        validators=[MaxLengthValidator(2000), templating.validate_template],
        help_text=_("Message-centre, WeChat and lead text."),
    )
    sms_text = models.CharField(
        _("SMS text"),
        max_length=300,
        blank=True,
        validators=[templating.validate_template],
        help_text=_("Without the opt-out line, which is added: 回复TD退订."),
    )
    email_subject = models.CharField(
        _("e-mail subject"), max_length=150, blank=True, validators=[templating.validate_template]
    )
    email_html = models.TextField(
        _("e-mail body (HTML)"),
        blank=True,
        max_length=20000,
        validators=[MaxLengthValidator(20000), templating.validate_template],
        help_text=_("Sanitised when sent; the unsubscribe link is added below it."),
    )
    wechat_template_id = models.CharField(_("WeChat template id"), max_length=64, blank=True)
    link_url = models.URLField(_("link"), blank=True, max_length=500)
    revisions = GenericRelation("wagtailcore.Revision", related_query_name="push_offer")

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        channels = self.channels or []
        if SMS in channels and not self.sms_text:
            errors["sms_text"] = _("Needed to send by SMS.")
        if EMAIL in channels and not (self.email_subject and self.email_html):
            errors["email_html"] = _("A subject and a body are needed to send by e-mail.")
        if WECHAT in channels and not self.wechat_template_id:
            errors["wechat_template_id"] = _("Needed to send by WeChat.")
        if errors:
            raise ValidationError(errors)


class Trigger(DraftStateMixin, RevisionMixin, index.Indexed, ClusterableModel):
    """When to look for an offer for a customer: an event, a segment, a pattern, a date."""

    KIND_EVENT = "event"
    KIND_SEGMENT = "segment"
    KIND_BEHAVIOUR = "behaviour"
    KIND_SCHEDULE = "schedule"
    KIND_DATE = "date"
    KIND_CHOICES = [
        (KIND_EVENT, _("On an event")),
        (KIND_SEGMENT, _("On entering an audience")),
        (KIND_BEHAVIOUR, _("On a behaviour pattern")),
        (KIND_SCHEDULE, _("On a schedule")),
        (KIND_DATE, _("On a date from the CRM")),
    ]
    DATE_BIRTHDAY = "birthday"
    DATE_DEPOSIT_MATURITY = "deposit_maturity"
    DATE_CHOICES = [
        (DATE_BIRTHDAY, _("Birthday")),
        (DATE_DEPOSIT_MATURITY, _("Deposit maturity")),
    ]

    name: models.CharField[str, str] = models.CharField(_("name"), max_length=120)
    slug: models.SlugField[str, str] = models.SlugField(_("slug"), max_length=80, unique=True)
    kind: models.CharField[str, str] = models.CharField(
        _("kind"), max_length=12, choices=KIND_CHOICES, default=KIND_EVENT
    )
    event_type: models.CharField[str, str] = models.CharField(
        _("event type"),
        max_length=32,
        blank=True,
        help_text=_("For event triggers, e.g. card_transaction or branch_queue_swipe."),
    )
    condition = models.JSONField(
        _("condition"),
        default=dict,
        blank=True,
        validators=[validate_rule_field],
        help_text=_(
            "A rule in the audience rule language; event.* attributes read the event itself, "
            "e.g. event.merchant_category_code in the travel codes and event.amount ≥ 1000."
        ),
    )
    segment_slug: models.SlugField[str, str] = models.SlugField(
        _("audience"), max_length=80, blank=True, help_text=_("For audience triggers.")
    )
    schedule_hour: models.PositiveSmallIntegerField[int | None, int | None] = (
        models.PositiveSmallIntegerField(
            _("hour"),
            null=True,
            blank=True,
            validators=[MaxValueValidator(23)],
            help_text=_("For schedule and date triggers: the local hour it runs at."),
        )
    )
    schedule_weekdays = ChoiceListField(
        _("days of week"),
        choices_list=[(d, str(d)) for d in range(1, 8)],
        help_text=_("For schedule triggers: 1 = Monday … 7 = Sunday. None ticked: every day."),
    )
    date_field: models.CharField[str, str] = models.CharField(
        _("CRM date"), max_length=20, choices=DATE_CHOICES, blank=True
    )
    days_before: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        _("days before"), default=0, validators=[MaxValueValidator(90)]
    )
    offers = ParentalManyToManyField(Offer, verbose_name=_("offers"), related_name="triggers")
    cooldown_hours: models.PositiveIntegerField[int, int] = models.PositiveIntegerField(
        _("cool-down (hours)"),
        default=24,
        validators=[MaxValueValidator(24 * 365)],
        help_text=_("The same customer is not triggered again by this trigger within this time."),
    )
    enabled: models.BooleanField[bool, bool] = models.BooleanField(_("enabled"), default=True)
    revisions = GenericRelation("wagtailcore.Revision", related_query_name="push_trigger")

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("trigger")
        verbose_name_plural = _("triggers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()

        errors: dict[str, Any] = {}
        if self.kind == self.KIND_EVENT and self.event_type not in EVENT_TYPES:
            errors["event_type"] = _("Choose one of the event types: %(types)s") % {
                "types": ", ".join(EVENT_TYPES)
            }
        if self.kind == self.KIND_SEGMENT and not self.segment_slug:
            errors["segment_slug"] = _("Name the audience whose new members are triggered.")
        if self.kind == self.KIND_BEHAVIOUR and not self.condition:
            errors["condition"] = _("A behaviour trigger needs a condition.")
        if self.kind in (self.KIND_SCHEDULE, self.KIND_DATE) and self.schedule_hour is None:
            errors["schedule_hour"] = _("Choose the hour it runs at.")
        if self.kind == self.KIND_DATE and not self.date_field:
            errors["date_field"] = _("Choose the CRM date.")
        if errors:
            raise ValidationError(errors)


class PushMessage(models.Model):
    """One send (or a decision not to send), the compliance log of push marketing.

    ``idempotency_key`` makes every send happen once, however often a trigger or a retry runs.
    The message centre shows a customer their ``inbox`` rows.
    """

    #: Nothing refers to a send through Wagtail's reference index ("usage"): skipping it saves
    #: three queries on every write of the hot path (docs/performance.md, push).
    wagtail_reference_index_ignore = True

    PENDING, DEFERRED, SENT, DELIVERED, FAILED, DEAD, SUPPRESSED = (
        "pending",
        "deferred",
        "sent",
        "delivered",
        "retrying",
        "dead",
        "suppressed",
    )
    STATUS_CHOICES = [
        (PENDING, _("Queued")),
        (DEFERRED, _("Deferred (quiet hours)")),
        (SENT, _("Handed to the channel")),
        (DELIVERED, _("Delivered")),
        (FAILED, _("Failed, retrying")),
        (DEAD, _("Dead letter")),
        (SUPPRESSED, _("Not sent (control group or policy)")),
    ]

    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="push_messages",
        null=True,
        blank=True,
    )
    channel = models.CharField(_("channel"), max_length=20, choices=CHANNEL_CHOICES, blank=True)
    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.PROTECT, null=True, blank=True
    )
    trigger = models.ForeignKey(
        Trigger, verbose_name=_("trigger"), on_delete=models.SET_NULL, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=12, choices=STATUS_CHOICES, default=PENDING)
    branch = models.CharField(_("branch"), max_length=40, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    event_ref = models.CharField(_("triggering event"), max_length=160, blank=True)
    audience = models.CharField(
        _("audience"), max_length=150, blank=True, help_text=_("Segments matched when decided.")
    )
    response = models.CharField(_("customer's response"), max_length=12, blank=True)
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)
    arbitration = models.JSONField(_("arbitration"), default=dict, blank=True)
    consent = models.JSONField(_("consent in force"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    event_at = models.DateTimeField(_("event accepted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("handed to the channel at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("push message")
        verbose_name_plural = _("push messages")
        permissions = [
            ("view_queue_screen", _("Can read branch queue-screen greetings (queue screens)")),
            ("requeue_pushmessage", _("Can re-queue dead-letter push messages")),
        ]
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "channel", "created_at"], name="push_msg_user_channel"),
            models.Index(fields=["status", "not_before"], name="push_msg_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk}"


class TriggerState(models.Model):
    """Per trigger and customer: inside its audience last time (entry detection), last fired."""

    trigger = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="states")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    inside = models.BooleanField(default=False)
    last_fired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("trigger state")
        verbose_name_plural = _("trigger states")
        constraints = [
            models.UniqueConstraint(fields=["trigger", "user"], name="push_trigger_state_unique")
        ]

    def __str__(self) -> str:
        return f"{self.trigger_id}/{self.user_id}"


class Lead(models.Model):
    """A relationship manager's lead: a customer worth a conversation, from a push decision."""

    wagtail_reference_index_ignore = True  # written by the send task; nothing refers to it

    NEW, ASSIGNED, CONTACTED, WON, LOST = "new", "assigned", "contacted", "won", "lost"
    STATUS_CHOICES = [
        (NEW, _("New")),
        (ASSIGNED, _("Assigned")),
        (CONTACTED, _("Contacted")),
        (WON, _("Won")),
        (LOST, _("Declined")),
    ]

    message = models.OneToOneField(
        PushMessage, verbose_name=_("push message"), on_delete=models.CASCADE, related_name="lead"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="push_leads",
    )
    offer = models.ForeignKey(Offer, verbose_name=_("offer"), on_delete=models.PROTECT)
    branch = models.CharField(_("branch"), max_length=40, blank=True, db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("relationship manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_push_leads",
    )
    status = models.CharField(_("status"), max_length=12, choices=STATUS_CHOICES, default=NEW)
    outcome = models.TextField(_("outcome"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.offer} – {self.customer}"


class ContactPreference(models.Model):
    """A customer's marketing consent, opt-outs by channel and addresses for channels."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="contact_preference",
    )
    marketing_consent = models.BooleanField(
        _("agrees to marketing"),
        default=False,
        help_text=_("Recorded from the customer's own declaration; nothing is pushed without it."),
    )
    consent_changed_at = models.DateTimeField(_("consent changed"), null=True, blank=True)
    opted_out = ChoiceListField(
        _("opted out of"),
        choices_list=[(c, label) for c, label in CHANNEL_CHOICES if c in OPT_OUT_CHANNELS],
    )
    phone = models.CharField(_("mobile number"), max_length=20, blank=True, db_index=True)
    wechat_openid = models.CharField(_("WeChat OpenID"), max_length=64, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    deposit_maturity = models.DateField(_("next deposit maturity"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("contact preference")
        verbose_name_plural = _("contact preferences")
        permissions = [("receive_sms", _("Can forward inbound SMS replies (SMS gateway)"))]

    def __str__(self) -> str:
        return str(self.user)


@register_setting(icon="mail")
class PushSettings(BaseGenericSetting):
    """The contact policy: caps, quiet hours and the control group."""

    daily_cap: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        _("messages per customer per day"), default=2, validators=[MaxValueValidator(50)]
    )
    weekly_cap: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        _("messages per customer per week"), default=5, validators=[MaxValueValidator(200)]
    )
    channel_daily_cap: models.PositiveSmallIntegerField[int, int] = (
        models.PositiveSmallIntegerField(
            _("messages per customer per channel per day"),
            default=1,
            validators=[MaxValueValidator(50)],
        )
    )
    quiet_start: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        _("quiet hours start"), default=21, validators=[MaxValueValidator(23)]
    )
    quiet_end: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        _("quiet hours end"), default=8, validators=[MaxValueValidator(23)]
    )
    control_percent: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        _("control group (%)"),
        default=5,
        validators=[MaxValueValidator(50)],
        help_text=_("This share of customers (a stable hash) receives no pushes, to measure lift."),
    )
    #: The pseudo-count of the Beta prior (arbitration.beta_propensity); the column keeps its
    #: first name.
    min_measured_sends: models.PositiveIntegerField[int, int] = models.PositiveIntegerField(
        _("weight of the expected conversion rate (sends)"),
        default=200,
        validators=[MaxValueValidator(1_000_000)],
        help_text=_(
            "An offer's propensity is (conversions + weight × expected rate) / (sends + weight), "
            "from the sends and conversions measured in the customer's audience: the expected "
            "rate counts as this many sends already made."
        ),
    )

    class Meta:
        verbose_name = _("push contact policy")
