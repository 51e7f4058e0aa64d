"""Test-only URLs: the portal's own, plus a view that fails, to see the 500 page."""

from django.urls import path

from portal.urls import handler404, handler500
from portal.urls import urlpatterns as portal_urlpatterns


def broken_view(request):
    raise RuntimeError("something broke")


urlpatterns = [path("test-broken/", broken_view), *portal_urlpatterns]

__all__ = ["handler404", "handler500", "urlpatterns"]
