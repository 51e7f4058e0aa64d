"""Staff groups that work product applications (leads) in the Wagtail admin.

Created by migration, not by the demo, so every environment has them: an administrator only
adds people to a group.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    # Call applicants back and record the outcome.
    "Customer service": ["view_productapplication", "change_productapplication"],
    # Watch the leads their products bring in; page permissions come per product section.
    "Product managers": ["view_productapplication"],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; create ours now to assign them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for name, codenames in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="products", codename__in=codenames
        )
        group.permissions.add(access_admin, *permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
