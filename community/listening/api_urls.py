"""Listening's API, included under ``/api/v1/``."""

from django.urls import path

from community.listening import api

urlpatterns = [path("listening/posts", api.PostsView.as_view(), name="listening-posts")]
