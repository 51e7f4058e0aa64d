"""Permission names as Django and Wagtail write them ("Can lock offer", "Can view lead").

Two data migrations (targeting 0002, push 0002) created the permissions they grant before Django
did, naming them after their code names: "lock offer", "view pushmessage", "requeue pushmessage".
Django never renames an existing permission, so those names stayed, and the group form printed
them as they were: in English, since nothing can translate them (issue 12 item 5). Renamed here
to the names Django and Wagtail give such permissions, which the portal's catalogue translates.
Only names not already in that form are touched.
"""

from django.db import migrations

APPS = ("targeting", "push")


def canonical_name(model, codename):
    """The name Django (Meta.permissions, default permissions) or Wagtail (publish, lock,
    unlock: "Can <action> <verbose name>") would have given the permission, or None."""
    declared = dict(model._meta.permissions)
    if codename in declared:
        return str(declared[codename])
    action, _, model_name = codename.partition("_")
    if not action or model_name != model._meta.model_name:
        return None
    return f"Can {action} {model._meta.verbose_name_raw}"


def forwards(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for permission in Permission.objects.filter(content_type__app_label__in=APPS).select_related(
        "content_type"
    ):
        if permission.name.startswith("Can "):
            continue
        try:
            model = apps.get_model(permission.content_type.app_label, permission.content_type.model)
        except LookupError:
            continue
        name = canonical_name(model, permission.codename)
        if name and name != permission.name:
            permission.name = name[:255]
            permission.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0010_root_titles_in_chinese"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("targeting", "0013_segment_visit_sample_static"),
        ("push", "0004_prior_weight_help"),
    ]

    # the old names said nothing a person could read: nothing to put back
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
