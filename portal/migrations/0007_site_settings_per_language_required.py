"""Step 3 of 3: locale and translation key required; one row per site and locale."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_site_settings_per_language_backfill"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sitesettings",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterField(
            model_name="sitesettings",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterUniqueTogether(
            name="sitesettings",
            unique_together={("translation_key", "locale")},
        ),
        migrations.AddConstraint(
            model_name="sitesettings",
            constraint=models.UniqueConstraint(
                fields=("site", "locale"), name="portal_sitesettings_site_locale"
            ),
        ),
    ]
