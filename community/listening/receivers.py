"""The portal's own posts and complaints enter listening as they are written."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save

log = logging.getLogger(__name__)


def _enqueue(item_id: int) -> None:
    # local: tasks import the pipeline (jieba, scikit-learn on use); only when there is work
    from community.listening import tasks

    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return  # no broker (development): the admin's listening pages process what waits
    transaction.on_commit(lambda: tasks.process_items.delay([item_id]))


def post_written(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if not created or raw or instance.hidden or instance.is_official:
        return
    # local: intake imports models, which need the app registry; receivers are connected in ready()
    from community.listening import intake
    from community.listening.models import Source

    try:
        topic = instance.topic
        first = not topic.posts.exclude(pk=instance.pk).exists()
        item = intake.from_portal(
            source=Source.PORTAL_TOPIC if first else Source.PORTAL_REPLY,
            external_id=f"post-{instance.pk}",
            text=instance.body_markdown,
            title=topic.title if first else "",
            url=instance.get_absolute_url(),
            author_id=instance.author_id,
            published_at=instance.created,
            post_id=instance.pk,
        )
    except Exception:  # listening never breaks posting
        log.exception("listening: post %s not taken in", instance.pk)
        return
    if item is not None:
        _enqueue(item.pk)


def complaint_filed(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if not created or raw:
        return
    # local: see post_written
    from community.listening import intake
    from community.listening.models import Source

    try:
        item = intake.from_portal(
            source=Source.COMPLAINT,
            external_id=f"complaint-{instance.pk}",
            text=instance.description,
            author_id=instance.customer_id,
            published_at=instance.created,
            complaint_id=instance.pk,
        )
    except Exception:  # listening never breaks filing a complaint
        log.exception("listening: complaint %s not taken in", instance.pk)
        return
    if item is not None:
        _enqueue(item.pk)


def connect() -> None:
    # local: connected from ready(), when the community's models are loaded
    from community.models import Complaint, Post

    post_save.connect(post_written, sender=Post, dispatch_uid="listening-post")
    post_save.connect(complaint_filed, sender=Complaint, dispatch_uid="listening-complaint")
