"""The community: boards, topics and posts, Q&A, moderation, and customers' complaints.

Models hold data and small derived facts; the actions that change them (posting, moderating,
handling complaints) live in the domain modules `posting`, `moderation`, `qa` and `complaints`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from community.storage import private_storage

User = settings.AUTH_USER_MODEL


@register_setting(icon="group")
class CommunitySettings(BaseGenericSetting):
    """Service levels for complaints and the community's moderation thresholds."""

    first_response_hours = models.PositiveIntegerField(
        _("first response within (hours)"),
        default=24,
        help_text=_("A complaint not answered within this time is overdue and escalated."),
    )
    resolution_hours = models.PositiveIntegerField(
        _("resolution within (hours)"),
        default=120,
        help_text=_("A complaint not resolved within this time is overdue and escalated."),
    )
    posts_needing_approval = models.PositiveIntegerField(
        _("posts needing approval for new members"),
        default=2,
        help_text=_("A member's first posts wait in the moderation queue until approved."),
    )

    class Meta:
        verbose_name = _("community settings")


class Access(models.TextChoices):
    """Who may read or post on a board."""

    EVERYONE = "everyone", _("Everyone")
    SIGNED_IN = "signed_in", _("Signed-in customers")
    MEMBERS = "members", _("Members of the segment or CRM group")


class Category(models.Model):
    """A group of boards on the community front page (信用卡, 财富管理, ...)."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Board(models.Model):
    """A forum board. Restricted boards (the VIP wealth zone) name a segment and/or a CRM code."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="boards")
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    qa_mode = models.BooleanField(
        _("questions and answers"),
        default=False,
        help_text=_("Topics are questions that can get an accepted answer."),
    )
    read_access = models.CharField(
        _("who may read"), max_length=16, choices=Access.choices, default=Access.EVERYONE
    )
    post_access = models.CharField(
        _("who may post"), max_length=16, choices=Access.choices, default=Access.SIGNED_IN
    )
    segment = models.ForeignKey(
        "targeting.Segment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Members: visitors in this audience (evaluated by the targeting engine)."),
    )
    crm_code = models.CharField(
        _("CRM code"),
        max_length=64,
        blank=True,
        help_text=_("Members: customers whose imported CRM memberships include this code."),
    )
    targeting_category = models.CharField(
        _("product category"),
        max_length=32,
        blank=True,
        help_text=_("Reading or posting here records interest in this product category."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["category__sort_order", "sort_order", "id"]
        verbose_name = _("board")
        verbose_name_plural = _("boards")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:board", args=[self.slug])

    @property
    def is_restricted(self) -> bool:
        return Access.MEMBERS in (self.read_access, self.post_access)


class Member(models.Model):
    """A customer's standing in the community: display name, warnings, suspension."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="community_member")
    display_name = models.CharField(_("display name"), max_length=40, blank=True)
    warnings = models.PositiveIntegerField(_("warnings"), default=0)
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)

    class Meta:
        verbose_name = _("community member")

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()

    def is_suspended(self, now: datetime | None = None) -> bool:
        return bool(self.suspended_until and self.suspended_until > (now or timezone.now()))


class Topic(models.Model):
    """A thread on a board; on a Q&A board, a question."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, allow_unicode=True, blank=True)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="community_topics")
    created = models.DateTimeField(default=timezone.now)
    last_post_at = models.DateTimeField(default=timezone.now)
    last_post_id_cache = models.BigIntegerField(default=0, editable=False)
    reply_count = models.PositiveIntegerField(default=0)
    pinned = models.BooleanField(_("pinned"), default=False)
    locked = models.BooleanField(_("locked"), default=False)
    is_question = models.BooleanField(_("question"), default=False)
    # A topic is shown once its opening post is approved (new members' first posts wait).
    approved = models.BooleanField(default=True)
    hidden = models.BooleanField(default=False)
    accepted_answer = models.ForeignKey(
        "Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    knowledge_page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="community_topics",
    )
    tags = TaggableManager(blank=True)

    class Meta:
        ordering = ["-pinned", "-last_post_at"]
        indexes = [models.Index(fields=["board", "-pinned", "-last_post_at"])]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:topic", args=[self.pk, self.slug or "t"])


class PostQuerySet(models.QuerySet):
    def visible(self) -> PostQuerySet:
        return self.filter(approved=True, hidden=False)


class HeldReason(models.TextChoices):
    """Why a post waits in the moderation queue."""

    NEW_MEMBER = "new_member", _("First posts of a new member")
    LINKS = "links", _("Many links")
    DUPLICATE = "duplicate", _("Same text posted again")
    NEW_ACCOUNT = "new_account", _("Account less than a day old")
    EDITED = "edited", _("Edited after it was published")


class Post(models.Model):
    """One message in a topic. The first post of a topic is its opening message."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="community_posts")
    body_markdown = models.TextField(_("message"))
    body_html = models.TextField(editable=False)
    created = models.DateTimeField(default=timezone.now)
    edited = models.DateTimeField(null=True, blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    approved = models.BooleanField(_("approved"), default=True)
    held_reasons = models.CharField(max_length=120, blank=True)
    is_official = models.BooleanField(
        _("official answer"), default=False, help_text=_("Written by bank staff.")
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        # Paging a topic walks this index: page N is an indexed range, even at 10,000 replies.
        indexes = [
            models.Index(fields=["topic", "id"], name="community_post_topic_id"),
            models.Index(fields=["approved", "hidden", "id"], name="community_post_queue"),
            models.Index(fields=["author", "created"], name="community_post_author"),
        ]
        permissions = [("moderate_post", "Can moderate the community")]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return f"#{self.pk} in {self.topic_id}"

    def get_absolute_url(self) -> str:
        return reverse("community:post", args=[self.pk])


class PostRevision(models.Model):
    """An earlier text of an edited post, shown to its author and the moderators only.

    When a moderator redacts a post, the text of every earlier revision is wiped
    (``redacted_at`` set, both bodies emptied): what was taken out leaves no trace.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body_markdown = models.TextField()
    body_html = models.TextField()
    edited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    redacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]


class Like(models.Model):
    """A member likes a post (once)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="community_like_once")]


class Subscription(models.Model):
    """A member follows a topic and is notified of replies."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="community_subscriptions")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="community_subscribe_once")
        ]


