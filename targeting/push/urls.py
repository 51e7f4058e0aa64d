"""Customer-facing push pages, included in the language-prefixed URLs."""

from django.urls import path

from targeting.push import views

app_name = "push"

urlpatterns = [
    path("account/messages/", views.message_list, name="messages"),
    path("account/messages/<int:pk>/", views.message_detail, name="message"),
    path("push/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("push/link/<str:token>/", views.follow_link, name="link"),
]
