"""Staff groups, workflows and tasks keep their stored names but read in Chinese (issue 12)."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.forms import modelform_factory
from django.template import Context, Template
from django.utils import translation
from wagtail.models import GroupApprovalTask, Workflow

pytestmark = pytest.mark.django_db


def test_a_workflow_reads_in_chinese_and_stays_stored_in_english() -> None:
    # Given the campaign approval workflow the migrations created
    workflow = Workflow.objects.get(name="Campaign approval")

    # When a zh-hans user's page prints it
    with translation.override("zh-hans"):
        shown = Template("{{ workflow.name }}|{{ workflow }}").render(
            Context({"workflow": workflow})
        )
        # as Wagtail formats its messages ('Submit to %(workflow_name)s')
        message = "提交到%(name)s" % {"name": workflow.name}  # noqa: UP031

    # Then it reads in Chinese, while code and the database still see the stored name
    assert shown == "营销活动审批|营销活动审批"
    assert message == "提交到营销活动审批"
    assert workflow.name == "Campaign approval"
    assert Workflow.objects.filter(name=workflow.name).exists()


def test_editing_a_workflow_keeps_its_stored_name() -> None:
    workflow = Workflow.objects.get(name="Campaign approval")
    with translation.override("zh-hans"):
        form = modelform_factory(Workflow, fields=["name"])(instance=workflow)
        assert form.initial["name"] == "Campaign approval"
        assert 'value="Campaign approval"' in str(form["name"])
        workflow.save()
    workflow.refresh_from_db()
    assert str.__str__(workflow.name) == "Campaign approval"


def test_group_and_task_names_read_in_the_users_language() -> None:
    marketers = Group.objects.get(name="Marketers")
    task = GroupApprovalTask.objects.filter(name="Compliance review").first()
    assert task is not None
    with translation.override("zh-hans"):
        assert Template("{{ g }}").render(Context({"g": marketers})) == "营销人员"
        field = forms.ModelMultipleChoiceField(
            Group.objects.filter(pk=marketers.pk), widget=forms.CheckboxSelectMultiple
        )
        field.widget.choices = field.choices
        assert "营销人员" in str(field.widget.render("groups", []))
        assert Template("{{ t.name }}").render(Context({"t": task})) == "合规审核"
    with translation.override("en"):
        assert Template("{{ g }}").render(Context({"g": marketers})) == "Marketers"
    # the translation is for reading only: nobody is renamed to it
    assert not Group.objects.filter(name="营销人员").exists()
