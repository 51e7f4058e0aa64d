import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("targeting", "0013_segment_visit_sample_static"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageVariant",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "priority",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text=(
                            "When a visitor is in the audiences of several variants of a page, "
                            "the variant with the highest priority is served."
                        ),
                        verbose_name="priority",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                (
                    "canonical",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="audience_variants",
                        to="wagtailcore.page",
                        verbose_name="canonical page",
                    ),
                ),
                (
                    "segment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="page_variants",
                        to="targeting.segment",
                        verbose_name="Audience",
                    ),
                ),
                (
                    "variant",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="variant_link",
                        to="wagtailcore.page",
                        verbose_name="variant page",
                    ),
                ),
            ],
            options={
                "verbose_name": "page variant",
                "verbose_name_plural": "page variants",
                "ordering": ["-priority", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("canonical", "segment"), name="variants_one_variant_per_audience"
                    )
                ],
            },
        ),
    ]
