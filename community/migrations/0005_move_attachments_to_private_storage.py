"""Move complaint attachments out of the public media into the private storage.

Each file is copied into PRIVATE_MEDIA_ROOT under the extension of its sniffed type, the row is
pointed at the copy, and the public copy is deleted only once the transaction has committed, so
a failure part-way loses nothing. Rows whose file is already private are left alone; a file that
is missing from the public media is logged and its row kept.
"""

import logging
import posixpath

from django.db import migrations, transaction

logger = logging.getLogger("community")

# Frozen copy of the sniffing rules at the time of this migration (app code may change later).
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"%PDF-", "application/pdf", "pdf"),
)


def _sniff(head):
    for signature, content_type, ext in SIGNATURES:
        if head.startswith(signature):
            return content_type, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    # Not one of the accepted types: kept, but only ever served as a download.
    return "application/octet-stream", "bin"


def move_attachments(apps, schema_editor):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from community.storage import PrivateMediaStorage

    private = PrivateMediaStorage()
    Attachment = apps.get_model("community", "ComplaintAttachment")
    for attachment in Attachment.objects.order_by("pk").iterator():
        name = attachment.file.name
        if not name:
            continue
        if not default_storage.exists(name):
            if not private.exists(name):
                logger.warning("complaint attachment %s: file %s not found", attachment.pk, name)
            continue
        with default_storage.open(name, "rb") as public_file:
            data = public_file.read()
        content_type, ext = _sniff(data[:16])
        stem = posixpath.splitext(name)[0]
        stored = private.save(f"{stem}.{ext}", ContentFile(data))
        Attachment.objects.filter(pk=attachment.pk).update(file=stored, content_type=content_type)
        transaction.on_commit(lambda name=name: default_storage.delete(name))


def move_back(apps, schema_editor):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from community.storage import PrivateMediaStorage

    private = PrivateMediaStorage()
    Attachment = apps.get_model("community", "ComplaintAttachment")
    for attachment in Attachment.objects.order_by("pk").iterator():
        name = attachment.file.name
        if not name or not private.exists(name):
            continue
        with private.open(name, "rb") as private_file:
            stored = default_storage.save(name, ContentFile(private_file.read()))
        Attachment.objects.filter(pk=attachment.pk).update(file=stored)
        transaction.on_commit(lambda name=name: private.delete(name))


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0004_private_attachments_and_redacted_revisions"),
    ]

    operations = [migrations.RunPython(move_attachments, move_back)]
