"""Marketers manage conversion goals; campaigns are reviewed by the four-eyes task.

Marketers get add, change, delete and view on ``ConversionGoal``, compliance reviewers view.
The "Campaign approval" workflow's group approval task is replaced, in place (same position),
by a ``FourEyesApprovalTask`` for the same groups, so a declared winner is never approved by
its declarer. The old task stays for the workflows that still use it (push offers). A review
already running on the old task finishes on it and then also passes the new one.
"""

from django.db import migrations

MARKETERS = "Marketers"
REVIEWERS = "Compliance reviewers"
WORKFLOW = "Campaign approval"
OLD_TASK = "Compliance review"
NEW_TASK = "Compliance review (four eyes)"


def _perm(apps, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    ct, _ = ContentType.objects.get_or_create(app_label="measurement", model="conversiongoal")
    perm, _ = Permission.objects.get_or_create(
        content_type=ct, codename=codename, defaults={"name": name}
    )
    return perm


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    FourEyesApprovalTask = apps.get_model("measurement", "FourEyesApprovalTask")

    perms = {
        action: _perm(apps, f"{action}_conversiongoal", f"Can {action} conversion goal")
        for action in ("add", "change", "delete", "view")
    }
    for group in Group.objects.filter(name=MARKETERS):
        group.permissions.add(*perms.values())
    for group in Group.objects.filter(name=REVIEWERS):
        group.permissions.add(perms["view"])

    workflow = Workflow.objects.filter(name=WORKFLOW).first()
    if workflow is None:
        return
    task_ct, _ = ContentType.objects.get_or_create(
        app_label="measurement", model="foureyesapprovaltask"
    )
    task = FourEyesApprovalTask.objects.filter(name=NEW_TASK).first()
    if task is None:
        task = FourEyesApprovalTask.objects.create(name=NEW_TASK, content_type=task_ct, active=True)
    task.groups.add(*Group.objects.filter(name=REVIEWERS))
    links = WorkflowTask.objects.filter(workflow=workflow, task__name=OLD_TASK)
    if links.exists():
        links.update(task=task)
    elif not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)


def backwards(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    Task = apps.get_model("wagtailcore", "Task")
    old = Task.objects.filter(name=OLD_TASK).first()
    workflow = Workflow.objects.filter(name=WORKFLOW).first()
    if workflow is not None and old is not None:
        WorkflowTask.objects.filter(workflow=workflow, task__name=NEW_TASK).update(task=old)


class Migration(migrations.Migration):
    dependencies = [
        ("measurement", "0004_goal_kinds_and_four_eyes_task"),
        ("targeting", "0002_marketing_roles_and_campaign_approval"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
