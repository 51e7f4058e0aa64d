"""Site settings per language (issue 12 item 8), step 1 of 3: a locale and a translation key,
nullable until every row has them (0006 fills them, 0007 requires them), and the site no longer
unique on its own (one row per site and locale from 0007 on)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("wagtailcore", "0098_apitoken"),
        ("portal", "0004_block_labels_in_chinese"),
    ]

    operations = [
        migrations.AddField(
            model_name="sitesettings",
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
            model_name="sitesettings",
            name="translation_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="sitesettings",
            name="site",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="wagtailcore.site",
            ),
        ),
    ]
