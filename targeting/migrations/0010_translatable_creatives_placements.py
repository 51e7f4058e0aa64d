"""Creatives and placements become translatable (issue 12 item 8), step 1 of 3: the locale and
translation key columns, nullable until every row has them (0011 fills them, 0012 requires them),
and a campaign row's approved translations. A placement's slug is unique per locale from 0012 on:
its translations share it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("wagtailcore", "0098_apitoken"),
        ("targeting", "0009_campaign_experiment"),
    ]

    operations = [
        migrations.AddField(
            model_name="creative",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AddField(
            model_name="creative",
            name="translation_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="placement",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AddField(
            model_name="placement",
            name="translation_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="placement",
            name="slug",
            field=models.SlugField(
                help_text="Templates ask for a placement by this slug; do not change once in use.",
                max_length=80,
                verbose_name="slug",
            ),
        ),
        migrations.AddField(
            model_name="campaigncreative",
            name="approved_translations",
            field=models.JSONField(
                blank=True,
                editable=False,
                help_text=(
                    "The creative's live translations as compliance approved them with this "
                    "campaign, by language code; visitors in that language see them."
                ),
                null=True,
                verbose_name="approved translations",
            ),
        ),
    ]
