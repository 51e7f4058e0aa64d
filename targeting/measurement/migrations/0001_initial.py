from django.db import migrations, models


def _cell_fields():
    return [
        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
        ("campaign", models.CharField(blank=True, max_length=80, verbose_name="campaign")),
        ("creative", models.CharField(blank=True, max_length=40, verbose_name="creative")),
        ("placement", models.CharField(blank=True, max_length=80, verbose_name="placement")),
        ("segment", models.CharField(blank=True, max_length=80, verbose_name="segment")),
        ("channel", models.CharField(blank=True, max_length=20, verbose_name="channel")),
        ("device", models.CharField(blank=True, max_length=20, verbose_name="device class")),
        ("impressions", models.PositiveBigIntegerField(default=0, verbose_name="seen impressions")),
        ("clicks", models.PositiveBigIntegerField(default=0, verbose_name="clicks")),
        ("conversions", models.PositiveBigIntegerField(default=0, verbose_name="conversions")),
        ("applications", models.PositiveBigIntegerField(default=0, verbose_name="applications")),
        ("visitors", models.PositiveBigIntegerField(default=0, verbose_name="distinct visitors")),
    ]


DIMENSIONS = ("campaign", "creative", "placement", "segment", "channel", "device")


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="HourlyRollup",
            fields=[*_cell_fields(), ("hour", models.DateTimeField(verbose_name="hour"))],
            options={
                "verbose_name": "hourly rollup",
                "verbose_name_plural": "hourly rollups",
                "default_permissions": (),
                "constraints": [
                    models.UniqueConstraint(
                        fields=("hour", *DIMENSIONS), name="measurement_hourly_cell"
                    )
                ],
                "indexes": [
                    models.Index(fields=["campaign", "hour"], name="measurement_hourly_campaign")
                ],
            },
        ),
        migrations.CreateModel(
            name="DailyRollup",
            fields=[*_cell_fields(), ("day", models.DateField(verbose_name="day"))],
            options={
                "verbose_name": "daily rollup",
                "verbose_name_plural": "daily rollups",
                "default_permissions": (),
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", *DIMENSIONS), name="measurement_daily_cell"
                    )
                ],
                "indexes": [
                    models.Index(fields=["campaign", "day"], name="measurement_daily_campaign"),
                    models.Index(fields=["day"], name="measurement_daily_day"),
                ],
            },
        ),
        migrations.CreateModel(
            name="VisitorMark",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("cell", models.BigIntegerField()),
                ("visitor", models.BigIntegerField()),
                ("day", models.DateField(db_index=True)),
            ],
            options={
                "default_permissions": (),
                "constraints": [
                    models.UniqueConstraint(
                        fields=("cell", "visitor"), name="measurement_visitor_mark"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="RollupCursor",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("last_event_id", models.BigIntegerField(default=0)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={"default_permissions": ()},
        ),
        migrations.CreateModel(
            name="ConversionGoal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                (
                    "kind",
                    models.CharField(
                        choices=[("page", "Reaching a page"), ("form", "Submitting a form")],
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                (
                    "key",
                    models.CharField(
                        help_text="For a page, its path (e.g. /personal/thank-you/); for a form, its name.",
                        max_length=200,
                        verbose_name="page path or form name",
                    ),
                ),
                ("active", models.BooleanField(default=True, verbose_name="active")),
            ],
            options={
                "verbose_name": "conversion goal",
                "verbose_name_plural": "conversion goals",
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "key"), name="measurement_goal_unique")
                ],
            },
        ),
        migrations.CreateModel(
            name="ReportAccess",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ],
            options={
                "managed": False,
                "default_permissions": (),
                "permissions": [("view_report", "Can view campaign reports and export them")],
            },
        ),
    ]
