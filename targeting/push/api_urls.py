"""The push channel API, included under ``/api/v1/``."""

from django.urls import path

from targeting.push import views

urlpatterns = [
    path("push/sms/inbound", views.SmsInboundView.as_view(), name="push-sms-inbound"),
    path(
        "push/queue-screen/<str:branch>",
        views.QueueScreenView.as_view(),
        name="push-queue-screen",
    ),
]
