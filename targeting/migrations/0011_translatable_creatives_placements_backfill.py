"""Step 2 of 3: every existing creative and placement is in the default language (the site's
content was Chinese only) and gets its own translation key."""

import uuid

from django.conf import settings
from django.db import migrations


def backfill(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    code = settings.LANGUAGE_CODE
    locale = Locale.objects.filter(language_code=code).first()
    if locale is None:
        locale = Locale.objects.create(language_code=code)
    for name in ("Creative", "Placement"):
        model = apps.get_model("targeting", name)
        for row in model.objects.filter(translation_key__isnull=True).only("pk"):
            model.objects.filter(pk=row.pk).update(translation_key=uuid.uuid4())
        model.objects.filter(locale__isnull=True).update(locale=locale)


class Migration(migrations.Migration):
    dependencies = [
        ("targeting", "0010_translatable_creatives_placements"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
