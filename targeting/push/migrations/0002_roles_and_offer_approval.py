"""Push permissions for the marketing roles, a "Relationship managers" group and the
"Push offer approval" workflow (offers are published by compliance, never by marketers).

Permissions and content types are created with get_or_create, as in targeting's 0002, because
Django only adds them after all migrations ran.
"""

from django.db import migrations

MARKETERS = "Marketers"
REVIEWERS = "Compliance reviewers"
MANAGERS = "Relationship managers"
WORKFLOW = "Push offer approval"
TASK = "Compliance review"


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
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    managers, _ = Group.objects.get_or_create(name=MANAGERS)
    for group in (marketers, reviewers, managers):
        group.permissions.add(access_admin)

    for model in ("offer", "trigger", "contactpreference"):
        for action in ("add", "change", "delete", "view"):
            marketers.permissions.add(_perm(apps, "push", model, f"{action}_{model}", f"Can {action} {model}"))
    for codename, model in (
        ("publish_trigger", "trigger"),
        ("lock_offer", "offer"),
        ("unlock_offer", "offer"),
        ("view_pushmessage", "pushmessage"),
        ("requeue_pushmessage", "pushmessage"),
        ("view_lead", "lead"),
    ):
        marketers.permissions.add(_perm(apps, "push", model, codename, codename.replace("_", " ")))

    for codename, model in (
        ("view_offer", "offer"),
        ("change_offer", "offer"),
        ("publish_offer", "offer"),
        ("lock_offer", "offer"),
        ("unlock_offer", "offer"),
        ("view_trigger", "trigger"),
        ("view_pushmessage", "pushmessage"),
        ("view_lead", "lead"),
        ("view_contactpreference", "contactpreference"),
    ):
        reviewers.permissions.add(_perm(apps, "push", model, codename, codename.replace("_", " ")))

    for codename, model in (("view_lead", "lead"), ("change_lead", "lead")):
        managers.permissions.add(_perm(apps, "push", model, codename, codename.replace("_", " ")))

    task_ct, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK, content_type=task_ct, active=True)
    task.groups.add(reviewers)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    offer_ct, _ = ContentType.objects.get_or_create(app_label="push", model="offer")
    WorkflowContentType.objects.update_or_create(
        content_type=offer_ct, defaults={"workflow": workflow}
    )


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Workflow.objects.filter(name=WORKFLOW).delete()
    Group.objects.filter(name=MANAGERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("push", "0001_initial"),
        ("targeting", "0002_marketing_roles_and_campaign_approval"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
