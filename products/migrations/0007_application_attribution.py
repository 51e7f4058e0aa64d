"""Applications keep the campaign touch they are attributed to (issue 10 item 1); new columns,
empty for existing rows: no data changes."""

from django.db import migrations, models


def _field(label, max_length, help_text=""):
    return models.CharField(
        blank=True, editable=False, max_length=max_length, verbose_name=label, help_text=help_text
    )


class Migration(migrations.Migration):
    dependencies = [("products", "0006_merge_catalogue_and_suitability")]

    operations = [
        migrations.AddField(
            "productapplication", "attributed_campaign", _field("attributed campaign", 80)
        ),
        migrations.AddField(
            "productapplication", "attributed_creative", _field("attributed creative", 40)
        ),
        migrations.AddField(
            "productapplication", "attributed_placement", _field("attributed placement", 80)
        ),
        migrations.AddField(
            "productapplication", "attributed_segment", _field("attributed segment", 80)
        ),
        migrations.AddField(
            "productapplication",
            "attributed_touch",
            _field(
                "attributed by",
                10,
                "click: the last click led to it; view: a seen impression, without a click",
            ),
        ),
    ]
