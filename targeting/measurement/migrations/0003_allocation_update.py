"""History of automatic allocation (issue 10 item 5): a new table, no row changes."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("measurement", "0002_report_permission_for_roles"),
        ("targeting", "0009_campaign_experiment"),
    ]

    operations = [
        migrations.CreateModel(
            name="AllocationUpdate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="time"
                    ),
                ),
                (
                    "segment",
                    models.CharField(blank=True, max_length=80, verbose_name="audience segment"),
                ),
                ("goal", models.CharField(max_length=16, verbose_name="goal")),
                ("weights", models.JSONField(default=dict, verbose_name="shares")),
                ("counts", models.JSONField(default=dict, verbose_name="counts")),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="allocation_updates",
                        to="targeting.campaign",
                        verbose_name="campaign",
                    ),
                ),
            ],
            options={
                "verbose_name": "allocation update",
                "verbose_name_plural": "allocation updates",
                "ordering": ["-created_at", "-id"],
                "default_permissions": ("view",),
                "indexes": [
                    models.Index(
                        fields=["campaign", "-created_at"], name="measurement_alloc_campaign"
                    )
                ],
            },
        ),
    ]
