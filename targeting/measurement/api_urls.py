"""The report API, included under ``/api/v1/`` (portal/urls.py)."""

from django.urls import path

from targeting.measurement import api

urlpatterns = [
    path(
        "reports/campaigns/<str:slug>/",
        api.CampaignReportView.as_view(),
        name="measurement-campaign-report",
    ),
]
