"""Risk assessments (the questionnaire's history) and the suitability record of applications.

Customer service and compliance reviewers may read both; nobody edits them in the admin.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

TOLERANCES = [
    (1, "C1 Cautious"),
    (2, "C2 Conservative"),
    (3, "C3 Balanced"),
    (4, "C4 Growth"),
    (5, "C5 Aggressive"),
]
LEVELS = [
    django.core.validators.MinValueValidator(1),
    django.core.validators.MaxValueValidator(5),
]
GRANTS = {
    "Customer service": ["view_riskassessment", "view_suitabilityrecord"],
    "Compliance reviewers": ["view_riskassessment", "view_suitabilityrecord"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="products", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="products", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0003_product_faq_uses_portal_faq_block"),
        ("targeting", "0002_marketing_roles_and_campaign_approval"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RiskAssessment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("questionnaire_version", models.CharField(max_length=20, verbose_name="questionnaire version")),
                ("answers", models.JSONField(default=dict, verbose_name="answers")),
                ("score", models.PositiveSmallIntegerField(verbose_name="score")),
                ("tolerance", models.PositiveSmallIntegerField(choices=TOLERANCES, validators=LEVELS, verbose_name="risk tolerance")),
                ("assessed_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="assessed at")),
                ("valid_until", models.DateTimeField(db_index=True, verbose_name="valid until")),
                ("reminder_sent_at", models.DateTimeField(blank=True, null=True, verbose_name="re-assessment reminder sent")),
                ("user", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="risk_assessments", to=settings.AUTH_USER_MODEL, verbose_name="customer")),
            ],
            options={
                "verbose_name": "risk assessment",
                "verbose_name_plural": "risk assessments",
                "ordering": ["-assessed_at", "-pk"],
                "indexes": [models.Index(fields=["user", "-assessed_at"], name="products_risk_user_latest")],
            },
        ),
        migrations.CreateModel(
            name="SuitabilityRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("product_risk", models.PositiveSmallIntegerField(validators=LEVELS, verbose_name="product risk level")),
                ("tolerance", models.PositiveSmallIntegerField(choices=TOLERANCES, validators=LEVELS, verbose_name="customer risk tolerance")),
                ("mismatch", models.BooleanField(default=False, verbose_name="product above tolerance")),
                ("acknowledged_at", models.DateTimeField(blank=True, null=True, verbose_name="mismatch acknowledged at")),
                ("acknowledgement_text", models.TextField(blank=True, verbose_name="acknowledgement shown")),
                ("application", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="suitability", to="products.productapplication", verbose_name="application")),
                ("assessment", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="products.riskassessment", verbose_name="risk assessment")),
            ],
            options={
                "verbose_name": "suitability record",
                "verbose_name_plural": "suitability records",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