class TopicReadState(models.Model):
    """How far a member has read a topic: posts after `last_read_post_id` are unread."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    last_read_post_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="community_read_state_once")
        ]


class NotificationKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    MENTION = "mention", _("Mention")
    ACCEPTED = "accepted", _("Accepted answer")
    MODERATION = "moderation", _("Moderation")
    COMPLAINT = "complaint", _("Complaint")


class Notification(models.Model):
    """Something a member should know, listed in the portal and sent by email."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    message = models.CharField(max_length=255)
    url = models.CharField(max_length=255, blank=True)
    created = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.message


class PostReport(models.Model):
    """A reader reports a post to the moderators."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    created = models.DateTimeField(default=timezone.now)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created"]


class ModerationAction(models.Model):
    """The log of every moderator action."""

    class Kind(models.TextChoices):
        APPROVE = "approve", _("Approve")
        EDIT = "edit", _("Edit")
        HIDE = "hide", _("Hide")
        UNHIDE = "unhide", _("Show again")
        DELETE = "delete", _("Delete")
        WARN = "warn", _("Warn")
        SUSPEND = "suspend", _("Suspend")
        LOCK = "lock", _("Lock")
        UNLOCK = "unlock", _("Unlock")
        PIN = "pin", _("Pin")
        UNPIN = "unpin", _("Unpin")
        MOVE = "move", _("Move")
        DISMISS = "dismiss", _("Dismiss reports")
        TO_COMPLAINT = "to_complaint", _("Turn into complaint")
        TO_KNOWLEDGE = "to_knowledge", _("Turn into knowledge page")

    moderator = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=16, choices=Kind.choices)
    target = models.CharField(max_length=200, help_text=_("What was acted on, as text."))
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True)
    topic = models.ForeignKey(Topic, on_delete=models.SET_NULL, null=True, blank=True)
    member = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target}"


# Complaints ---------------------------------------------------------------------------------


class ComplaintCategory(models.TextChoices):
    CARD = "card", _("Cards")
    LOAN = "loan", _("Loans")
    DEPOSIT = "deposit", _("Deposits")
    WEALTH = "wealth", _("Wealth management")
    ONLINE_BANKING = "online_banking", _("Online and mobile banking")
    SERVICE_ATTITUDE = "service_attitude", _("Service attitude")
    FEES = "fees", _("Fees and charges")
    OTHER = "other", _("Other")


class ComplaintChannel(models.TextChoices):
    BRANCH = "branch", _("Branch")
    ONLINE = "online", _("Online banking")
    MOBILE_APP = "mobile_app", _("Mobile app")
    PHONE = "phone", _("Phone")
    WECHAT = "wechat", _("WeChat")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_CUSTOMER = "awaiting_customer", _("Awaiting your reply")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (
    ComplaintStatus.RECEIVED,
    ComplaintStatus.IN_PROGRESS,
    ComplaintStatus.AWAITING_CUSTOMER,
)


class ComplaintQuerySet(models.QuerySet):
    def overdue(self, now: datetime | None = None) -> ComplaintQuerySet:
        now = now or timezone.now()
        return self.filter(status__in=OPEN_STATUSES).filter(
            models.Q(first_responded_at__isnull=True, first_response_due__lt=now)
            | models.Q(resolution_due__lt=now)
        )


class Complaint(models.Model):
    """A customer's complaint, followed by its tracking number until resolved."""

    tracking_number = models.CharField(_("tracking number"), max_length=16, unique=True)
    # Empty for a complaint taken by phone or at a branch from someone without an online
    # account: the contact fields below say who it is, and they follow it by number and code.
    customer = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("contact mobile phone"),
        max_length=11,
        blank=True,
        help_text=_("Where the one-time code for following the complaint online is sent."),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=ComplaintCategory.choices)
    product = models.ForeignKey(
        "products.ProductPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=ComplaintChannel.choices)
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
    )
    created = models.DateTimeField(_("filed"), default=timezone.now)
    first_response_due = models.DateTimeField(_("first response due"))
    resolution_due = models.DateTimeField(_("resolution due"))
    first_responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_complaints",
        verbose_name=_("assigned to"),
    )
    source_post = models.ForeignKey(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="complaints"
    )

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["resolution_due"]
        indexes = [models.Index(fields=["status", "resolution_due"])]
        permissions = [("handle_complaint", "Can handle customers' complaints")]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return self.tracking_number

    def get_absolute_url(self) -> str:
        return reverse("community:complaint", args=[self.tracking_number])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        if not self.is_open:
            return False
        if self.first_responded_at is None and self.first_response_due < now:
            return True
        return self.resolution_due < now

    @property
    def next_due(self) -> datetime:
        if self.first_responded_at is None:
            return min(self.first_response_due, self.resolution_due)
        return self.resolution_due

    def time_left(self) -> timedelta:
        return self.next_due - timezone.now()


