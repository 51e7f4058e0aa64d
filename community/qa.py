"""Questions and answers: accepted answers, and turning a solved question into a knowledge page."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.html import escape
from django.utils.translation import gettext as _

from community.access import is_bank_staff, is_moderator
from community.models import ModerationAction, NotificationKind, Post, Topic
from community.notifications import notify
from portal.knowledge import create_knowledge_page
from portal.models import KnowledgeIndexPage

# The board's product category decides where the article lands in the knowledge base.
KNOWLEDGE_TOPIC_BY_CATEGORY = {
    "credit_card": "credit-cards",
    "loan": "loans",
    "wealth": "wealth",
    "deposit": "wealth",
    "payment": "digital",
}


class QAError(Exception):
    """An answer cannot be accepted or converted; the message says why."""


def can_accept(user: Any, topic: Topic) -> bool:
    if not (user.is_authenticated and topic.is_question):
        return False
    return topic.author_id == user.pk or is_bank_staff(user) or is_moderator(user)


@transaction.atomic
def accept_answer(topic: Topic, post: Post, user: Any) -> None:
    """The asker (or staff) marks the answer that solved the question."""
    if not can_accept(user, topic):
        raise QAError(_("Only the person who asked, or bank staff, can accept an answer."))
    if post.topic_id != topic.pk or not post.approved or post.hidden:
        raise QAError(_("Choose an answer from this question."))
    first = topic.posts.order_by("id").values_list("id", flat=True).first()
    if first == post.pk:
        raise QAError(_("The question itself cannot be its answer."))
    topic.accepted_answer = post
    topic.save(update_fields=["accepted_answer"])
    if post.author_id != user.pk:
        notify(
            post.author,
            NotificationKind.ACCEPTED,
            _("Your answer to “%(title)s” was accepted") % {"title": topic.title},
            post.get_absolute_url(),
        )


def _knowledge_index() -> Any:
    return KnowledgeIndexPage.objects.first()


@transaction.atomic
def turn_into_knowledge_page(topic: Topic, staff: Any, publish: bool = False) -> Any:
    """Create a knowledge article from the question and its accepted answer, linked both ways.

    The page is a draft by default so an editor reviews it before customers see it.
    """
    if not is_bank_staff(staff):
        raise QAError(_("Only bank staff can publish to the knowledge base."))
    if topic.knowledge_page_id:
        return topic.knowledge_page
    if not topic.is_question or topic.accepted_answer is None:
        raise QAError(_("Only a question with an accepted answer can become a knowledge page."))
    index = _knowledge_index()
    if index is None:
        raise QAError(_("The knowledge base has no index page yet."))
    question = topic.posts.order_by("id").first()
    answer = topic.accepted_answer
    link = topic.get_absolute_url()
    # Post HTML is already sanitised to the community allow-list, which is narrower than Wagtail
    # rich text; the link back to the community is appended as rich text.
    body_html = (
        f"<h3>{escape(_('Question'))}</h3>{question.body_html if question else ''}"
        f"<h3>{escape(_('Answer'))}</h3>{answer.body_html}"
        f'<p><a href="{escape(link)}">{escape(_("From the community"))}</a></p>'
    )
    page = create_knowledge_page(
        index,
        title=topic.title,
        topic=KNOWLEDGE_TOPIC_BY_CATEGORY.get(topic.board.targeting_category, "accounts"),
        summary=_("From the community: %(title)s") % {"title": topic.title},
        body_html=body_html,
        slug=f"community-{topic.pk}",
        publish=publish,
    )
    topic.knowledge_page = page
    topic.save(update_fields=["knowledge_page"])
    ModerationAction.objects.create(
        moderator=staff,
        action=ModerationAction.Kind.TO_KNOWLEDGE,
        target=f"topic “{topic.title}” → page {page.pk}",
        topic=topic,
    )
    return page
