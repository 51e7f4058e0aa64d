"""The moved models' content types change app label from targeting to tracking (issue 9).

Repointing the existing ContentType rows keeps their ids, so every permission (``add_event``,
``view_interaction`` and the default ones), every group and user grant of them (the groups
"Channel systems" and "Customer service"), and every row that refers to a content type by id
(admin log entries, revisions) follows without being copied. Should a ``tracking`` content type
already exist (a ``migrate`` of the new app alone before this step), the old one's permissions
and grants are merged into it.
"""

from django.db import migrations

MODELS = ("rawevent", "customervisitor", "interaction")


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
        ("tracking", "0001_initial"),
        ("targeting", "0004_tracking_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(to_tracking, to_targeting)]