#: The only files a complaint accepts, by sniffed content type, and the extension each is stored
#: under (the client's file name and extension are never trusted).
ATTACHMENT_EXTENSIONS: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


def complaint_upload_to(instance: ComplaintAttachment, filename: str) -> str:
    # Random names with the extension of the sniffed type: the customer's file name never
    # reaches the storage path.
    import secrets

    ext = ATTACHMENT_EXTENSIONS[instance.content_type]
    return f"complaints/{timezone.now():%Y/%m}/{secrets.token_hex(12)}.{ext}"


class ComplaintAttachment(models.Model):
    """A photo or PDF the customer attached (checked by content, not by name).

    Kept in private storage (``PRIVATE_MEDIA_ROOT``), outside the public media, and served only
    by the access-checked view ``community:complaint_attachment``.
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=complaint_upload_to, storage=private_storage, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.original_name


class ComplaintEvent(models.Model):
    """One entry of a complaint's timeline: filing, status changes, messages, internal notes."""

    class Kind(models.TextChoices):
        FILED = "filed", _("Filed")
        STATUS = "status", _("Status changed")
        MESSAGE = "message", _("Message")
        NOTE = "note", _("Internal note")
        ASSIGNED = "assigned", _("Assigned")
        ESCALATED = "escalated", _("Escalated")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_status = models.CharField(max_length=20, choices=ComplaintStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ComplaintStatus.choices, blank=True)
    message = models.TextField(blank=True)
    public = models.BooleanField(
        default=True, help_text=_("Shown to the customer; internal notes are not.")
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"


class ComplaintLookupCode(models.Model):
    """A one-time code sent to a complaint's contact so it can be followed without signing in.

    Only a keyed hash of the code is kept. A code expires after a few minutes, is void after a
    few wrong tries, and is used up by the first right one (community.lookup).
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="lookup_codes")
    code_hash = models.CharField(max_length=64)
    sent_to = models.CharField(_("sent to"), max_length=80, help_text=_("Masked."))
    created = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["complaint", "created"])]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.created:%Y-%m-%d %H:%M}"
