"""What marketers manage in the admin: segments, placements, creatives and campaigns.

These models only store and validate; the rule language and the decision are the engine's
(``targeting.engine``), which never imports Django. ``targeting.snapshot`` turns the live rows
into the engine's in-process snapshot.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.http.request import validate_host
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index

from targeting.fields import ChoiceListField  # migrations name targeting.models.ChoiceListField
from targeting.snapshot_reads import KNOWN_RELATED, clean_foreign_keys

#: Rich text kept short on purpose: a slot is not an article.
SHORT_RICH_TEXT = ["bold", "italic", "link"]

HOUR_CHOICES = [(h, f"{h:02d}:00–{h:02d}:59") for h in range(24)]
WEEKDAY_CHOICES = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
    (6, _("Saturday")),
    (7, _("Sunday")),
]


def link_hosts() -> list[str]:
    """Hosts marketing content may link to: the site's own (``ALLOWED_HOSTS``) and those
    compliance allowed (``TARGETING_LINK_HOSTS``); ``.example.com`` covers subdomains."""
    hosts = [*settings.ALLOWED_HOSTS, *getattr(settings, "TARGETING_LINK_HOSTS", [])]
    return [h for h in hosts if h and h != "*"]  # "*" (tests, careless setups) allows nothing


def validate_link_url(value: str) -> None:
    """Accept site-relative paths, and http(s) URLs to an allowed host (``link_hosts``) only:
    no javascript:, data:, //host, and no outside site compliance has not allowed."""
    if not value:
        return
    value = value.strip()
    if value.startswith("/") and not value.startswith("//"):
        return
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc:
        validate_link_host(parts.hostname or "")
        return
    raise ValidationError(
        _("Enter an http(s) address or a path on this site starting with “/”."), code="invalid"
    )


def validate_link_host(host: str) -> None:
    if not validate_host(host.lower().rstrip("."), link_hosts()):
        raise ValidationError(
            _(
                "Links to other sites may go only to hosts compliance has allowed "
                "(setting TARGETING_LINK_HOSTS): %(host)s"
            ),
            code="link_host",
            params={"host": host},
        )


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.extend(v for k, v in attrs if k == "href" and v)


def validate_rich_text_links(value: str) -> None:
    """The outside links of a short rich text follow ``validate_link_url``'s rules."""
    parser = _Links()
    parser.feed(value or "")
    for href in parser.hrefs:
        if href.startswith(("mailto:", "tel:")):
            continue
        validate_link_url(href)


#: Most members a static segment may hold (they are part of the in-process snapshot).
STATIC_MAX_MEMBERS = 100_000


