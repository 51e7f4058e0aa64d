"""Group "Channel systems" (tokens that send events for any visitor or customer) and the
customer-service right to read customers' interaction history."""

from django.db import migrations

CHANNEL_SYSTEMS = "Channel systems"
CUSTOMER_SERVICE = "Customer service"


def _perm(apps, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    ct, _ = ContentType.objects.get_or_create(app_label="targeting", model=model)
    perm, _ = Permission.objects.get_or_create(
        content_type=ct, codename=codename, defaults={"name": name}
    )
    return perm


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    systems, _ = Group.objects.get_or_create(name=CHANNEL_SYSTEMS)
    systems.permissions.add(
        _perm(apps, "rawevent", "add_event", "Can send events naming any visitor or customer (channel systems)")
    )
    service, _ = Group.objects.get_or_create(name=CUSTOMER_SERVICE)
    service.permissions.add(_perm(apps, "interaction", "view_interaction", "Can view interaction"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=CHANNEL_SYSTEMS).delete()


class Migration(migrations.Migration):
    dependencies = [("targeting", "0003_tracking_events"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
