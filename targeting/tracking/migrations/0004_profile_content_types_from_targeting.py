"""The profiles' content types change app label from targeting to tracking (issue 9).

As 0002 did for the event models: the existing ContentType rows are repointed, so their ids,
every permission (``view_visitorprofile``, ``view_customerprofile`` and the other default ones,
now ``tracking.*``), every group and user grant of them (the "Marketers" group views customer
profiles) and every row referring to a content type by id (admin log entries) follow without
being copied. A ``tracking`` content type that already exists gets the old one's permissions and
grants merged into it.
"""

from django.db import migrations

MODELS = ("visitorprofile", "customerprofile")


def _move(apps, old_label, new_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in MODELS:
        old = ContentType.objects.filter(app_label=old_label, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label=new_label, model=model).first()
        if new is None:
            old.app_label = new_label
            old.save(update_fields=["app_label"])
            continue
        for perm in Permission.objects.filter(content_type=old):
            kept = Permission.objects.filter(content_type=new, codename=perm.codename).first()
            if kept is None:
                perm.content_type = new
                perm.save(update_fields=["content_type"])
                continue
            for group in perm.group_set.all():
                group.permissions.add(kept)
            for user in perm.user_set.all():
                user.user_permissions.add(kept)
            perm.delete()
        old.delete()
    ContentType.objects.clear_cache()


def to_tracking(apps, schema_editor):
    _move(apps, "targeting", "tracking")


def to_targeting(apps, schema_editor):
    _move(apps, "tracking", "targeting")


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0003_profiles_from_targeting"),
        # the grants to move: "Marketers" view customer profiles (targeting 0002)
        ("targeting", "0008_profiles_moved_to_tracking_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(to_tracking, to_targeting)]
