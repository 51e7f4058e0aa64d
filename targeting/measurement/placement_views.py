"""Reports → Placement comparison: the placements, and one placement's campaigns side by side.

Wagtail ``ReportView``s like the campaign reports (``admin_views``): the same permission
(``measurement.view_report``) on every path and format, the same date range, CSV and XLSX from
Wagtail's export with rows of fewer than k distinct visitors left out. The numbers come from
``placements``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView

from targeting.measurement import placements, rollups
from targeting.measurement.admin_views import (
    CountColumn,
    DateRangeMixin,
    ExportLanguageMixin,
    RateColumn,
    ReportPermissionMixin,
    percent,
)
from targeting.measurement.queries import k_threshold
from targeting.models import Campaign, Placement

#: Export fields that derive from a row's counts: left out with them for a small row.
DERIVED = (
    "impressions",
    "clicks",
    "ctr",
    "conversions",
    "conversion_rate",
    "visitors",
    "interval_low",
    "interval_high",
    "difference",
    "p_value",
    "chance_to_beat",
    "chance_to_be_best",
)


def _query(request: HttpRequest, keep: tuple[str, ...] = ("from", "to")) -> str:
    query = request.GET.copy()
    for name in list(query):
        if name not in keep:
            query.pop(name)
    return f"?{query.urlencode()}" if query else ""


class PlacementRow:
    """A placement in the index."""

    def __init__(self, slug: str, name: str, campaigns: int, totals: Any) -> None:
        self.slug = slug
        self.name = name
        self.campaigns = campaigns
        self.totals = totals
        self.impressions = totals.impressions
        self.clicks = totals.clicks
        self.conversions = totals.conversions
        self.ctr = totals.ctr
        self.conversion_rate = totals.conversion_rate


def _placement_names(slugs: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    # The first row of a slug is the slot itself; later ones are its translations.
    for slug, name in (
        Placement.objects.filter(slug__in=slugs).order_by("pk").values_list("slug", "name")
    ):
        names.setdefault(slug, name)
    return names


class PlacementIndexView(ReportPermissionMixin, DateRangeMixin, ExportLanguageMixin, ReportView):
    """Every placement with campaign traffic in the range, and how many campaigns shared it."""

    page_title = gettext_lazy("Placement comparison")
    header_icon = "tasks"
    template_name = "measurement/placement_index.html"
    results_template_name = "measurement/placement_index_results.html"
    index_url_name = "measurement_placements"
    index_results_url_name = "measurement_placements_results"
    paginate_by = 50
    list_export = ["name", "slug", "campaigns", "impressions", "clicks", "conversions"]
    export_headings = {
        "name": gettext_lazy("Placement"),
        "slug": gettext_lazy("Slug"),
        "campaigns": gettext_lazy("Campaigns"),
        "impressions": gettext_lazy("Seen impressions"),
        "clicks": gettext_lazy("Clicks"),
        "conversions": gettext_lazy("Conversions"),
    }

    @cached_property
    def columns(self) -> list[Column]:
        return [
            TitleColumn(
                "name",
                label=_("Placement"),
                get_url=lambda row: (
                    reverse("measurement_placement", args=[row.slug]) + _query(self.request)
                ),
            ),
            CountColumn("campaigns", label=_("Campaigns")),
            CountColumn("impressions", label=_("Seen impressions")),
            CountColumn("clicks", label=_("Clicks")),
            RateColumn("ctr", label=_("CTR")),
            CountColumn("conversions", label=_("Conversions")),
            RateColumn("conversion_rate", label=_("Conversion rate")),
        ]

    def get_queryset(self) -> list[PlacementRow]:
        rollups.ensure_fresh()
        found = placements.placement_totals(self.since, self.until)
        names = _placement_names([slug for slug, _count, _totals in found])
        return [
            PlacementRow(slug, names.get(slug, slug), count, totals)
            for slug, count, totals in found
        ]

    def get_filename(self) -> str:
        return f"placements-{self.since}-{self.until}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.range_context())
        return context


class IntervalColumn(Column):
    def get_value(self, instance: Any) -> str:
        if instance.interval is None:
            return "—"
        low, high = instance.interval
        return f"{percent(low)} – {percent(high)}"


class ChanceColumn(Column):
    """A probability as a percentage; "control" on the control's row."""

    def get_value(self, instance: Any) -> str:
        value = super().get_value(instance)
        if value is None:
            if instance.control and self.name == "chance_to_beat":
                return _("Control campaign")
            return "—"
        return f"{number_format(value * 100, 1)}%"


