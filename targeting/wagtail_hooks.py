"""Targeting in the Wagtail admin: the "Marketing" menu, its snippets and its tools."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, UpdatedAtColumn
from wagtail.snippets.views.snippets import (
    EditView,
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from targeting import approval, views
from targeting.audiences import MATCHED_WINDOWS, matched_counts, recent_shares
from targeting.conflicts import live_conflicts
from targeting.creative_chooser import CreativeChooserViewSet
from targeting.forms import CampaignForm
from targeting.models import Campaign, Creative, CrmMembership, Placement, Segment
from targeting.pageviews import record_pageview
from targeting.tracking.models import CustomerProfile
from targeting.widgets import RuleEditorWidget

logger = logging.getLogger("targeting")


def _share_label(segment: Segment, share: dict[str, Any] | None) -> str:
    """The listing's "recent visitors" cell: the rule's share of the recent sample."""
    if segment.is_static:
        count = len(segment.static_members or [])
        return ngettext("%(count)d member (static)", "%(count)d members (static)", count) % {
            "count": count
        }
    if share is None:
        return "—"
    percent = share["percent"]
    if segment.sample_percent:
        # A random sample keeps that share of the rule's visitors (every sampled view consented).
        percent = round(percent * segment.sample_percent / 100, 1)
    return gettext("about %(percent)s%%") % {"percent": percent}


def _matched_label(counts: dict[int, int] | None) -> str:
    if counts is None:
        return "—"
    return " / ".join(str(counts[window]) for window in MATCHED_WINDOWS)


def segment_sizes(segments: list[Segment]) -> None:
    """Put each audience's recent share and matched-visitor counts on it for the listing: one
    pass over the recent sample (cached) and one Redis pipeline for every row, never a query per
    row. A failure shows "—"; the listing always renders."""
    try:
        shares = recent_shares({s.slug: s.rule for s in segments if not s.is_static})
    except Exception:
        logger.exception("targeting: recent shares for the audience listing failed")
        shares = {}
    live = [s.slug for s in segments if s.live and s.enabled]
    try:
        counts = matched_counts(live) or {}
    except Exception:
        logger.exception("targeting: matched-visitor counts for the audience listing failed")
        counts = {}
    for segment in segments:
        segment.recent_share_label = _share_label(segment, shares.get(segment.slug))
        segment.matched_label = _matched_label(counts.get(segment.slug))


class SegmentIndexView(IndexView):
    """The audience listing, with how large each audience is (issue 14 item 7)."""

    def get_table(self, object_list: Any) -> Any:
        rows = list(object_list)
        segment_sizes(rows)
        return super().get_table(rows)


class AudienceSizePanel(HelpPanel):
    """On the edit page: how many visitors matched the live audience in the last 7 and 30 days."""

    class BoundPanel(HelpPanel.BoundPanel):
        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            context = super().get_context_data(parent_context)
            segment = self.instance
            context["live"] = bool(segment.pk and segment.live and segment.enabled)
            counts = None
            if context["live"]:
                try:
                    counts = (matched_counts([segment.slug]) or {}).get(segment.slug)
                except Exception:
                    logger.exception("targeting: matched-visitor counts of %s failed", segment.slug)
            context["counts"] = counts
            if counts is not None:
                context["week"], context["month"] = counts[7], counts[30]
            return context


class SegmentViewSet(SnippetViewSet):
    """Audiences: who sees what."""

    model = Segment
    icon = "group"
    menu_label = _("Audiences")
    index_view_class = SegmentIndexView
    list_display = [
        "name",
        "slug",
        BooleanColumn("enabled", label=_("enabled"), sort_key="enabled"),
        Column("recent_share_label", label=_("Recent visitors (sampled)")),
        Column("matched_label", label=_("Visitors matched, 7 / 30 days")),
        UpdatedAtColumn(),
    ]
    list_filter = ["enabled", "live"]
    search_fields = ["name", "slug"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("rule", widget=RuleEditorWidget),
        FieldPanel("enabled"),
        MultiFieldPanel(
            [
                FieldPanel("stays_for_visit"),
                FieldPanel("sample_percent"),
                FieldPanel("is_static"),
                FieldPanel("static_limit"),
                HelpPanel(template="targeting/admin/static_members.html"),
            ],
            heading=_("Membership"),
        ),
        AudienceSizePanel(
            template="targeting/admin/matched_visitors.html", heading=_("Audience size")
        ),
    ]


class PlacementViewSet(SnippetViewSet):
    """Slots on the site's pages and what they show by default."""

    model = Placement
    icon = "placeholder"
    menu_label = _("Placements")
    list_display = ["name", "slug", "kind"]
    search_fields = ["name", "slug"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("default_headline"),
                FieldPanel("default_body"),
                FieldPanel("default_link_label"),
                FieldPanel("default_link_page"),
                FieldPanel("default_link_url"),
            ],
            heading=_("Default content (shown when no campaign applies)"),
        ),
    ]


