"""Fixtures for the community tests: the people of each role and a few boards."""

from __future__ import annotations

import pytest
from django.test import Client

from community.models import Access
from tests.community.factories import BoardFactory, PostFactory, TopicFactory, UserFactory


@pytest.fixture(autouse=True)
def _no_first_post_approval(db, settings):
    """Most tests post as established members; the approval tests switch this back on."""
    from community.models import CommunitySettings

    levels = CommunitySettings.load()
    levels.posts_needing_approval = 0
    levels.save()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Complaint attachments go to a private folder of the test's own."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")
    return tmp_path / "private-media"


@pytest.fixture
def customer(db):
    return UserFactory(username="xiaoming")


@pytest.fixture
def other_customer(db):
    return UserFactory(username="xiaohong")


@pytest.fixture
def moderator(db):
    return UserFactory(username="banzhu", groups=["Moderators"])


@pytest.fixture
def agent(db):
    return UserFactory(username="kefu", groups=["Customer service"])


@pytest.fixture
def bank_staff(db):
    return UserFactory(username="yinhang", groups=["Bank staff"])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def board(db):
    return BoardFactory(name="信用卡", slug="credit-cards", targeting_category="credit_card")


@pytest.fixture
def qa_board(db):
    return BoardFactory(name="手机银行问答", slug="mobile-qa", qa_mode=True)


@pytest.fixture
def vip_board(db):
    return BoardFactory(
        name="财富VIP专区",
        slug="vip-wealth",
        read_access=Access.MEMBERS,
        post_access=Access.MEMBERS,
        crm_code="VIP_WEALTH",
    )


@pytest.fixture
def topic(board, customer):
    topic = TopicFactory(board=board, author=customer, title="信用卡年费怎么免?")
    PostFactory(topic=topic, author=customer, body_markdown="请问白金卡年费怎么免？")
    return topic
