"""Four eyes on "declare a winner": the compliance task that will not let a declarer approve.

``FourEyesApprovalTask`` is Wagtail's group approval (members of the chosen groups approve or
request changes) with one rule added: when the revision under review changes a campaign's
declared winner, whoever declared it (submitted it to the workflow, or saved a revision that
changed the winner since the live one) cannot approve it, not even a superuser. Another member
of the group must. The declarer may still request changes (withdraw). The campaign approval
workflow uses this task (migration ``0005``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, Revision


def _live_winner(obj: Any) -> Any:
    model = type(obj)
    return model._default_manager.filter(pk=obj.pk).values_list("winner_id", flat=True).first()


def winner_declarers(obj: Any, workflow_state: Any, revision: Any) -> set[Any]:
    """Ids of the users who declared the winner that ``revision`` proposes; empty when the
    revision leaves the live winner as it is (or the object has no winner)."""
    if revision is None or not hasattr(obj, "winner_id"):
        return set()
    live = _live_winner(obj)
    proposed = (revision.content or {}).get("winner")
    if proposed == live:
        return set()
    declarers = {workflow_state.requested_by_id} if workflow_state is not None else set()
    revisions = Revision.objects.for_instance(obj).filter(pk__lte=revision.pk)
    live_revision = getattr(obj, "live_revision", None)
    if live_revision is not None:
        revisions = revisions.filter(pk__gt=live_revision.pk)
    previous = live
    for user_id, content in revisions.order_by("pk").values_list("user_id", "content"):
        winner = (content or {}).get("winner")
        if winner != previous:
            declarers.add(user_id)
        previous = winner
    declarers.discard(None)
    return declarers


def is_declarer(obj: Any, user: Any) -> bool:
    """Whether ``user`` declared the winner of the revision ``obj`` has under review."""
    state = obj.current_workflow_state
    task_state = state.current_task_state if state is not None else None
    if task_state is None:
        return False
    return user.pk in winner_declarers(obj, state, task_state.revision)


class FourEyesApprovalTask(AbstractGroupApprovalTask):
    """Group approval in which a declared winner is never approved by its declarer."""

    def get_actions(self, obj: Any, user: Any) -> list[tuple[str, Any, bool]]:
        actions = super().get_actions(obj, user)
        if actions and is_declarer(obj, user):
            return [action for action in actions if action[0] != "approve"]
        return actions

    def on_action(self, task_state: Any, user: Any, action_name: str, **kwargs: Any) -> Any:
        # Every way to approve ends here; the menu hiding "approve" is not the only guard.
        if action_name == "approve":
            obj = task_state.workflow_state.content_object
            if user.pk in winner_declarers(obj, task_state.workflow_state, task_state.revision):
                raise PermissionDenied(_("Whoever declared the winner cannot approve it."))
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls) -> Any:
        return _(
            "Members of the chosen groups approve; a declared winner needs someone other than "
            "its declarer"
        )

    class Meta:
        verbose_name = _("four-eyes group approval task")
        verbose_name_plural = _("four-eyes group approval tasks")
