"""Writes from the API go through Wagtail's actions, exactly as the admin's views do.

``wagtail.actions`` (create, edit, delete) save the row or a revision, log the action in the
admin's history and publish only when asked, with Wagtail's own permission checks (``add``,
``change``, ``delete``, ``publish``, locks). So an object changed over the API looks the same in
the admin as one changed there: a draft stays a draft, a live object keeps running its published
revision until a new one is published.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from wagtail.actions.registry import action_registry
from wagtail.models import DraftStateMixin, RevisionMixin


def latest_version(obj: models.Model) -> models.Model:
    """The object as its latest revision has it (drafts included), keeping its live state.

    Like Wagtail's ``get_latest_revision_as_object`` but without its extra query: the
    revision comes from ``latest_revision`` (select it with the object).
    """
    if (
        isinstance(obj, DraftStateMixin)
        and isinstance(obj, RevisionMixin)
        and obj.has_unpublished_changes
        and obj.latest_revision_id
    ):
        latest = obj.with_content_json(obj.latest_revision.content)
        latest._state.adding = False
        return latest
    return obj


def create(instance: models.Model, user: Any, *, publish: bool = False) -> models.Model:
    """Create the object (and its first revision); publish it only when asked."""
    action_class = action_registry.get_action_class(type(instance), "create")
    # The API validated the instance already (with the field names the caller sent).
    action = action_class(instance, user=user, publish=publish, clean=False)
    return action.execute()


def edit(instance: models.Model, user: Any, *, publish: bool = False) -> models.Model:
    """Save the changes as a new revision (a live object stays as published unless ``publish``)."""
    action_class = action_registry.get_action_class(type(instance), "edit")
    action = action_class(instance, user=user, publish=publish, clean=False)
    return action.execute()


def delete(instance: models.Model, user: Any) -> None:
    """Delete the object, logged in the admin's history."""
    action_class = action_registry.get_action_class(type(instance), "delete")
    action_class(instance, user=user).execute()
