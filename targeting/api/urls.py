"""The targeting API under /api/v1/ (see docs/api.md). Events and visitors are targeting.tracking's."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from targeting.api import views

app_name = "targeting_api"

# SimpleRouter: no browsable API root; the documentation is /api/docs/.
router = SimpleRouter()
router.register("segments", views.SegmentViewSet, basename="segment")
router.register("placements", views.PlacementViewSet, basename="placement")
router.register("creatives", views.CreativeViewSet, basename="creative")
router.register("campaigns", views.CampaignViewSet, basename="campaign")

urlpatterns = [
    path("decide", views.DecideView.as_view(), name="decide"),
    path("simulate", views.SimulateView.as_view(), name="simulate"),
    path("crm/memberships", views.CrmMembershipBulkView.as_view(), name="crm-memberships"),
    *router.urls,
    # Last under /api/v1/ (after tracking's routes too): unknown paths answer JSON.
    re_path(r"", views.not_found),
]
