"""The knowledge base: listing by topic and creating articles from code."""

from dataclasses import dataclass

import nh3
from django.utils.text import slugify
from wagtail.models import Page
from wagtail.rich_text import RichText

from portal.models import KnowledgeIndexPage, KnowledgePage, KnowledgeTopic


@dataclass(frozen=True)
class TopicArticles:
    """One topic of the knowledge base and its articles."""

    slug: str
    label: str
    articles: list[KnowledgePage]


def articles_by_topic(index: Page, topic: str | None = None) -> list[TopicArticles]:
    """Live articles under the index grouped by topic in the topics' order; empty topics left out.

    With a known `topic` only that topic is returned; an unknown one is ignored.
    """
    articles = KnowledgePage.objects.live().public().child_of(index).order_by("title")
    if topic in KnowledgeTopic.values:
        articles = articles.filter(topic=topic)
    grouped: dict[str, list[KnowledgePage]] = {}
    for article in articles:
        grouped.setdefault(article.topic, []).append(article)
    return [
        TopicArticles(slug=value, label=str(label), articles=grouped[value])
        for value, label in KnowledgeTopic.choices
        if value in grouped
    ]


# The tags and attributes the paragraph block's rich text features can produce.
_ALLOWED_TAGS = {"p", "br", "b", "strong", "i", "em", "a", "ul", "ol", "li", "h3", "h4"}
_ALLOWED_ATTRIBUTES = {"a": {"href"}}


def _clean_html(html: str) -> str:
    return nh3.clean(html, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES, link_rel=None)


def create_knowledge_page(
    index: KnowledgeIndexPage,
    *,
    title: str,
    topic: str,
    summary: str = "",
    body_html: str = "",
    slug: str = "",
    publish: bool = True,
) -> KnowledgePage:
    """Add a knowledge article under `index` (used by the demo and by the community app).

    `body_html` is HTML (it may come from a customer's forum answer): it is cleaned with nh3 down
    to the tags the rich text editor itself produces before it is stored. A slug is
    derived from the title when not given; Chinese titles need an explicit ASCII slug to get a
    readable address, otherwise Wagtail's Unicode slug is used.
    """
    if topic not in KnowledgeTopic.values:
        raise ValueError(f"topic: unknown knowledge topic {topic!r}")
    page = KnowledgePage(
        title=title,
        slug=slug or slugify(title, allow_unicode=True),
        topic=topic,
        summary=summary,
        body=[("paragraph", RichText(_clean_html(body_html)))] if body_html else [],
        live=publish,
    )
    index.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return page
