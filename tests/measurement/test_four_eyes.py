"""Four eyes on "declare a winner": the declarer never approves their own declaration."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.models import Workflow
from wagtail.users.models import UserProfile

from targeting.measurement import experiments
from targeting.measurement.models import FourEyesApprovalTask
from tests.measurement.test_experiments import experiment, keys, refused
from tests.targeting.factories import UserFactory

pytestmark = pytest.mark.django_db


def reviewer_named(name: str) -> Any:
    user = UserFactory(username=name)
    user.groups.add(Group.objects.get(name="Compliance reviewers"))
    return user


def actions(campaign: Any, user: Any) -> list[str]:
    task = campaign.current_workflow_task_state.task.specific
    return [name for name, _label, _modal in task.get_actions(campaign, user)]


def test_campaign_approval_uses_the_four_eyes_task():
    workflow = Workflow.objects.get(name="Campaign approval")
    tasks = [task.specific for task in workflow.tasks]
    assert [type(task) for task in tasks] == [FourEyesApprovalTask]
    assert list(tasks[0].groups.values_list("name", flat=True)) == ["Compliance reviewers"]


def test_a_reviewer_who_declared_cannot_approve_but_another_can(
    client, django_capture_on_commit_callbacks
):
    # Given a live experiment and a compliance reviewer who may also change campaigns
    with django_capture_on_commit_callbacks(execute=True):
        campaign = experiment()
    first, second = keys(campaign)
    declarer, colleague = reviewer_named("declarer"), reviewer_named("colleague")
    assert declarer.has_perm("targeting.change_campaign")

    # When that reviewer declares a winner (it goes to the approval workflow)
    experiments.declare_winner(campaign, int(second), declarer)
    campaign.refresh_from_db()

    # Then the workflow offers them no "approve", only "request changes"
    assert actions(campaign, declarer) == ["reject"]
    assert "approve" in actions(campaign, colleague)
    # ... and approving anyway (the action URL, or the task directly) is refused
    task_state = campaign.current_workflow_task_state
    client.force_login(declarer)
    url = reverse(
        "wagtailsnippets_targeting_campaign:workflow_action",
        args=[campaign.pk, "approve", task_state.pk],
    )
    assert refused(client.post(url))
    with pytest.raises(PermissionDenied):
        task_state.task.specific.on_action(task_state, declarer, "approve")
    campaign.refresh_from_db()
    assert campaign.winner_id is None and campaign.workflow_in_progress

    # When a colleague approves
    with django_capture_on_commit_callbacks(execute=True):
        task_state.task.specific.on_action(task_state, colleague, "approve")

    # Then the winner is live
    campaign.refresh_from_db()
    assert str(campaign.winner_id) == second
    assert not campaign.workflow_in_progress
    assert first != second


def test_a_superuser_who_declared_cannot_approve_either(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        campaign = experiment()
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    experiments.declare_winner(campaign, int(keys(campaign)[0]), boss)
    campaign.refresh_from_db()
    assert "approve" not in actions(campaign, boss)


def test_the_author_of_the_winner_revision_cannot_approve_what_another_submitted(
    django_capture_on_commit_callbacks,
):
    # Given a reviewer who set the winner in a draft, and a marketer who submitted that draft
    with django_capture_on_commit_callbacks(execute=True):
        campaign = experiment()
    author = reviewer_named("author")
    marketer = UserFactory(username="submitter")
    marketer.groups.add(Group.objects.get(name="Marketers"))
    draft = campaign.get_latest_revision_as_object()
    draft.winner_id = int(keys(campaign)[1])
    draft.save_revision(user=author)
    campaign.get_workflow().start(draft, marketer)
    campaign.refresh_from_db()

    # Then neither of them approves; another reviewer does
    assert "approve" not in actions(campaign, author)
    assert "approve" in actions(campaign, reviewer_named("third"))


def test_ordinary_changes_keep_the_usual_approval(django_capture_on_commit_callbacks):
    # Given a reviewer who submits a change that is no winner declaration
    with django_capture_on_commit_callbacks(execute=True):
        campaign = experiment()
    reviewer = reviewer_named("plain")
    draft = campaign.get_latest_revision_as_object()
    draft.description = "Autumn wording"
    draft.save_revision(user=reviewer)
    campaign.get_workflow().start(draft, reviewer)
    campaign.refresh_from_db()
    # Then the four-eyes rule does not apply to it
    assert "approve" in actions(campaign, reviewer)


def test_a_declarer_cannot_publish_the_winner_directly(client, django_capture_on_commit_callbacks):
    # Given a compliance reviewer, who may publish campaigns
    with django_capture_on_commit_callbacks(execute=True):
        campaign = experiment()
    reviewer = reviewer_named("hasty")
    UserProfile.objects.update_or_create(user=reviewer, defaults={"preferred_language": "en"})
    client.force_login(reviewer)
    edit = reverse("wagtailsnippets_targeting_campaign:edit", args=[campaign.pk])
    winner = keys(campaign)[1]

    # When they set a winner in the form and press "Publish"
    response = client.post(edit, {"action-publish": "1", "winner": winner})

    # Then nothing is published and the message names the field
    assert response.status_code == 302 and response["Location"] == edit
    campaign.refresh_from_db()
    assert campaign.winner_id is None
    page = client.get(edit)
    assert b"winner: whoever declares a winner cannot publish it" in page.content

    # And publishing a winner they declared in a draft earlier is refused too
    draft = campaign.get_latest_revision_as_object()
    draft.winner_id = int(winner)
    draft.save_revision(user=reviewer)
    response = client.post(edit, {"action-publish": "1", "winner": winner})
    assert response.status_code == 302 and response["Location"] == edit
    campaign.refresh_from_db()
    assert campaign.winner_id is None


def test_another_reviewer_may_publish_a_winner_someone_else_declared(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        campaign = experiment()
    winner = keys(campaign)[1]
    draft = campaign.get_latest_revision_as_object()
    draft.winner_id = int(winner)
    draft.save_revision(user=reviewer_named("first-pair"))
    client.force_login(reviewer_named("second-pair"))
    edit = reverse("wagtailsnippets_targeting_campaign:edit", args=[campaign.pk])
    # The guard lets the request through (the incomplete form then fails validation: 200)
    response = client.post(edit, {"action-publish": "1", "winner": winner})
    assert response.status_code == 200
