"""``GET /api/v1/reports/campaigns/<slug>/?from=YYYY-MM-DD&to=YYYY-MM-DD`` (issue 10 item 6).

Behind ``measurement.view_report`` (an API token or a staff session). Counts the campaign's
seen impressions, clicks and attributed conversions in the range (site-local days, both ends
included) from the rollups; rows of fewer than k distinct visitors have null numbers and
``"suppressed": true``. Bad dates are a 400 naming the field; an unknown slug a 404.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.apikeys.tokens import ApiTokenAuthentication
from targeting.measurement import reports
from targeting.models import Campaign

SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,80}\Z")


class CanViewReports(BasePermission):
    """Signed in (session or token) with ``measurement.view_report``."""

    message = "You need the permission to view campaign reports (measurement.view_report)."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("measurement.view_report"))


class MeasuresSerializer(serializers.Serializer):
    impressions = serializers.IntegerField(allow_null=True, help_text="Seen impressions")
    clicks = serializers.IntegerField(allow_null=True)
    conversions = serializers.IntegerField(allow_null=True, help_text="Attributed conversions")
    ctr = serializers.FloatField(allow_null=True, help_text="clicks / impressions")
    conversion_rate = serializers.FloatField(allow_null=True, help_text="conversions / impressions")
    visitors = serializers.IntegerField(
        allow_null=True, help_text="Distinct visitors (a lower bound for a group of cells)"
    )
    suppressed = serializers.BooleanField(help_text="Fewer than k distinct visitors: no numbers")


class DayRowSerializer(MeasuresSerializer):
    day = serializers.DateField()


class CreativeRowSerializer(MeasuresSerializer):
    creative = serializers.CharField(help_text='Creative id, or "holdout" / "control"')


class SegmentRowSerializer(MeasuresSerializer):
    segment = serializers.CharField(help_text='Segment slug; "" for everyone')


class CampaignReportSerializer(serializers.Serializer):
    campaign = serializers.SlugField()
    from_ = serializers.DateField()
    to = serializers.DateField()
    impressions = serializers.IntegerField(allow_null=True)
    clicks = serializers.IntegerField(allow_null=True)
    conversions = serializers.IntegerField(allow_null=True)
    ctr = serializers.FloatField(allow_null=True)
    conversion_rate = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()
    min_visitors = serializers.IntegerField(help_text="k of the k-anonymity suppression")
    by_day = DayRowSerializer(many=True)
    by_creative = CreativeRowSerializer(many=True)
    by_segment = SegmentRowSerializer(many=True)
    experiment = serializers.DictField(allow_null=True, help_text="The experiment's readout")

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class CampaignReportView(APIView):
    # Token first, as on the rest of the API: a bad token is a 401 even beside a session cookie.
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [CanViewReports]
    serializer_class = CampaignReportSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "slug",
                {"type": "string", "pattern": "^[-a-zA-Z0-9_]{1,80}$"},
                OpenApiParameter.PATH,
            ),
            OpenApiParameter(
                "from",
                {"type": "string", "format": "date"},
                OpenApiParameter.QUERY,
                description="First day (site time zone); default 29 days before `to`.",
            ),
            OpenApiParameter(
                "to",
                {"type": "string", "format": "date"},
                OpenApiParameter.QUERY,
                description="Last day, included; default today.",
            ),
        ],
        responses={
            200: CampaignReportSerializer,
            400: OpenApiResponse(
                description='A bad date or range: {"from": [why]} or {"to": [why]}.'
            ),
            403: OpenApiResponse(description="Without measurement.view_report."),
            404: OpenApiResponse(description="No campaign with this slug."),
        },
        summary="A campaign's report",
    )
    def get(self, request: Request, slug: str) -> Response:
        errors: dict[str, list[str]] = {}
        days: dict[str, Any] = {}
        for name in ("from", "to"):
            raw = request.query_params.get(name)
            try:
                # An empty value is no date (the schema says so); leave the parameter out instead.
                days[name] = reports.parse_day(name, "?" if raw == "" else raw)
            except reports.RangeError as error:
                errors[name] = [error.message]
        if errors:
            return Response(errors, status=400)
        try:
            since, until = reports.date_range(days["from"], days["to"])
        except reports.RangeError as error:
            return Response({error.field: [error.message]}, status=400)
        campaign = Campaign.objects.filter(slug=slug).first() if SLUG.match(slug) else None
        if campaign is None:
            return Response({"detail": "No campaign with this slug."}, status=404)
        return Response(reports.api_answer(campaign, since, until))
