"""Create the community's staff groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Moderators": [("wagtailadmin", "admin", "access_admin"), ("community", "post", "moderate_post")],
    "Customer service": [
        ("wagtailadmin", "admin", "access_admin"),
        ("community", "complaint", "handle_complaint"),
    ],
    # Members of this group write "official" answers; it grants no admin rights by itself.
    "Bank staff": [],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; ours are needed now.
    for label in ("community", "wagtailadmin"):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        for app_label, model, codename in perms:
            permission = Permission.objects.get(
                content_type__app_label=app_label, content_type__model=model, codename=codename
            )
            group.permissions.add(permission)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
