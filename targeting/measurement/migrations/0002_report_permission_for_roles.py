"""Marketers and compliance reviewers may read reports (``measurement.view_report``).

The permission is created here with get_or_create (Django adds permissions only after all
migrations ran); the groups exist since targeting's 0002.
"""

from django.db import migrations

GROUPS = ("Marketers", "Compliance reviewers")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    ct, _ = ContentType.objects.get_or_create(app_label="measurement", model="reportaccess")
    perm, _ = Permission.objects.get_or_create(
        content_type=ct,
        codename="view_report",
        defaults={"name": "Can view campaign reports and export them"},
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(perm)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="measurement", codename="view_report"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("measurement", "0001_initial"),
        ("targeting", "0002_marketing_roles_and_campaign_approval"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
