"""Factories for the community: members, boards, topics, posts, complaints."""

from __future__ import annotations

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from community.markup import render_markdown
from community.models import Board, Category, Complaint, Post, Topic


class UserFactory(factory.django.DjangoModelFactory):
    """A customer whose account is old enough to post without the new-account signal."""

    username = factory.Sequence(lambda n: f"customer{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    password = factory.django.Password("Secret-pass-2025")
    date_joined = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    @factory.post_generation
    def groups(self, create: bool, names: list[str] | None, **kwargs) -> None:
        for name in names or []:
            self.groups.add(Group.objects.get(name=name))

    @factory.post_generation
    def email_verified(self, create: bool, verified: bool | None, **kwargs) -> None:
        """Customers confirm their address at sign-up (allauth); pass False for one who did not."""
        if create and self.email and verified is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class CategoryFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"综合讨论{n}")
    slug = factory.Sequence(lambda n: f"category-{n}")

    class Meta:
        model = Category


class BoardFactory(factory.django.DjangoModelFactory):
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"信用卡交流{n}")
    slug = factory.Sequence(lambda n: f"board-{n}")
    description = "信用卡申请、用卡、还款与权益交流。"

    class Meta:
        model = Board


class TopicFactory(factory.django.DjangoModelFactory):
    board = factory.SubFactory(BoardFactory)
    title = factory.Sequence(lambda n: f"信用卡年费怎么免?{n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    author = factory.SubFactory(UserFactory)
    approved = True

    class Meta:
        model = Topic


class PostFactory(factory.django.DjangoModelFactory):
    topic = factory.SubFactory(TopicFactory)
    author = factory.SubFactory(UserFactory)
    body_markdown = "每年刷卡满6次即可免次年年费。"
    body_html = factory.LazyAttribute(lambda p: render_markdown(p.body_markdown))

    class Meta:
        model = Post
        skip_postgeneration_save = True

    @factory.post_generation
    def counters(self, create: bool, extracted: object, **kwargs) -> None:
        if create:
            Topic.objects.filter(pk=self.topic_id).update(
                last_post_id_cache=self.pk, last_post_at=self.created
            )


class ComplaintFactory(factory.django.DjangoModelFactory):
    tracking_number = factory.Sequence(lambda n: f"TS20250101{n:06d}")
    customer = factory.SubFactory(UserFactory)
    category = "card"
    channel = "mobile_app"
    description = "信用卡年费被错误扣收，请退还。"
    first_response_due = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=24))
    resolution_due = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=120))

    class Meta:
        model = Complaint
