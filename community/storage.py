"""Private storage for complaint attachments.

A complaint's photos and PDFs hold customers' statements, cards and letters: they live outside
MEDIA_ROOT, in ``settings.PRIVATE_MEDIA_ROOT`` (``var/private-media`` by default), which no web
server serves. The only way to read one is the access-checked view
``community:complaint_attachment``; this storage has no public URL at all.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="community.storage.PrivateMediaStorage")
class PrivateMediaStorage(FileSystemStorage):
    """A file system storage rooted at ``PRIVATE_MEDIA_ROOT`` (read at call time), without URLs."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> str:
        return ""

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public URL; link to the access-checked view.")


private_storage = PrivateMediaStorage()
