"""Campaign reports in the Wagtail admin (Reports menu): the list, a campaign, exports.

Both are Wagtail ``ReportView``s, so CSV and XLSX exports come from Wagtail's own export
machinery. Every path (page, results fragment, CSV, XLSX) checks ``measurement.view_report``.
In exports, a row with fewer than k distinct visitors has its numbers left out (docs/privacy.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.validators import slug_re
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView

from targeting.measurement import charts, reports
from targeting.measurement.queries import Totals, k_threshold
from targeting.models import Campaign, Placement, Segment

PERMISSION = "measurement.view_report"
#: Device classes as people say them (the rollups keep the engine's words).
DEVICE_LABELS = {
    "mobile": gettext_lazy("Mobile phone"),
    "tablet": gettext_lazy("Tablet"),
    "desktop": gettext_lazy("Desktop computer"),
    "bot": gettext_lazy("Bot or crawler"),
}
MEASURES = ("impressions", "clicks", "ctr", "conversions", "conversion_rate", "visitors")


def percent(value: float | None) -> str:
    """A rate for people: "3.25%", or "—" where there is none."""
    if value is None:
        return "—"
    return f"{number_format(value * 100, 2)}%"


def signed_percent(value: float | None) -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else ""
    return f"{sign}{number_format(value * 100, 1)}%"


class ReportPermissionMixin:
    """``measurement.view_report`` on every request, whatever the format."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class DateRangeMixin:
    """``from`` and ``to`` (YYYY-MM-DD) from the query string; errors shown by the form."""

    request: HttpRequest

    @cached_property
    def range_error(self) -> reports.RangeError | None:
        try:
            self._range = reports.date_range(
                reports.parse_day("from", self.request.GET.get("from")),
                reports.parse_day("to", self.request.GET.get("to")),
            )
        except reports.RangeError as error:
            self._range = reports.date_range(None, None)
            return error
        return None

    @property
    def since(self) -> date:
        _error = self.range_error
        return self._range[0]

    @property
    def until(self) -> date:
        _error = self.range_error
        return self._range[1]

    def range_context(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "until": self.until,
            "range_error": self.range_error,
            "min_visitors": k_threshold(),
        }


class ExportSuppressionMixin:
    """In CSV and XLSX, a row of fewer than k distinct visitors shows no numbers."""

    list_export: list[str]

    def to_row_dict(self, item: Any) -> dict[str, Any]:
        row = super().to_row_dict(item)  # type: ignore[misc]
        if item.suppressed:
            for name in row:
                if name in MEASURES or name == "lift":
                    row[name] = ""
            row["note"] = _("fewer than %(k)d visitors: suppressed") % {"k": k_threshold()}
        return row


class ExportLanguageMixin:
    """A CSV streams after the view returned, when the request's language is no longer active:
    keep it active while the rows are written, so headings are in the reader's language."""

    def stream_csv(self, queryset: Any) -> Iterator[Any]:
        # Not a generator itself: the language is read now, while the view runs.
        return self._in_language(super().stream_csv(queryset), translation.get_language())  # type: ignore[misc]

    @staticmethod
    def _in_language(rows: Iterator[Any], language: str | None) -> Iterator[Any]:
        while True:
            with translation.override(language):
                try:
                    chunk = next(rows)
                except StopIteration:
                    return
            yield chunk


class RateColumn(Column):
    """A rate shown as a percentage."""

    def get_value(self, instance: Any) -> str:
        return percent(super().get_value(instance))


class LiftColumn(Column):
    def get_value(self, instance: Any) -> str:
        return signed_percent(super().get_value(instance))


class CountColumn(Column):
    def get_value(self, instance: Any) -> str:
        return number_format(super().get_value(instance), force_grouping=True)


def _export_headings() -> dict[str, Any]:
    return {
        "name": gettext_lazy("Campaign"),
        "slug": gettext_lazy("Slug"),
        "day": gettext_lazy("Day"),
        "key": gettext_lazy("Value"),
        "impressions": gettext_lazy("Seen impressions"),
        "clicks": gettext_lazy("Clicks"),
        "ctr": gettext_lazy("CTR"),
        "conversions": gettext_lazy("Conversions"),
        "conversion_rate": gettext_lazy("Conversion rate"),
        "lift": gettext_lazy("Lift against control"),
        "visitors": gettext_lazy("Distinct visitors (at least)"),
        "note": gettext_lazy("Note"),
    }


