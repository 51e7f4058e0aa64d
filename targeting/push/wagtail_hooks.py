"""Push marketing in the Wagtail admin: offers, triggers, the send log, leads, preferences.

Offers go through the "Push offer approval" workflow (publishing is compliance's); triggers are
drafted and published with revisions. The send log is read-only for everyone (it is the
compliance record); dead letters show their reason and can be re-queued with a permission.
"""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import BooleanColumn, Column, UpdatedAtColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import InspectView, SnippetViewSet, SnippetViewSetGroup

from targeting.push import admin_views
from targeting.push.models import ContactPreference, Lead, Offer, PushMessage, Trigger
from targeting.widgets import RuleEditorWidget


class OfferViewSet(SnippetViewSet):
    model = Offer
    icon = "tag"
    menu_label = _("Offers")
    list_display = ["name", "slug", "risk_level", "priority", UpdatedAtColumn()]
    list_filter = ["live", "risk_level"]
    search_fields = ["name", "slug"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("product_slug"),
                FieldPanel("risk_level"),
                FieldPanel("audience_rule", widget=RuleEditorWidget),
                FieldPanel("valid_until"),
            ],
            heading=_("Who and what"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("priority"), FieldPanel("value"), FieldPanel("prior_propensity")]
                ),
                FieldPanel("channels"),
                FieldPanel("defer_in_quiet_hours"),
            ],
            heading=_("Arbitration and channels"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("title"),
                FieldPanel("body"),
                FieldPanel("sms_text"),
                FieldPanel("email_subject"),
                FieldPanel("email_html"),
                FieldPanel("wechat_template_id"),
                FieldPanel("link_url"),
            ],
            heading=_("Messages"),
        ),
    ]


class TriggerViewSet(SnippetViewSet):
    model = Trigger
    icon = "pick"
    menu_label = _("Triggers")
    list_display = [
        "name",
        "kind",
        "event_type",
        BooleanColumn("enabled", label=_("enabled"), sort_key="enabled"),
        UpdatedAtColumn(),
    ]
    list_filter = ["kind", "enabled", "live"]
    search_fields = ["name", "slug"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("event_type"),
        FieldPanel("condition", widget=RuleEditorWidget),
        FieldPanel("segment_slug"),
        FieldRowPanel([FieldPanel("schedule_hour"), FieldPanel("days_before")]),
        FieldPanel("schedule_weekdays"),
        FieldPanel("date_field"),
        FieldPanel("offers"),
        FieldPanel("cooldown_hours"),
        FieldPanel("enabled"),
    ]


class ReadOnlyPolicy(ModelPermissionPolicy):
    """The send log is a record: nobody adds, edits or deletes it in the admin."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)


class PushMessageInspectView(InspectView):
    """The send log's detail page; a dead letter has a "send again" button (a POST form with the
    CSRF token) for staff with ``push.requeue_pushmessage``."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        message = self.object
        context["requeue_url"] = (
            requeue_url(message)
            if message.status == PushMessage.DEAD
            and self.request.user.has_perm(admin_views.REQUEUE_PERMISSION)
            else ""
        )
        return context


class PushMessageViewSet(SnippetViewSet):
    model = PushMessage
    icon = "mail"
    menu_label = _("Send log")
    inspect_view_enabled = True
    inspect_view_class = PushMessageInspectView
    inspect_template_name = "push/admin/pushmessage_inspect.html"
    # No one may edit the log (ReadOnlyPolicy); the form only exists because Wagtail needs one.
    form_fields = ["status"]
    list_display = [
        "__str__",
        "user",
        "offer",
        "trigger",
        "status",
        Column("last_error", label=_("last error")),
        "created_at",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["idempotency_key", "event_ref", "branch"]
    list_export = [
        "pk",
        "created_at",
        "user",
        "channel",
        "offer",
        "trigger",
        "status",
        "attempts",
        "last_error",
        "event_ref",
        "consent",
        "arbitration",
    ]
    inspect_view_fields = [
        "idempotency_key",
        "user",
        "channel",
        "offer",
        "trigger",
        "status",
        "attempts",
        "last_error",
        "branch",
        "event_ref",
        "event_at",
        "created_at",
        "sent_at",
        "read_at",
        "response",
        "converted_at",
        "subject",
        "text",
        "consent",
        "arbitration",
    ]


register_permission_policy(PushMessage, ReadOnlyPolicy(PushMessage))


class LeadViewSet(SnippetViewSet):
    model = Lead
    icon = "user"
    menu_label = _("Relationship-manager leads")
    list_display = ["__str__", "branch", "assigned_to", "status", "created_at"]
    list_filter = ["status", "branch"]
    search_fields = ["branch", "outcome"]
    panels = [
        FieldPanel("assigned_to"),
        FieldPanel("branch"),
        FieldPanel("status"),
        FieldPanel("outcome"),
    ]


class ContactPreferenceViewSet(SnippetViewSet):
    model = ContactPreference
    icon = "form"
    menu_label = _("Contact preferences")
    list_display = [
        "user",
        BooleanColumn(
            "marketing_consent", label=_("agrees to marketing"), sort_key="marketing_consent"
        ),
        "updated_at",
    ]
    list_filter = ["marketing_consent"]
    panels = [
        FieldPanel("user"),
        FieldPanel("marketing_consent"),
        FieldPanel("opted_out"),
        FieldPanel("phone"),
        FieldPanel("wechat_openid"),
        FieldPanel("birthday"),
        FieldPanel("deposit_maturity"),
    ]


class PushViewSetGroup(SnippetViewSetGroup):
    items = (
        OfferViewSet,
        TriggerViewSet,
        PushMessageViewSet,
        LeadViewSet,
        ContactPreferenceViewSet,
    )
    menu_icon = "mail"
    menu_label = _("Push marketing")
    menu_name = "push"


@hooks.register("register_admin_viewset")
def register_push_viewsets() -> PushViewSetGroup:
    return PushViewSetGroup()


@hooks.register("register_admin_urls")
def register_push_urls() -> list[Any]:
    return [
        path(
            "push/messages/<int:pk>/requeue/",
            admin_views.requeue,
            name="push_requeue",
        ),
    ]


@hooks.register("register_log_actions")
def register_push_log_actions(actions: Any) -> None:
    actions.register_action(
        admin_views.REQUEUE_ACTION, _("Send a dead letter again"), _("Dead letter sent again")
    )


@hooks.register("after_edit_snippet")
def _lead_edited(request: Any, instance: Any) -> None:
    if isinstance(instance, Lead):
        admin_views.lead_outcome(instance)


def requeue_url(message: PushMessage) -> str:
    return reverse("push_requeue", args=[message.pk])
