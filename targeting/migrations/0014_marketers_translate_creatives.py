"""Marketers may translate (issue 12, the marketer's walk).

Creatives and placements are translated with wagtail-localize, so that English visitors see a
campaign in English; wagtail-localize gives its "Can submit translations" permission to Wagtail's
Editors and Moderators only, so a marketer's new creative had no "Translate" action and English
visitors saw it in Chinese until an editor translated it. Compliance still approves what shows:
a translation published after approval waits for the next one (docs/i18n.md).
"""

from django.db import migrations

MARKETERS = "Marketers"


def forwards(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    permission = Permission.objects.filter(
        content_type__app_label="wagtail_localize", codename="submit_translation"
    ).first()
    group = Group.objects.filter(name=MARKETERS).first()
    if permission is not None and group is not None:
        group.permissions.add(permission)


def backwards(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    group = Group.objects.filter(name=MARKETERS).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="wagtail_localize", codename="submit_translation"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("targeting", "0013_segment_visit_sample_static"),
        ("wagtail_localize", "0006_create_submit_translation_permission"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