class Segment(DraftStateMixin, RevisionMixin, index.Indexed, models.Model):
    """An audience: a rule over the visitor context. Publishing a segment makes its rule live."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("Used by other segments' rules and by the API; do not change once in use."),
    )
    description = models.TextField(_("description"), blank=True)
    rule = models.JSONField(
        _("rule"),
        default=dict,
        help_text=_("Who belongs to this audience. Conditions are combined with all/any/not."),
    )
    enabled = models.BooleanField(
        _("enabled"), default=True, help_text=_("A disabled segment matches nobody.")
    )
    stays_for_visit = models.BooleanField(
        _("stays matched for the visit"),
        default=False,
        help_text=_(
            "Once a visitor matches, they stay in this audience until the end of the visit (with "
            "analytics consent), e.g. after arriving from a search for a keyword."
        ),
    )
    sample_percent = models.PositiveSmallIntegerField(
        _("random sample (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_(
            "Only this share of the visitors the rule matches belong to the audience, picked by a "
            "stable hash of the visitor id (visitors without an id never do). Empty: all of them."
        ),
    )
    is_static = models.BooleanField(
        _("static"),
        default=False,
        help_text=_(
            "The members are frozen from the stored visitor profiles the rule matched when the "
            "audience was last refreshed (Refresh members), not evaluated on each page."
        ),
    )
    static_limit = models.PositiveIntegerField(
        _("size limit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(STATIC_MAX_MEMBERS)],
        help_text=_("A static audience keeps at most this many members (the most recent)."),
    )
    static_members = models.JSONField(_("static members"), default=list, blank=True, editable=False)
    static_frozen_at = models.DateTimeField(
        _("members frozen at"), null=True, blank=True, editable=False
    )
    revisions = GenericRelation("wagtailcore.Revision", related_query_name="segment")

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        # local: a circle: rule_validation imports these models (Segment)
        from targeting.rule_validation import validate_segment_rule

        message = validate_segment_rule(self)
        if message:
            raise ValidationError({"rule": message})


class PlacementQuerySet(models.QuerySet["Placement"]):
    def in_default_locale(self) -> PlacementQuerySet:
        """The slots themselves (one row per slug): campaigns, templates and the API name these;
        rows in other locales are their translations."""
        return self.filter(
            locale__language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )


class Placement(TranslatableMixin, index.Indexed, models.Model):
    """A named slot on the site's pages; its default content shows when no campaign wins.

    Translatable (wagtail-localize): a translation is a row in another locale with the same slug
    and translation key, holding that language's default content; templates and campaigns name
    the slot by slug, and the snapshot picks the default content in the visitor's language.
    """

    KIND_CHOICES = [
        ("hero", _("Hero (wide, top of page)")),
        ("strip", _("Strip (thin, full width)")),
        ("sidebar", _("Sidebar (narrow column)")),
        ("banner", _("Banner (inside content)")),
    ]

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        help_text=_("Templates ask for a placement by this slug; do not change once in use."),
    )
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=KIND_CHOICES, default="banner")
    default_headline = models.CharField(_("default headline"), max_length=120, blank=True)
    default_body = RichTextField(_("default text"), features=SHORT_RICH_TEXT, blank=True)
    default_link_label = models.CharField(_("default link label"), max_length=60, blank=True)
    default_link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("default link page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    default_link_url = models.CharField(
        _("default link URL"),
        max_length=500,
        blank=True,
        validators=[validate_link_url],
        help_text=_("Used when no page is chosen: https://… or a path on this site."),
    )

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    objects = PlacementQuerySet.as_manager()

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["name"]
        constraints = [
            # One slot per slug in each language: its translations share the slug.
            models.UniqueConstraint(
                fields=["slug", "locale"], name="targeting_placement_slug_locale"
            )
        ]
        permissions = [
            # A channel system's token (app backend, branch screens) asking the decide API what
            # a named customer would see; the grant reads that customer's audiences.
            ("decide_for_customer", _("Can ask decisions on behalf of a customer")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def default_link(self) -> str:
        if self.default_link_page_id and self.default_link_page:
            return self.default_link_page.url or ""
        return self.default_link_url

    def clean(self) -> None:
        super().clean()
        if self.default_link_label and not (self.default_link_page_id or self.default_link_url):
            raise ValidationError(
                {"default_link_url": _("Choose a page or enter a URL for the link label.")}
            )
        try:
            validate_rich_text_links(self.default_body)
        except ValidationError as exc:
            raise ValidationError({"default_body": exc}) from None


class Creative(TranslatableMixin, DraftStateMixin, RevisionMixin, index.Indexed, models.Model):
    """What a campaign shows in a slot: headline, text, images and a call to action.

    Translatable (wagtail-localize): a campaign names one creative; its live translations are
    shown to visitors in their language, pinned with it at approval (``approval.py``).
    """

    name = models.CharField(_("name"), max_length=120, help_text=_("For the admin only."))
    headline = models.CharField(_("headline"), max_length=120)
    body = RichTextField(_("text"), features=SHORT_RICH_TEXT, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("desktop image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Wide image, cropped to 1200×400."),
    )
    mobile_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("mobile image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Square image for phones, cropped to 750×750; the desktop image if empty."),
    )
    alt_text = models.CharField(
        _("alternative text"),
        max_length=200,
        blank=True,
        help_text=_("Describes the image for screen readers; required when an image is set."),
    )
    cta_label = models.CharField(_("call-to-action label"), max_length=60, blank=True)
    cta_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("call-to-action page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cta_url = models.CharField(
        _("call-to-action URL"),
        max_length=500,
        blank=True,
        validators=[validate_link_url],
        help_text=_("Used when no page is chosen: https://… or a path on this site."),
    )
    revisions = GenericRelation("wagtailcore.Revision", related_query_name="creative")

    search_fields = [
        index.SearchField("name"),
        index.SearchField("headline"),
        index.AutocompleteField("name"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("creative")
        verbose_name_plural = _("creatives")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def from_serializable_data(
        cls, data: Any, check_fks: bool = True, strict_fks: bool = False
    ) -> Any:
        """Wagtail's restore of a revision's content, its foreign-key checks answered from the
        bulk reads of a snapshot build when one is under way (``targeting.snapshot_reads``)
        instead of one query per key and creative."""
        related = KNOWN_RELATED.get()
        if check_fks and related is not None and isinstance(data, dict):
            cleaned = clean_foreign_keys(cls, data, related, strict_fks)
            if cleaned is None:
                return None
            return super().from_serializable_data(cleaned, check_fks=False, strict_fks=strict_fks)
        return super().from_serializable_data(data, check_fks=check_fks, strict_fks=strict_fks)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if (self.image_id or self.mobile_image_id) and not self.alt_text.strip():
            errors["alt_text"] = _("Describe the image for visitors who cannot see it.")
        if self.cta_label and not (self.cta_page_id or self.cta_url):
            errors["cta_url"] = _("Choose a page or enter a URL for the call to action.")
        if (self.cta_page_id or self.cta_url) and not self.cta_label:
            errors["cta_label"] = _("Give the call to action a label.")
        try:
            validate_rich_text_links(self.body)
        except ValidationError as exc:
            errors["body"] = exc
        if errors:
            raise ValidationError(errors)

    @property
    def cta_link(self) -> str:
        if self.cta_page_id and self.cta_page:
            return self.cta_page.url or ""
        return self.cta_url


class Campaign(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, ClusterableModel):
    """Shows creatives in placements to audiences, on a schedule, once approved."""

    STATUS_DRAFT = "draft"
    STATUS_AWAITING = "awaiting_approval"
    STATUS_SCHEDULED = "scheduled"
    STATUS_LIVE = "live"
    STATUS_ENDED = "ended"
    STATUS_PAUSED = "paused"
    STATUS_LABELS = {
        STATUS_DRAFT: _("Draft"),
        STATUS_AWAITING: _("Awaiting approval"),
        STATUS_SCHEDULED: _("Scheduled"),
        # "Live" alone is Wagtail's word for a published page (发布): the campaign's own here.
        STATUS_LIVE: pgettext_lazy("campaign status", "Live"),
        STATUS_ENDED: _("Ended"),
        STATUS_PAUSED: _("Paused"),
    }

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    placements = ParentalManyToManyField(
        Placement, verbose_name=_("placements"), related_name="campaigns"
    )
    include_segments = ParentalManyToManyField(
        Segment,
        verbose_name=_("show to"),
        related_name="campaigns_including",
        blank=True,
        help_text=_("Visitors in any of these audiences. Leave empty to show to everyone."),
    )
    exclude_segments = ParentalManyToManyField(
        Segment,
        verbose_name=_("never show to"),
        related_name="campaigns_excluding",
        blank=True,
        help_text=_("Visitors in any of these audiences are left out."),
    )
    start_at = models.DateTimeField(_("starts"), null=True, blank=True)
    end_at = models.DateTimeField(_("ends"), null=True, blank=True)
    hours = ChoiceListField(
        _("hours of day"),
        choices_list=HOUR_CHOICES,
        help_text=_("Show only during the ticked hours (site time). None ticked: all day."),
    )
    weekdays = ChoiceListField(
        _("days of week"),
        choices_list=WEEKDAY_CHOICES,
        help_text=_("Show only on the ticked days. None ticked: every day."),
    )
    priority = models.IntegerField(
        _("priority"),
        default=0,
        help_text=_("Higher wins; campaigns of equal priority share the slot by weight."),
    )
    weight = models.PositiveIntegerField(_("weight"), default=1, validators=[MinValueValidator(1)])
    frequency_cap = models.PositiveIntegerField(
        _("frequency cap"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("At most this many showings per visitor per day. Empty: no cap."),
    )
    paused = models.BooleanField(
        _("paused"), default=False, help_text=_("Stops showing without unpublishing.")
    )

    # Experiment (issue 10): part of the campaign, so every change goes through its approval.
    GOAL_CONVERSION = "conversion"
    GOAL_CLICK = "click"
    GOAL_CHOICES = [
        (GOAL_CONVERSION, _("Conversions (applications and goals)")),
        (GOAL_CLICK, _("Clicks")),
    ]
    ALLOCATION_FIXED = "fixed"
    ALLOCATION_AUTOMATIC = "automatic"
    ALLOCATION_AUTOMATIC_SEGMENT = "automatic_segment"
    ALLOCATION_CHOICES = [
        (ALLOCATION_FIXED, _("Fixed: split by the creatives' weights")),
        (ALLOCATION_AUTOMATIC, _("Automatic: more traffic to the creative that converts best")),
        (
            ALLOCATION_AUTOMATIC_SEGMENT,
            _("Automatic, learnt separately for each audience"),
        ),
    ]
    goal: models.CharField[str, str] = models.CharField(
        _("goal"),
        max_length=16,
        choices=GOAL_CHOICES,
        default=GOAL_CONVERSION,
        help_text=_("What the experiment measures and automatic allocation learns from."),
    )
    holdout_percent: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        _("holdout (%)"),
        default=0,
        validators=[MaxValueValidator(50)],
        help_text=_(
            "This share of the campaign's audience sees the placement's default content "
            "instead, to measure what the campaign adds. 0: no holdout."
        ),
    )
    allocation_mode: models.CharField[str, str] = models.CharField(
        _("allocation"),
        max_length=20,
        choices=ALLOCATION_CHOICES,
        default=ALLOCATION_FIXED,
        help_text=_(
            "Automatic allocation shifts traffic between the approved creatives every few "
            "minutes (Thompson sampling on the goal); each change is recorded."
        ),
    )
    allocation_floor: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        _("minimum share per creative (%)"),
        default=10,
        validators=[MaxValueValidator(50)],
        help_text=_("Automatic allocation never gives a creative less than this share."),
    )
    experiment_baseline: models.DecimalField[Decimal | None, Decimal | None] = models.DecimalField(
        _("expected rate of the control (%)"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("99"))],
        help_text=_("For the sample-size plan: today's conversion (or click) rate, e.g. 2.5."),
    )
    experiment_effect: models.DecimalField[Decimal | None, Decimal | None] = models.DecimalField(
        _("smallest lift worth detecting (%)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("1000"))],
        help_text=_("Relative to the expected rate: 10 means 2.5 % → 2.75 %."),
    )
    experiment_alpha: models.DecimalField[Decimal, Decimal] = models.DecimalField(
        _("significance level"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.05"),
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("0.2"))],
        help_text=_("The false-positive rate accepted, usually 0.05."),
    )
    experiment_power: models.DecimalField[Decimal, Decimal] = models.DecimalField(
        _("power"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.8"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("0.99"))],
        help_text=_("The chance of detecting the lift if it is real, usually 0.8."),
    )
    winner: models.ForeignKey[Creative | None, Creative | None] = models.ForeignKey(
        "targeting.Creative",
        verbose_name=_("declared winner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "When set, only this creative shows (the holdout stays unless set to 0). "
            "Declared from the experiment page, approved like any campaign change."
        ),
    )
    revisions = GenericRelation("wagtailcore.Revision", related_query_name="campaign")

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-priority", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.start_at and self.end_at and self.end_at <= self.start_at:
            raise ValidationError({"end_at": _("The end must be after the start.")})
        self.clean_experiment()

    def clean_experiment(self) -> None:
        """The experiment settings fit together: a plan has both numbers and a reachable
        rate, the floor leaves room for every creative, the winner is one of the creatives."""
        errors: dict[str, Any] = {}
        baseline, effect = self.experiment_baseline, self.experiment_effect
        if (baseline is None) != (effect is None):
            field = "experiment_effect" if effect is None else "experiment_baseline"
            errors[field] = _("Give both the expected rate and the smallest lift, or neither.")
        elif baseline is not None and effect is not None and baseline * (1 + effect / 100) >= 100:
            errors["experiment_effect"] = _("This lift would take the rate past 100 %.")
        links = [link for link in self.campaign_creatives.all() if link.creative_id]
        floor = self.allocation_floor or 0
        if self.allocation_mode != self.ALLOCATION_FIXED and floor * len(links) > 100:
            errors["allocation_floor"] = _(
                "%(count)s creatives cannot each have %(floor)s %% of the traffic."
            ) % {"count": len(links), "floor": floor}
        if self.winner_id and self.winner_id not in {link.creative_id for link in links}:
            errors["winner"] = _("The winner must be one of the campaign's creatives.")
        if errors:
            raise ValidationError(errors)

    def publish(self, revision: Any, *args: Any, **kwargs: Any) -> Any:
        """Publish (or schedule) a revision with the creatives' content pinned as approved.

        Compliance approves a campaign by publishing it, so this is the moment the creatives'
        current published content becomes the content the campaign shows; later edits to a
        creative wait for the next approval (``targeting.approval``).
        """
        # local: a circle: targeting.approval imports these models (Campaign, Creative)
        from targeting.approval import pin_creatives

        with transaction.atomic():
            pin_creatives(revision)
            return super().publish(revision, *args, **kwargs)

    def status_at(self, now: datetime | None = None) -> str:
        """The status a marketer sees in the listing."""
        now = now or timezone.now()
        if self.workflow_in_progress:
            return self.STATUS_AWAITING
        if not self.live:
            if self.go_live_at and self.go_live_at > now:
                return self.STATUS_SCHEDULED
            if self.end_at and self.end_at <= now and self.has_unpublished_changes is False:
                return self.STATUS_ENDED
            return self.STATUS_DRAFT
        if self.end_at and self.end_at <= now:
            return self.STATUS_ENDED
        if self.paused:
            return self.STATUS_PAUSED
        if self.start_at and self.start_at > now:
            return self.STATUS_SCHEDULED
        return self.STATUS_LIVE

    @property
    def status(self) -> str:
        return self.status_at()

    @property
    def status_label(self) -> str:
        return str(self.STATUS_LABELS[self.status])


class CampaignCreative(Orderable):
    """A creative in a campaign's rotation, with its share of showings."""

    campaign = ParentalKey(Campaign, related_name="campaign_creatives", on_delete=models.CASCADE)
    creative = models.ForeignKey(
        Creative, verbose_name=_("creative"), on_delete=models.CASCADE, related_name="+"
    )
    weight = models.PositiveIntegerField(_("weight"), default=1, validators=[MinValueValidator(1)])
    approved_content = models.JSONField(
        _("approved content"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "The creative as compliance approved it with this campaign (Wagtail revision data); "
            "the site shows this, not the creative's later edits."
        ),
    )
    approved_translations = models.JSONField(
        _("approved translations"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "The creative's live translations as compliance approved them with this campaign, "
            "by language code; visitors in that language see them."
        ),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("campaign creative")

    def __str__(self) -> str:
        return f"{self.campaign} / {self.creative}"


class CampaignAllocation(models.Model):
    """A campaign's published automatic allocation: creative shares by audience segment.

    ``weights`` is ``{segment slug or "" for every audience: {creative id: share}}``, learnt
    from the rollups by ``targeting.measurement.allocation`` and read into the snapshot. It is not
    part of the campaign's revisions: compliance approved the creatives, and the shares move among
    them every few minutes; measurement's ``AllocationUpdate`` records every change.
    """

    campaign = models.OneToOneField(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="published_allocation",
    )
    weights = models.JSONField(_("shares"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("campaign allocation")
        verbose_name_plural = _("campaign allocations")
        default_permissions = ()

    def __str__(self) -> str:
        return str(self.campaign)


class CrmMembership(models.Model):
    """A CRM segment code held by a customer, imported from the CRM's export."""

    customer_ref = models.CharField(_("customer number"), max_length=40, db_index=True)
    code = models.CharField(_("CRM segment code"), max_length=40)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        verbose_name = _("CRM membership")
        verbose_name_plural = _("CRM memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["customer_ref", "code"], name="targeting_crm_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_ref}: {self.code}"
