"""Questions and answers: accepted answers, official staff answers, and turning a solved
question into a knowledge page linked both ways."""

from __future__ import annotations

import pytest
from wagtail.models import Page, Site

from community.models import Notification, Topic
from portal.models import KnowledgePage
from tests.community.conftest import client_for
from tests.community.factories import PostFactory, TopicFactory
from tests.portal.factories import HomePageFactory, KnowledgeIndexPageFactory


@pytest.fixture
def question(qa_board, customer, other_customer):
    topic = TopicFactory(
        board=qa_board, author=customer, title="手机银行转账限额如何调整?", is_question=True
    )
    PostFactory(topic=topic, author=customer, body_markdown="单笔只能转5万，怎么提高？")
    answer = PostFactory(
        topic=topic, author=other_customer, body_markdown="在“安全中心-限额管理”里调整。"
    )
    return topic, answer


@pytest.fixture
def knowledge_index(db):
    home = HomePageFactory(parent=Page.get_first_root_node())
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return KnowledgeIndexPageFactory(parent=home)


def test_the_asker_accepts_an_answer(question, customer, other_customer):
    topic, answer = question
    # when the asker accepts the answer
    response = client_for(customer).post(f"/community/p/{answer.pk}/accept/")
    # then it is marked accepted, shown with a badge, and its author is told
    topic.refresh_from_db()
    assert response.status_code == 302 and topic.accepted_answer == answer
    page = client_for(None).get(topic.get_absolute_url()).content.decode()
    assert "post--accepted" in page
    assert Notification.objects.filter(recipient=other_customer, kind="accepted").exists()
    board = client_for(None).get(f"/community/b/{topic.board.slug}/").content.decode()
    assert "tag--solved" in board


def test_other_members_cannot_accept_answers(question, other_customer):
    topic, answer = question
    client_for(other_customer).post(f"/community/p/{answer.pk}/accept/")
    topic.refresh_from_db()
    assert topic.accepted_answer is None


def test_staff_can_accept_and_staff_answers_are_official(question, bank_staff):
    topic, _answer = question
    client = client_for(bank_staff)
    client.post(f"/community/t/{topic.pk}/reply/", {"body": "您好，可在手机银行调整，最高50万。"})
    official = topic.posts.latest("id")
    assert official.is_official
    client.post(f"/community/p/{official.pk}/accept/")
    topic.refresh_from_db()
    assert topic.accepted_answer == official
    page = client_for(None).get(topic.get_absolute_url()).content.decode()
    assert "badge--official" in page


def test_customers_answers_are_not_official(question):
    _topic, answer = question
    assert not answer.is_official


def test_staff_turn_a_solved_question_into_a_knowledge_page(
    question, customer, bank_staff, knowledge_index
):
    topic, answer = question
    client_for(customer).post(f"/community/p/{answer.pk}/accept/")
    # when staff use "Turn into knowledge page"
    response = client_for(bank_staff).post(f"/community/t/{topic.pk}/knowledge/")
    # then a draft knowledge page holds the question and the answer and links back
    topic.refresh_from_db()
    page = KnowledgePage.objects.get(pk=topic.knowledge_page_id)
    assert response.status_code == 302
    assert page.title == topic.title and not page.live
    assert page.get_parent().pk == knowledge_index.pk
    body = str(page.body[0].value)
    assert "单笔只能转5万" in body and "安全中心" in body
    assert topic.get_absolute_url() in body
    # and doing it again does not create a second page
    client_for(bank_staff).post(f"/community/t/{topic.pk}/knowledge/")
    assert KnowledgePage.objects.count() == 1


def test_a_question_without_an_accepted_answer_cannot_become_a_knowledge_page(
    question, bank_staff, knowledge_index
):
    topic, _answer = question
    client_for(bank_staff).post(f"/community/t/{topic.pk}/knowledge/")
    assert not KnowledgePage.objects.exists()
    assert Topic.objects.get(pk=topic.pk).knowledge_page is None


def test_customers_cannot_create_knowledge_pages(question, customer, knowledge_index):
    topic, answer = question
    client_for(customer).post(f"/community/p/{answer.pk}/accept/")
    response = client_for(customer).post(f"/community/t/{topic.pk}/knowledge/")
    assert response.status_code == 404
    assert not KnowledgePage.objects.exists()
