"""Admin menu, URLs and the dashboard panel of measurement (Wagtail's Reports menu)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets.button import Button as SnippetListingButton

from targeting.measurement import (
    admin_views,
    experiment_hooks,  # noqa: F401  (C2: the experiment pages)
    placement_views,
    queries,
    rollups,
)
from targeting.measurement.goal_views import ConversionGoalViewSet
from targeting.models import Campaign


@hooks.register("register_admin_urls")
def register_measurement_admin_urls() -> list:
    return [
        path("reports/campaigns/", admin_views.campaign_list, name="measurement_campaigns"),
        path(
            "reports/campaigns/results/",
            admin_views.campaign_list_results,
            name="measurement_campaigns_results",
        ),
        path(
            "reports/campaigns/<slug:slug>/",
            admin_views.campaign_detail,
            name="measurement_campaign",
        ),
        path("reports/placements/", placement_views.placement_index, name="measurement_placements"),
        path(
            "reports/placements/results/",
            placement_views.placement_index_results,
            name="measurement_placements_results",
        ),
        path(
            "reports/placements/<slug:slug>/",
            placement_views.placement_comparison,
            name="measurement_placement",
        ),
    ]


@hooks.register("register_admin_viewset")
def register_conversion_goals() -> ConversionGoalViewSet:
    return ConversionGoalViewSet()


class ReportMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return request.user.has_perm(admin_views.PERMISSION)


@hooks.register("register_reports_menu_item")
def register_campaign_report_menu_item() -> MenuItem:
    return ReportMenuItem(
        _("Campaign performance"),
        reverse("measurement_campaigns"),
        name="campaign-performance",
        icon_name="openquote",
        order=100,
    )


@hooks.register("register_reports_menu_item")
def register_placement_comparison_menu_item() -> MenuItem:
    return ReportMenuItem(
        _("Placement comparison"),
        reverse("measurement_placements"),
        name="placement-comparison",
        icon_name="tasks",
        order=105,
    )


class TodaysCampaignsPanel(Component):
    """The dashboard's "Today's campaigns": seen impressions, clicks and conversions so far."""

    name = "todays_campaigns"
    order = 90

    def render_html(self, parent_context: Any = None) -> SafeString:
        rollups.ensure_fresh()
        found = queries.today_totals()
        names = dict(Campaign.objects.filter(slug__in=list(found)).values_list("slug", "name"))
        rows = sorted(
            (
                {
                    "slug": slug,
                    "name": names.get(slug, slug),
                    "totals": totals,
                    "ctr": admin_views.percent(totals.ctr),
                }
                for slug, totals in found.items()
            ),
            key=lambda row: -row["totals"].impressions,
        )[:10]
        return render_to_string(
            "measurement/todays_campaigns_panel.html",
            {"rows": rows},
            request=parent_context.get("request") if parent_context else None,
        )


@hooks.register("construct_homepage_panels")
def add_todays_campaigns_panel(request: Any, panels: list) -> None:
    if request.user.has_perm(admin_views.PERMISSION):
        panels.append(TodaysCampaignsPanel())


@hooks.register("register_snippet_listing_buttons")
def campaign_report_button(snippet: Any, user: Any, next_url: str | None = None) -> Any:
    """A campaign's "…" menu in the Marketing → Campaigns listing leads to its report (issue 12,
    the marketer's walk: the report was reachable only through Reports → Campaign performance,
    which a marketer looking at the campaign had to know about)."""
    if not isinstance(snippet, Campaign) or not user.has_perm(admin_views.PERMISSION):
        return
    try:
        url = reverse("measurement_campaign", args=[snippet.slug])
    except NoReverseMatch:  # a slug written outside the form (fixtures, scripts)
        return
    yield SnippetListingButton(_("Performance report"), url, icon_name="openquote", priority=90)
