"""Knowledge articles created from code (the community app turns accepted answers into them)."""

import pytest
from django.test import Client

from portal.knowledge import create_knowledge_page
from portal.models import HomePage, KnowledgeTopic
from tests.portal.factories import KnowledgeIndexPageFactory

pytestmark = pytest.mark.django_db


def test_an_article_created_from_code_is_live_and_its_html_is_cleaned(
    client: Client, home_page: HomePage
) -> None:
    # Given the knowledge base and an answer written by a customer, with a script in it
    index = KnowledgeIndexPageFactory(parent=home_page)

    # When it becomes a knowledge article
    page = create_knowledge_page(
        index,
        title="信用卡可以提前还款吗？",
        topic=KnowledgeTopic.CREDIT_CARDS,
        summary="可以，随时还款。",
        body_html='<p onclick="steal()">可以。<script>alert(1)</script><a href="/x/">详情</a></p>',
        slug="credit-card-early-repayment",
    )

    # Then visitors can read it, without the script or the event handler
    html = client.get(page.url).content.decode()
    assert page.live
    assert "信用卡可以提前还款吗？" in html
    assert "<script>alert(1)" not in html and "steal()" not in html
    assert '<a href="/x/">详情</a>' in html


def test_a_draft_article_stays_hidden(client: Client, home_page: HomePage) -> None:
    index = KnowledgeIndexPageFactory(parent=home_page)
    page = create_knowledge_page(
        index, title="草稿文章", topic=KnowledgeTopic.LOANS, slug="draft", publish=False
    )
    assert not page.live
    assert client.get("/knowledge/draft/").status_code == 404


def test_an_unknown_topic_is_refused(home_page: HomePage) -> None:
    index = KnowledgeIndexPageFactory(parent=home_page)
    with pytest.raises(ValueError, match="topic"):
        create_knowledge_page(index, title="？", topic="astrology")