class PlacementComparisonView(
    ReportPermissionMixin, DateRangeMixin, ExportLanguageMixin, ReportView
):
    """One placement's campaigns side by side, against a control campaign."""

    header_icon = "tasks"
    template_name = "measurement/placement_comparison.html"
    results_template_name = "measurement/placement_comparison_results.html"
    paginate_by = None
    list_export = [
        "name",
        "slug",
        "impressions",
        "clicks",
        "ctr",
        "conversions",
        "conversion_rate",
        "interval_low",
        "interval_high",
        "difference",
        "p_value",
        "chance_to_beat",
        "chance_to_be_best",
        "visitors",
        "note",
    ]
    export_headings = {
        "name": gettext_lazy("Campaign"),
        "slug": gettext_lazy("Slug"),
        "impressions": gettext_lazy("Seen impressions"),
        "clicks": gettext_lazy("Clicks"),
        "ctr": gettext_lazy("CTR"),
        "conversions": gettext_lazy("Conversions"),
        "conversion_rate": gettext_lazy("Conversion rate"),
        "interval_low": gettext_lazy("Interval, low"),
        "interval_high": gettext_lazy("Interval, high"),
        "difference": gettext_lazy("Difference from the control"),
        "p_value": gettext_lazy("p-value"),
        "chance_to_beat": gettext_lazy("Chance to beat the control"),
        "chance_to_be_best": gettext_lazy("Chance to be best"),
        "visitors": gettext_lazy("Distinct visitors (at least)"),
        "note": gettext_lazy("Note"),
    }

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.slug = kwargs["slug"]

    @cached_property
    def errors(self) -> list[str]:
        _ = self.comparison  # parsing the choices records their errors
        return self._errors

    @cached_property
    def comparison(self) -> placements.Comparison:
        self._errors: list[str] = []
        goal = self.request.GET.get("goal") or "conversion"
        if goal not in placements.GOALS:
            self._errors.append(_("goal: choose conversions or clicks."))
            goal = "conversion"
        control = self.request.GET.get("control") or None
        rollups.ensure_fresh()
        result = placements.compare(self.slug, self.since, self.until, goal, control)
        if control is not None and control != result.control:
            self._errors.append(_("control: choose one of the campaigns on this placement."))
        return result

    @cached_property
    def placement_name(self) -> str:
        name = _placement_names([self.slug]).get(self.slug)
        if name is None and not self.comparison.rows:
            raise Http404(_("Unknown placement."))
        return name or self.slug

    @cached_property
    def campaign_names(self) -> dict[str, str]:
        slugs = [row.slug for row in self.comparison.rows]
        return dict(Campaign.objects.filter(slug__in=slugs).values_list("slug", "name"))

    def get_page_title(self) -> str:
        return _("Campaigns on %(placement)s") % {"placement": self.placement_name}

    def get_index_url(self) -> str:
        return reverse("measurement_placement", args=[self.slug])

    def get_index_results_url(self) -> str:
        return reverse("measurement_placement", args=[self.slug])

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            {
                "url": reverse("measurement_placements") + _query(self.request),
                "label": _("Placement comparison"),
            },
            {"url": "", "label": self.placement_name},
        ]

    @cached_property
    def columns(self) -> list[Column]:
        goal_rate = _("Click rate interval") if self.comparison.goal == "click" else None
        return [
            TitleColumn(
                "name",
                label=_("Campaign"),
                get_url=lambda row: (
                    reverse("measurement_campaign", args=[row.slug]) + _query(self.request)
                ),
            ),
            CountColumn("impressions", label=_("Seen impressions")),
            CountColumn("clicks", label=_("Clicks")),
            RateColumn("ctr", label=_("CTR")),
            CountColumn("conversions", label=_("Conversions")),
            RateColumn("conversion_rate", label=_("Conversion rate")),
            IntervalColumn("interval", label=goal_rate or _("Conversion rate interval")),
            ChanceColumn("chance_to_beat", label=_("Chance to beat the control")),
            ChanceColumn("chance_to_be_best", label=_("Chance to be best")),
        ]

    def get_queryset(self) -> list[placements.CampaignOnPlacement]:
        names = self.campaign_names
        for row in self.comparison.rows:
            row.name = names.get(row.slug, row.slug)
        return self.comparison.rows

    def to_row_dict(self, item: Any) -> dict[str, Any]:
        row = {
            "name": item.name,
            "slug": item.slug,
            "impressions": item.impressions,
            "clicks": item.clicks,
            "ctr": item.ctr,
            "conversions": item.conversions,
            "conversion_rate": item.conversion_rate,
            "interval_low": item.interval[0] if item.interval else None,
            "interval_high": item.interval[1] if item.interval else None,
            "difference": item.difference,
            "p_value": item.p_value,
            "chance_to_beat": item.chance_to_beat,
            "chance_to_be_best": item.chance_to_be_best,
            "visitors": item.visitors,
            "note": _("Control campaign") if item.control else "",
        }
        if item.suppressed:
            for name in DERIVED:
                row[name] = ""
            row["note"] = _("fewer than %(k)d visitors: suppressed") % {"k": k_threshold()}
        return row

    def get_filename(self) -> str:
        return f"placement-{self.slug}-{self.since}-{self.until}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.range_context())
        comparison = self.comparison
        context.update(
            {
                "comparison": comparison,
                "choice_errors": self.errors,
                "goal": comparison.goal,
                "control": comparison.control,
                "campaign_choices": [
                    (row.slug, self.campaign_names.get(row.slug, row.slug))
                    for row in comparison.rows
                ],
                "confidence": number_format((1 - comparison.alpha) * 100, 0),
            }
        )
        return context


def placement_index(request: HttpRequest) -> HttpResponseBase:
    return PlacementIndexView.as_view()(request)


def placement_index_results(request: HttpRequest) -> HttpResponseBase:
    return PlacementIndexView.as_view(results_only=True)(request)


def placement_comparison(request: HttpRequest, slug: str) -> HttpResponseBase:
    return PlacementComparisonView.as_view()(request, slug=slug)
