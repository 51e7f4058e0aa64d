"""Groups "Marketers" and "Compliance reviewers" and the "Campaign approval" workflow.

Created in a migration so a fresh database (and the test database) has them; permissions and
content types are created here with get_or_create because Django and Wagtail only add them after
all migrations ran (post_migrate), and they do not duplicate existing rows.
"""

from django.db import migrations

MARKETERS = "Marketers"
REVIEWERS = "Compliance reviewers"
WORKFLOW = "Campaign approval"
TASK = "Compliance review"

TARGETING_MODELS = {
    "segment": "segment",
    "placement": "placement",
    "creative": "creative",
    "campaign": "campaign",
    "customerprofile": "customer profile",
    "crmmembership": "CRM membership",
}


def _perm(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    ct, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    perm, _ = Permission.objects.get_or_create(
        content_type=ct, codename=codename, defaults={"name": name[:255]}
    )
    return perm


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    access_admin = _perm(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")

    marketers, _ = Group.objects.get_or_create(name=MARKETERS)
    marketers.permissions.add(access_admin)
    for model, verbose in TARGETING_MODELS.items():
        for action in ("add", "change", "delete", "view"):
            marketers.permissions.add(
                _perm(apps, "targeting", model, f"{action}_{model}", f"Can {action} {verbose}")
            )
    # Marketers publish audiences and creatives themselves; campaigns go through compliance.
    for model in ("segment", "creative"):
        marketers.permissions.add(
            _perm(apps, "targeting", model, f"publish_{model}", f"Can publish {model}")
        )
    for action in ("lock", "unlock"):
        marketers.permissions.add(
            _perm(apps, "targeting", "campaign", f"{action}_campaign", f"Can {action} campaign")
        )
    # Images are permitted per collection: grant them on the root collection.
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root = Collection.objects.filter(depth=1).first()
    if root is not None:
        for action in ("add", "change", "choose"):
            GroupCollectionPermission.objects.get_or_create(
                group=marketers,
                collection=root,
                permission=_perm(
                    apps, "wagtailimages", "image", f"{action}_image", f"Can {action} image"
                ),
            )

    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    reviewers.permissions.add(access_admin)
    for model in ("segment", "placement", "creative", "campaign"):
        reviewers.permissions.add(
            _perm(apps, "targeting", model, f"view_{model}", f"Can view {model}")
        )
    # Reviewers open the campaign to review it, and approving publishes it.
    for codename in ("change_campaign", "publish_campaign", "lock_campaign", "unlock_campaign"):
        reviewers.permissions.add(
            _perm(apps, "targeting", "campaign", codename, codename.replace("_", " "))
        )

    task_ct, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK, content_type=task_ct, active=True)
    task.groups.add(reviewers)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    campaign_ct, _ = ContentType.objects.get_or_create(app_label="targeting", model="campaign")
    WorkflowContentType.objects.update_or_create(
        content_type=campaign_ct, defaults={"workflow": workflow}
    )


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Workflow.objects.filter(name=WORKFLOW).delete()
    Group.objects.filter(name__in=[MARKETERS, REVIEWERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("targeting", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
