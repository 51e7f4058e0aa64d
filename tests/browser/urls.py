"""The portal's URLs plus uploaded media served from the test storage (in memory).

The live server serves static files but not media; without this, every image would be a 404
in the console.
"""

import mimetypes

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.urls import re_path

from portal.urls import handler404, handler500
from portal.urls import urlpatterns as portal_urlpatterns


def serve_media(request: HttpRequest, path: str) -> FileResponse:
    if not default_storage.exists(path):
        raise Http404(path)
    content_type, _encoding = mimetypes.guess_type(path)
    return FileResponse(default_storage.open(path), content_type=content_type)


urlpatterns = [
    re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", serve_media),
    *portal_urlpatterns,
]

__all__ = ["handler404", "handler500", "urlpatterns"]
