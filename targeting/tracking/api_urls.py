"""Event and visitor-profile API, included under ``/api/v1/`` before the targeting API."""

from django.urls import path

from targeting.tracking import views

urlpatterns = [
    path("events", views.events_endpoint, name="tracking-events"),
    path("visitors/<str:visitor_id>", views.VisitorProfileView.as_view(), name="tracking-visitor"),
]
