"""Step 3 of 3: locale and translation key required, one translation per locale, one placement
slug per locale."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("targeting", "0011_translatable_creatives_placements_backfill"),
    ]

    operations = [
        migrations.AlterField(
            model_name="creative",
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
            model_name="creative",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="placement",
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
            model_name="placement",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterUniqueTogether(
            name="creative",
            unique_together={("translation_key", "locale")},
        ),
        migrations.AlterUniqueTogether(
            name="placement",
            unique_together={("translation_key", "locale")},
        ),
        migrations.AddConstraint(
            model_name="placement",
            constraint=models.UniqueConstraint(
                fields=("slug", "locale"), name="targeting_placement_slug_locale"
            ),
        ),
    ]
