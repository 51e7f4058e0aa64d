"""Step 2 of 3: the existing site settings are the default language's (the site was Chinese
only), each with its own translation key."""

import uuid

from django.conf import settings
from django.db import migrations


def backfill(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    SiteSettings = apps.get_model("portal", "SiteSettings")
    code = settings.LANGUAGE_CODE
    locale = Locale.objects.filter(language_code=code).first()
    if locale is None:
        locale = Locale.objects.create(language_code=code)
    for row in SiteSettings.objects.filter(translation_key__isnull=True).only("pk"):
        SiteSettings.objects.filter(pk=row.pk).update(translation_key=uuid.uuid4())
    SiteSettings.objects.filter(locale__isnull=True).update(locale=locale)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_site_settings_per_language"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