class CampaignListView(
    ReportPermissionMixin, DateRangeMixin, ExportSuppressionMixin, ExportLanguageMixin, ReportView
):
    """Every campaign with its seen impressions, clicks, CTR, conversions, rate and lift."""

    page_title = gettext_lazy("Campaign performance")
    header_icon = "openquote"
    template_name = "measurement/campaign_list.html"
    results_template_name = "measurement/campaign_list_results.html"
    index_url_name = "measurement_campaigns"
    index_results_url_name = "measurement_campaigns_results"
    paginate_by = 50
    list_export = ["name", "slug", *MEASURES[:5], "lift", "visitors", "note"]
    export_headings = _export_headings()

    @cached_property
    def columns(self) -> list[Column]:
        return [
            TitleColumn(
                "name",
                label=_("Campaign"),
                get_url=lambda row: self._detail_url(row.slug),
            ),
            CountColumn("impressions", label=_("Seen impressions")),
            CountColumn("clicks", label=_("Clicks")),
            RateColumn("ctr", label=_("CTR")),
            CountColumn("conversions", label=_("Conversions")),
            RateColumn("conversion_rate", label=_("Conversion rate")),
            LiftColumn("lift", label=_("Lift against control")),
        ]

    def _detail_url(self, slug: str) -> str:
        query = self.request.GET.copy()
        for name in list(query):
            if name not in ("from", "to"):
                query.pop(name)
        url = reverse("measurement_campaign", args=[slug])
        return f"{url}?{query.urlencode()}" if query else url

    def get_queryset(self) -> list[reports.CampaignRow]:
        return reports.campaign_rows(self.since, self.until)

    def get_filename(self) -> str:
        return f"campaigns-{self.since}-{self.until}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.range_context())
        return context


class Row:
    """A row of a campaign's breakdown or daily table (the export reads its attributes)."""

    def __init__(self, key: Any, totals: Totals) -> None:
        self.key = key
        self.day = key
        self.totals = totals
        self.impressions = totals.impressions
        self.clicks = totals.clicks
        self.conversions = totals.conversions
        self.ctr = totals.ctr
        self.conversion_rate = totals.conversion_rate
        self.visitors = totals.visitors
        self.suppressed = totals.suppressed
        self.note = ""
        #: What the table shows for the key: a device class in words, anything else as it is.
        self.label = key


