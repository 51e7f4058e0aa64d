"""The profiles join the tracking app (issue 9): ``VisitorProfile`` (each visitor's folded
behaviour document) and ``CustomerProfile`` (what the bank knows of a customer), which both
targeting and tracking need, now live below targeting.

State only: the tables ``targeting_visitorprofile`` and ``targeting_customerprofile`` and their
rows stay where they are (``Meta.db_table``); targeting's 0008 drops the models from its state,
and 0004 here moves their content types, permissions and grants.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("tracking", "0002_content_types_from_targeting"),
        # the tables were created by targeting's 0001
        ("targeting", "0007_tracking_models_moved_to_tracking_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="VisitorProfile",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "visitor_id",
                            models.CharField(max_length=64, unique=True, verbose_name="visitor id"),
                        ),
                        ("data", models.JSONField(blank=True, default=dict, verbose_name="data")),
                        (
                            "updated_at",
                            models.DateTimeField(
                                auto_now=True, db_index=True, verbose_name="updated"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "visitor profile",
                        "verbose_name_plural": "visitor profiles",
                        "db_table": "targeting_visitorprofile",
                    },
                ),
                migrations.CreateModel(
                    name="CustomerProfile",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "customer_number",
                            models.CharField(
                                blank=True,
                                help_text="The CRM's customer reference; CRM segment imports match on it.",
                                max_length=40,
                                null=True,
                                unique=True,
                                verbose_name="customer number",
                            ),
                        ),
                        (
                            "is_customer",
                            models.BooleanField(default=True, verbose_name="is a customer"),
                        ),
                        (
                            "age",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                null=True,
                                validators=[django.core.validators.MaxValueValidator(130)],
                                verbose_name="age",
                            ),
                        ),
                        (
                            "gender",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("male", "Male"),
                                    ("female", "Female"),
                                    ("other", "Other"),
                                ],
                                max_length=8,
                                verbose_name="gender",
                            ),
                        ),
                        (
                            "income_band",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("low", "Low"),
                                    ("middle", "Middle"),
                                    ("high", "High"),
                                    ("very_high", "Very high"),
                                ],
                                max_length=12,
                                verbose_name="income band",
                            ),
                        ),
                        (
                            "occupation",
                            models.CharField(blank=True, max_length=60, verbose_name="occupation"),
                        ),
                        (
                            "region",
                            models.CharField(
                                blank=True,
                                help_text="ISO 3166-2, e.g. CN-SC.",
                                max_length=10,
                                verbose_name="home region",
                            ),
                        ),
                        (
                            "products",
                            models.JSONField(
                                blank=True, default=list, verbose_name="products held"
                            ),
                        ),
                        (
                            "interests",
                            models.JSONField(
                                blank=True, default=list, verbose_name="declared interests"
                            ),
                        ),
                        (
                            "risk_tolerance",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                null=True,
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(5),
                                ],
                                verbose_name="risk tolerance",
                            ),
                        ),
                        (
                            "preferences",
                            models.JSONField(
                                blank=True, default=dict, verbose_name="declared preferences"
                            ),
                        ),
                        (
                            "purchases",
                            models.JSONField(
                                blank=True, default=list, verbose_name="products bought"
                            ),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="customer_profile",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "customer profile",
                        "verbose_name_plural": "customer profiles",
                        "db_table": "targeting_customerprofile",
                    },
                ),
            ],
        ),
    ]
