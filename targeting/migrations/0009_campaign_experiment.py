"""Experiment settings on campaigns (issue 10 items 4 and 5) and the published automatic
allocation. Only new columns with defaults and a new table: no row changes."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("targeting", "0008_profiles_moved_to_tracking_app"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="goal",
            field=models.CharField(
                choices=[
                    ("conversion", "Conversions (applications and goals)"),
                    ("click", "Clicks"),
                ],
                default="conversion",
                help_text="What the experiment measures and automatic allocation learns from.",
                max_length=16,
                verbose_name="goal",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="holdout_percent",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text=(
                    "This share of the campaign's audience sees the placement's default content "
                    "instead, to measure what the campaign adds. 0: no holdout."
                ),
                validators=[django.core.validators.MaxValueValidator(50)],
                verbose_name="holdout (%)",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="allocation_mode",
            field=models.CharField(
                choices=[
                    ("fixed", "Fixed: split by the creatives' weights"),
                    ("automatic", "Automatic: more traffic to the creative that converts best"),
                    ("automatic_segment", "Automatic, learnt separately for each audience"),
                ],
                default="fixed",
                help_text=(
                    "Automatic allocation shifts traffic between the approved creatives every few "
                    "minutes (Thompson sampling on the goal); each change is recorded."
                ),
                max_length=20,
                verbose_name="allocation",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="allocation_floor",
            field=models.PositiveSmallIntegerField(
                default=10,
                help_text="Automatic allocation never gives a creative less than this share.",
                validators=[django.core.validators.MaxValueValidator(50)],
                verbose_name="minimum share per creative (%)",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="experiment_baseline",
            field=models.DecimalField(
                blank=True,
                decimal_places=3,
                help_text=(
                    "For the sample-size plan: today's conversion (or click) rate, e.g. 2.5."
                ),
                max_digits=6,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0.001")),
                    django.core.validators.MaxValueValidator(Decimal("99")),
                ],
                verbose_name="expected rate of the control (%)",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="experiment_effect",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Relative to the expected rate: 10 means 2.5 % → 2.75 %.",
                max_digits=6,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0.1")),
                    django.core.validators.MaxValueValidator(Decimal("1000")),
                ],
                verbose_name="smallest lift worth detecting (%)",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="experiment_alpha",
            field=models.DecimalField(
                decimal_places=3,
                default=Decimal("0.05"),
                help_text="The false-positive rate accepted, usually 0.05.",
                max_digits=4,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0.001")),
                    django.core.validators.MaxValueValidator(Decimal("0.2")),
                ],
                verbose_name="significance level",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="experiment_power",
            field=models.DecimalField(
                decimal_places=3,
                default=Decimal("0.8"),
                help_text="The chance of detecting the lift if it is real, usually 0.8.",
                max_digits=4,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0.5")),
                    django.core.validators.MaxValueValidator(Decimal("0.99")),
                ],
                verbose_name="power",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="winner",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "When set, only this creative shows (the holdout stays unless set to 0). "
                    "Declared from the experiment page, approved like any campaign change."
                ),
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="targeting.creative",
                verbose_name="declared winner",
            ),
        ),
        migrations.CreateModel(
            name="CampaignAllocation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("weights", models.JSONField(blank=True, default=dict, verbose_name="shares")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "campaign",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="published_allocation",
                        to="targeting.campaign",
                        verbose_name="campaign",
                    ),
                ),
            ],
            options={
                "verbose_name": "campaign allocation",
                "verbose_name_plural": "campaign allocations",
                "default_permissions": (),
            },
        ),
    ]