class CampaignDetailView(
    ReportPermissionMixin, DateRangeMixin, ExportSuppressionMixin, ExportLanguageMixin, ReportView
):
    """One campaign: totals, daily trend chart, breakdowns by creative, segment, placement and
    device. The listing (and its export) is the daily table, or the breakdown chosen with
    ``?by=creative|segment|placement|device``."""

    header_icon = "openquote"
    template_name = "measurement/campaign_detail.html"
    results_template_name = "measurement/campaign_detail_results.html"
    paginate_by = None

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.slug = kwargs["slug"]

    @cached_property
    def campaign(self) -> Campaign:
        return get_object_or_404(Campaign, slug=self.slug)

    @cached_property
    def dimension(self) -> str:
        value = self.request.GET.get("by") or "day"
        if value != "day" and value not in reports.DIMENSIONS:
            raise Http404(_("Unknown breakdown."))
        return value

    @cached_property
    def report(self) -> reports.CampaignReport:
        return reports.campaign_report(self.campaign, self.since, self.until)

    @property
    def list_export(self) -> list[str]:  # type: ignore[override]
        return [self.dimension if self.dimension == "day" else "key", *MEASURES, "note"]

    export_headings = _export_headings()

    def get_page_title(self) -> str:
        return self.campaign.name

    def get_index_url(self) -> str:
        return reverse("measurement_campaign", args=[self.slug])

    def get_index_results_url(self) -> str:
        return reverse("measurement_campaign", args=[self.slug])

    @cached_property
    def columns(self) -> list[Column]:
        return [
            Column("label", label=_("Day")),
            CountColumn("impressions", label=_("Seen impressions")),
            CountColumn("clicks", label=_("Clicks")),
            RateColumn("ctr", label=_("CTR")),
            CountColumn("conversions", label=_("Conversions")),
            RateColumn("conversion_rate", label=_("Conversion rate")),
        ]

    def get_queryset(self) -> list[Row]:
        if self.dimension == "day":
            return [Row(day, totals) for day, totals in self.report.days]
        rows = [Row(key, totals) for key, totals in self.report.breakdowns[self.dimension]]
        if self.dimension == "device":
            for row in rows:
                row.label = DEVICE_LABELS.get(str(row.key), row.key)
        return rows

    def get_filename(self) -> str:
        return f"{self.slug}-{self.dimension}-{self.since}-{self.until}"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            {"url": reverse("measurement_campaigns"), "label": _("Campaign performance")},
            {"url": "", "label": self.campaign.name},
        ]

    def _range_query(self) -> str:
        return f"?from={self.since.isoformat()}&to={self.until.isoformat()}"

    def _labels(self) -> dict[str, dict[str, str]]:
        creatives = {
            str(link.creative_id): str(link.creative)
            for link in self.campaign.campaign_creatives.select_related("creative")
        }
        creatives.update({"holdout": _("Holdout (default content)"), "control": _("Control")})
        keys = {
            dimension: [str(key) for key, _totals in self.report.breakdowns[dimension] if key]
            for dimension in ("segment", "placement")
        }
        segments = dict(
            Segment.objects.filter(slug__in=keys["segment"]).values_list("slug", "name")
        )
        placements: dict[str, str] = {}
        # The first row of a slug is the slot itself; later ones are its translations.
        for slug, name in (
            Placement.objects.filter(slug__in=keys["placement"])
            .order_by("pk")
            .values_list("slug", "name")
        ):
            placements.setdefault(slug, name)
        devices = {key: str(label) for key, label in DEVICE_LABELS.items()}
        return {
            "creative": creatives,
            "segment": segments,
            "placement": placements,
            "device": devices,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = self.report
        days = [day for day, _totals in report.days]
        context.update(self.range_context())
        labels = self._labels()
        context.update(
            {
                "campaign": self.campaign,
                "compare_placements": [
                    {
                        "name": placement.name,
                        "url": reverse("measurement_placement", args=[placement.slug])
                        + self._range_query(),
                    }
                    for placement in self.campaign.placements.all()
                ],
                "report": report,
                "totals": report.totals,
                "ctr": percent(report.totals.ctr),
                "conversion_rate": percent(report.totals.conversion_rate),
                "lift": signed_percent(report.lift),
                "chart_views": charts.trend_chart(
                    days,
                    [
                        charts.Series(
                            "impressions",
                            _("Seen impressions"),
                            [t.impressions for _d, t in report.days],
                        ),
                        charts.Series("clicks", _("Clicks"), [t.clicks for _d, t in report.days]),
                    ],
                ),
                "chart_conversions": charts.trend_chart(
                    days,
                    [
                        charts.Series(
                            "conversions",
                            _("Conversions"),
                            [t.conversions for _d, t in report.days],
                        )
                    ],
                ),
                "breakdowns": [
                    {
                        "key": dimension,
                        "title": title,
                        "rows": [
                            {
                                "label": labels.get(dimension, {}).get(str(key), key) or "—",
                                # A placement's row leads to its campaigns side by side.
                                "url": reverse("measurement_placement", args=[key])
                                + self._range_query()
                                if dimension == "placement" and key and slug_re.match(str(key))
                                else "",
                                "totals": totals,
                                "ctr": percent(totals.ctr),
                                "conversion_rate": percent(totals.conversion_rate),
                            }
                            for key, totals in report.breakdowns[dimension]
                        ],
                    }
                    for dimension, title in (
                        ("creative", _("By creative")),
                        ("segment", _("By segment")),
                        ("placement", _("By placement")),
                        ("device", _("By device")),
                    )
                ],
            }
        )
        return context


def campaign_list(request: HttpRequest) -> HttpResponseBase:
    return CampaignListView.as_view()(request)


def campaign_list_results(request: HttpRequest) -> HttpResponseBase:
    return CampaignListView.as_view(results_only=True)(request)


def campaign_detail(request: HttpRequest, slug: str) -> HttpResponseBase:
    return CampaignDetailView.as_view()(request, slug=slug)