class CreativeEditView(EditView):
    """Publishing a creative used by live campaigns sends them to compliance, and says so."""

    def publish_action(self) -> Any:
        response = super().publish_action()
        if response is not None:
            return response

        messages_by_outcome = {
            approval.SUBMITTED: _(
                "Campaign “%(campaign)s” keeps showing the approved version of this creative. "
                "The change has been sent to compliance and shows once they approve it."
            ),
            approval.RESTARTED: _(
                "Campaign “%(campaign)s” was awaiting approval: its review has started again "
                "so that compliance sees this change, which shows once they approve it."
            ),
            approval.NEEDS_SUBMISSION: _(
                "Campaign “%(campaign)s” keeps showing the approved version of this creative. "
                "It has changes of its own: submit it for approval to show this change."
            ),
        }
        for campaign, outcome in approval.creative_published(self.object, self.request.user):
            messages.warning(
                self.request, messages_by_outcome[outcome] % {"campaign": campaign.name}
            )
        return None


class CreativeViewSet(SnippetViewSet):
    """What a campaign shows."""

    model = Creative
    icon = "image"
    menu_label = _("Creatives")
    edit_view_class = CreativeEditView
    chooser_viewset_class = CreativeChooserViewSet
    list_display = ["name", "headline", UpdatedAtColumn()]
    search_fields = ["name", "headline"]
    panels = [
        HelpPanel(
            _(
                "A live campaign shows this creative as compliance approved it. Changes you "
                "publish here show in a live campaign only after compliance approves it again."
            )
        ),
        FieldPanel("name"),
        FieldPanel("headline"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("image"), FieldPanel("mobile_image"), FieldPanel("alt_text")],
            heading=_("Images"),
        ),
        MultiFieldPanel(
            [FieldPanel("cta_label"), FieldPanel("cta_page"), FieldPanel("cta_url")],
            heading=_("Call to action"),
        ),
    ]


