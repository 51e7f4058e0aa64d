"""A team's reply to a listened post: recorded on the item, and for a community post posted in
its topic as an official answer (the community's own posting rules, masking included)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from community import posting
from community.listening.models import ListeningItem, QueueStatus
from community.models import Post


def answer(item: ListeningItem, text: str, user: Any) -> Post | None:
    """Record the reply; post it when the item is a community post. Returns the new post."""
    post = None
    if item.portal_post_id is not None:
        original = Post.objects.select_related("topic").filter(pk=item.portal_post_id).first()
        if original is not None and not original.topic.locked:
            outcome = posting.reply(original.topic, user, text)
            post = outcome.post
            if not post.is_official:
                Post.objects.filter(pk=post.pk).update(is_official=True)
                post.is_official = True
            # The bank's own answer is not something to listen to.
            ListeningItem.objects.filter(portal_post=post).delete()
    item.reply = text
    item.replied_at = timezone.now()
    item.replied_by = user
    item.queue_status = QueueStatus.REPLIED
    item.save(update_fields=["reply", "replied_at", "replied_by", "queue_status"])
    return post
