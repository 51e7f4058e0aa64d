"""What social listening stores: posts, the analysts' lists, routing, trends and alerts.

Every post lands as a :class:`ListeningItem` with ``status=pending`` and personal numbers
already masked (phone, card and resident ID numbers); the pipeline (``pipeline.py``, run by
Celery in batches) fills in the rest. Outside authors are kept only as a salted hash (to spot
one account flooding a topic); a portal author is a link to the user, shown to staff whose role
allows it (``listening.view_author``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    PORTAL_TOPIC = "portal_topic", _("Community topic")
    PORTAL_REPLY = "portal_reply", _("Community reply")
    COMPLAINT = "complaint", _("Complaint")
    WEIBO = "weibo", _("Weibo")
    WECHAT = "wechat", _("WeChat article")
    NEWS = "news", _("News")
    APP_REVIEW = "app_review", _("App store review")
    OTHER = "other", _("Other outside source")


PORTAL_SOURCES = frozenset({Source.PORTAL_TOPIC, Source.PORTAL_REPLY, Source.COMPLAINT})
OUTSIDE_SOURCES = frozenset(set(Source) - PORTAL_SOURCES)


class Topic(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    PRAISE = "praise", _("Praise")
    INCIDENT = "incident", _("Incident or outage")
    PURCHASE_INTENT = "purchase_intent", _("Purchase intent")
    CAMPAIGN_FEEDBACK = "campaign_feedback", _("Campaign feedback")
    FRAUD_WARNING = "fraud_warning", _("Fraud warning")
    OTHER = "other", _("Other")


class ProductType(models.TextChoices):
    """Kinds of product a purchase intent names (the catalogue's own kinds, coarser)."""

    CREDIT_CARD = "credit_card", _("Credit card")
    LOAN = "loan", _("Loan")
    MORTGAGE = "mortgage", _("Mortgage")
    DEPOSIT = "deposit", _("Deposit")
    WEALTH = "wealth", _("Wealth management")
    INSURANCE = "insurance", _("Insurance")
    FOREX = "forex", _("Foreign exchange")


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DONE = "done", _("Processed")
    DUPLICATE = "duplicate", _("Duplicate")
    NOISE = "noise", _("Noise")
    FLAGGED = "flagged", _("Flagged: waiting for a fix")


class QueueStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")


class ListeningItem(models.Model):
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    external_id = models.CharField(
        _("id at the source"),
        max_length=120,
        help_text=_("The post's id in its source; a second post with the same id is ignored."),
    )
    url = models.URLField(_("address"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    text = models.TextField(_("text"), help_text=_("Masked before it is stored."))
    masked = models.CharField(
        _("masked numbers"), max_length=60, blank=True, help_text=_("Kinds of numbers masked")
    )
    author_hash = models.CharField(max_length=64, blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    portal_post = models.ForeignKey(
        "community.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    complaint = models.ForeignKey(
        "community.Complaint", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now, db_index=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    # Filled by the pipeline.
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    flag_reason = models.CharField(_("why flagged or dropped"), max_length=200, blank=True)
    text_hash = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    # MinHash of the text's character 3-grams (32 values) and 8 bands of 3 of them: posts with a
    # Jaccard similarity of 0.73 share a band 98% of the time (text.py, docs/listening.md).
    signature = models.BinaryField(null=True, editable=False)
    band0 = models.IntegerField(null=True, editable=False)
    band1 = models.IntegerField(null=True, editable=False)
    band2 = models.IntegerField(null=True, editable=False)
    band3 = models.IntegerField(null=True, editable=False)
    band4 = models.IntegerField(null=True, editable=False)
    band5 = models.IntegerField(null=True, editable=False)
    band6 = models.IntegerField(null=True, editable=False)
    band7 = models.IntegerField(null=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    words = models.JSONField(_("words"), default=list, blank=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, blank=True)
    topic_reason = models.CharField(_("why this topic"), max_length=200, blank=True)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    product_type = models.CharField(
        _("product type"), max_length=20, choices=ProductType.choices, blank=True
    )
    sentiment = models.FloatField(
        _("sentiment"), null=True, blank=True, help_text=_("From -1 (negative) to 1 (positive)")
    )
    entities = models.JSONField(_("entities"), default=dict, blank=True)

    # Routing and response.
    team = models.ForeignKey(
        Group,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    queue_status = models.CharField(
        _("queue status"), max_length=10, choices=QueueStatus.choices, blank=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    routed_complaint = models.ForeignKey(
        "community.Complaint", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("listened post")
        verbose_name_plural = _("listened posts")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="listening_item_source_id"
            )
        ]
        indexes = [
            models.Index(fields=["status", "id"], name="listening_item_status"),
            models.Index(fields=["team", "queue_status", "-published_at"], name="listening_queue"),
            models.Index(fields=["topic", "published_at"], name="listening_topic_time"),
            models.Index(fields=["band0"], name="listening_band0"),
            models.Index(fields=["band1"], name="listening_band1"),
            models.Index(fields=["band2"], name="listening_band2"),
            models.Index(fields=["band3"], name="listening_band3"),
            models.Index(fields=["band4"], name="listening_band4"),
            models.Index(fields=["band5"], name="listening_band5"),
            models.Index(fields=["band6"], name="listening_band6"),
            models.Index(fields=["band7"], name="listening_band7"),
        ]
        permissions = [
            ("view_author", "Can see who wrote a portal post"),
            ("respond_item", "Can assign and answer listened posts"),
            ("view_dashboard", "Can see the listening dashboard"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.external_id}"

    @property
    def from_portal(self) -> bool:
        return self.source in PORTAL_SOURCES


class NoiseRule(models.Model):
    """A keyword or pattern the analysts keep: posts that match are dropped as noise."""

    class Kind(models.TextChoices):
        KEYWORD = "keyword", _("Keyword (any of these words)")
        PATTERN = "pattern", _("Pattern (RE2 regular expression)")

    class Reason(models.TextChoices):
        AD = "ad", _("Advertising")
        SPAM = "spam", _("Spam")
        OFF_TOPIC = "off_topic", _("Off topic")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.KEYWORD)
    pattern = models.TextField(
        _("words or pattern"),
        max_length=2000,
        help_text=_("Keywords: one per line. Pattern: one RE2 regular expression."),
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    active = models.BooleanField(_("active"), default=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("noise rule")
        verbose_name_plural = _("noise rules")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # local: the pipeline module imports models; keep the dependency one way at import time
        from community.listening import noise

        error = noise.check_rule(self.kind, self.pattern)
        if error:
            raise ValidationError({"pattern": error})


class RoutingRule(models.Model):
    """Send items of a topic (optionally a product type or source) to a team's queue."""

    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    product_type = models.CharField(
        _("product type"),
        max_length=20,
        choices=ProductType.choices,
        blank=True,
        help_text=_("Empty: any product type."),
    )
    source = models.CharField(
        _("source"),
        max_length=20,
        choices=Source.choices,
        blank=True,
        help_text=_("Empty: any source."),
    )
    team = models.ForeignKey(Group, verbose_name=_("team"), on_delete=models.CASCADE)
    draft_complaint = models.BooleanField(
        _("open a complaint draft"),
        default=False,
        help_text=_("For complaints: the customer-service queue gets a complaint to complete."),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("Lower numbers are tried first.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} → {self.team}"


class TrendCount(models.Model):
    """Posts per topic per 5-minute window (with their sentiment), for charts and alerts."""

    window = models.DateTimeField(db_index=True)
    topic = models.CharField(max_length=20, choices=Topic.choices)
    source = models.CharField(max_length=20, choices=Source.choices)
    posts = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["window", "topic", "source"], name="listening_trend_cell"
            )
        ]


class WordCount(models.Model):
    """How often a word was used per hour (hot words are words far above their baseline)."""

    window = models.DateTimeField(db_index=True)
    word = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["window", "word"], name="listening_word")]


class Alert(models.Model):
    """A topic spiked: its posts in the last window against its baseline."""

    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("to"))
    count = models.PositiveIntegerField(_("posts"))
    baseline = models.FloatField(_("baseline"))
    team = models.ForeignKey(
        Group, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(_("raised"), default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("listening alert")
        verbose_name_plural = _("listening alerts")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "window_start"], name="listening_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} {self.count} / {self.baseline:.1f}"