class CampaignIndexView(IndexView):
    """The campaign listing, with a warning when live campaigns compete for the same slot."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)

        try:
            context["campaign_conflicts"] = live_conflicts()
        except Exception:
            logger.exception("targeting: conflict check failed")
            context["campaign_conflicts"] = []
        return context

    def get_list_more_buttons(self, instance: Any) -> list[Any]:
        """A "Preview this campaign" entry: the preview as a visitor with it included."""
        buttons = list(super().get_list_more_buttons(instance))
        user = self.request.user
        if user.has_perm("targeting.view_segment") and user.has_perm("targeting.change_campaign"):
            url = reverse("targeting_preview") + f"?campaign={instance.pk}"
            buttons.append(
                ListingMenuItem(_("Preview this campaign"), url=url, icon_name="view", priority=25)
            )
        return buttons


class CampaignViewSet(SnippetViewSet):
    """Campaigns: creatives in placements for audiences, approved by compliance."""

    model = Campaign
    icon = "tasks"
    menu_label = _("Campaigns")
    index_view_class = CampaignIndexView
    index_template_name = "targeting/admin/campaign_index.html"
    list_display = [
        "name",
        Column("status_label", label=_("Status")),
        "priority",
        "start_at",
        "end_at",
        UpdatedAtColumn(),
    ]
    list_filter = ["live", "paused"]
    search_fields = ["name", "slug"]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("name"),
                    FieldPanel("slug"),
                    FieldPanel("description"),
                    FieldPanel("placements", widget=forms.CheckboxSelectMultiple),
                    InlinePanel("campaign_creatives", label=_("Creatives"), min_num=1),
                ],
                heading=_("Content"),
            ),
            ObjectList(
                [
                    FieldPanel("include_segments", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("exclude_segments", widget=forms.CheckboxSelectMultiple),
                ],
                heading=_("Audience"),
            ),
            ObjectList(
                [
                    HelpPanel(
                        _(
                            "Times are in the site's time zone. The campaign shows only when "
                            "every condition here holds."
                        )
                    ),
                    FieldRowPanel([FieldPanel("start_at"), FieldPanel("end_at")]),
                    FieldPanel("hours"),
                    FieldPanel("weekdays"),
                    FieldRowPanel(
                        [FieldPanel("priority"), FieldPanel("weight"), FieldPanel("frequency_cap")]
                    ),
                    FieldPanel("paused"),
                ],
                heading=_("Schedule and delivery"),
            ),
            ObjectList(
                [
                    HelpPanel(
                        _(
                            "An experiment compares the campaign's creatives with each other and, "
                            "with a holdout, with the default content. Results are under "
                            "Reports → Experiments. Changes here go to compliance like any "
                            "campaign change; automatic allocation then moves traffic between "
                            "the approved creatives by itself."
                        )
                    ),
                    FieldRowPanel([FieldPanel("goal"), FieldPanel("holdout_percent")]),
                    FieldRowPanel([FieldPanel("allocation_mode"), FieldPanel("allocation_floor")]),
                    MultiFieldPanel(
                        [
                            FieldRowPanel(
                                [FieldPanel("experiment_baseline"), FieldPanel("experiment_effect")]
                            ),
                            FieldRowPanel(
                                [FieldPanel("experiment_alpha"), FieldPanel("experiment_power")]
                            ),
                        ],
                        heading=_("Sample-size plan"),
                    ),
                    FieldPanel("winner"),
                ],
                heading=_("Experiment"),
            ),
        ],
        base_form_class=CampaignForm,
    )


class CustomerProfileViewSet(SnippetViewSet):
    """Customers' declared and account attributes."""

    model = CustomerProfile
    icon = "user"
    menu_label = _("Customer profiles")
    list_display = ["user", "customer_number", "income_band", "region"]
    search_fields = ["customer_number", "occupation", "region"]


class CrmMembershipViewSet(SnippetViewSet):
    """CRM segment codes imported with ``manage.py import_crm_segments``."""

    model = CrmMembership
    icon = "list-ul"
    menu_label = _("CRM memberships")
    list_display = ["customer_ref", "code", "expires_at", "imported_at"]
    list_filter = ["code"]
    search_fields = ["customer_ref", "code"]


class MarketingGroup(SnippetViewSetGroup):
    """The marketers' menu."""

    menu_label = _("Marketing")
    menu_icon = "pick"
    menu_order = 250
    items = (
        CampaignViewSet,
        SegmentViewSet,
        CreativeViewSet,
        PlacementViewSet,
        CustomerProfileViewSet,
        CrmMembershipViewSet,
    )


@hooks.register("register_admin_viewset")
def register_marketing() -> MarketingGroup:
    return MarketingGroup()


@hooks.register("register_admin_urls")
def register_targeting_admin_urls() -> list:
    return [
        path("targeting/preview/", views.preview_as_visitor, name="targeting_preview"),
        path(
            "targeting/audience-estimate/",
            views.audience_estimate,
            name="targeting_audience_estimate",
        ),
        path(
            "targeting/segments/<int:pk>/refresh-members/",
            views.refresh_static_members,
            name="targeting_refresh_static_members",
        ),
    ]


class PreviewMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return request.user.has_perm("targeting.view_segment")


@hooks.register("register_admin_menu_item")
def register_preview_menu_item() -> MenuItem:
    return PreviewMenuItem(
        _("Preview as a visitor"),
        reverse("targeting_preview"),
        icon_name="view",
        order=251,
    )


@hooks.register("before_serve_page")
def record_server_pageview(page: Any, request: Any, serve_args: Any, serve_kwargs: Any) -> None:
    """Count the page view for a consenting visitor when the beacon does not (setting
    ``TRACKING_SERVER_PAGEVIEWS``; off by default, as the beacon's page_view events count them)."""
    from django.conf import settings

    if not getattr(settings, "TRACKING_SERVER_PAGEVIEWS", False):
        return
    visitor = getattr(request, "visitor", None)
    if visitor is None or not visitor.id or request.method != "GET":
        return
    if getattr(request, "is_preview", False):
        return
    try:
        record_pageview(visitor.id, page)
    except Exception:
        logger.exception("targeting: page view not recorded")
