"""Moderation: the approval queue for new members, spam signals, reports, the moderators'
actions in the Wagtail admin (each logged), suspensions and posting rate limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import (
    CommunitySettings,
    ModerationAction,
    Post,
    PostReport,
    PostRevision,
    Topic,
)
from tests.community.conftest import client_for
from tests.community.factories import PostFactory, UserFactory


@pytest.fixture
def approval_for_two_posts(db):
    levels = CommunitySettings.load()
    levels.posts_needing_approval = 2
    levels.save()


def test_a_new_members_first_posts_wait_for_approval(approval_for_two_posts, topic, moderator):
    # given a member with no approved posts
    newcomer = UserFactory(username="newbie")
    client = client_for(newcomer)
    # when they reply
    response = client.post(f"/community/t/{topic.pk}/reply/", {"body": "第一次发帖"})
    # then the reply waits: readers do not see it, the moderators' queue does
    post = Post.objects.get(author=newcomer)
    assert response.status_code == 302 and not post.approved
    assert "第一次发帖" not in client_for(None).get(topic.get_absolute_url()).content.decode()
    queue = client_for(moderator).get("/admin/community/moderation/").content.decode()
    assert topic.title in queue
    # when a moderator approves it
    client_for(moderator).post(
        f"/admin/community/moderation/post/{post.pk}/act/", {"action": "approve"}
    )
    # then readers see it and the action is logged
    assert "第一次发帖" in client_for(None).get(topic.get_absolute_url()).content.decode()
    assert ModerationAction.objects.filter(
        action="approve", post=post, moderator=moderator
    ).exists()


def test_after_n_approved_posts_a_member_posts_directly(approval_for_two_posts, topic):
    # given a member with two approved posts
    member = UserFactory()
    PostFactory.create_batch(2, topic=topic, author=member)
    # when they post again / then it is published at once
    client_for(member).post(f"/community/t/{topic.pk}/reply/", {"body": "第三帖"})
    assert Post.objects.get(body_markdown="第三帖").approved


def test_a_held_opening_post_hides_the_topic_until_approved(
    approval_for_two_posts, board, moderator
):
    newcomer = UserFactory()
    client_for(newcomer).post(
        f"/community/b/{board.slug}/new/", {"title": "新人求助", "body": "你好"}
    )
    topic = Topic.objects.get(title="新人求助")
    assert "新人求助" not in client_for(None).get(f"/community/b/{board.slug}/").content.decode()
    client_for(moderator).post(
        f"/admin/community/moderation/post/{topic.posts.first().pk}/act/", {"action": "approve"}
    )
    assert "新人求助" in client_for(None).get(f"/community/b/{board.slug}/").content.decode()


@pytest.mark.parametrize(
    ("body", "reason", "joined_days_ago"),
    [
        ("看这里 https://a.cn https://b.cn https://c.cn https://d.cn", "links", 30),
        ("刚注册的账号发帖", "new_account", 0),
    ],
)
def test_spam_signals_send_posts_to_the_queue(topic, body, reason, joined_days_ago):
    member = UserFactory(date_joined=timezone.now() - timedelta(days=joined_days_ago, hours=1))
    client_for(member).post(f"/community/t/{topic.pk}/reply/", {"body": body})
    post = Post.objects.get(author=member)
    assert not post.approved
    assert reason in post.held_reasons


def test_repeating_the_same_text_within_a_day_is_held(topic, customer):
    client = client_for(customer)
    client.post(f"/community/t/{topic.pk}/reply/", {"body": "加微信领红包"})
    client.post(f"/community/t/{topic.pk}/reply/", {"body": "加微信领红包"})
    posts = Post.objects.filter(body_markdown="加微信领红包").order_by("id")
    assert [p.approved for p in posts] == [True, False]
    assert "duplicate" in posts[1].held_reasons


def test_reporting_a_post_puts_it_in_the_queue(topic, other_customer, moderator):
    post = topic.posts.first()
    response = client_for(other_customer).post(
        f"/community/p/{post.pk}/report/", {"reason": "广告"}
    )
    assert response.status_code == 302
    assert PostReport.objects.filter(post=post, reason="广告").exists()
    queue = client_for(moderator).get("/admin/community/moderation/").content.decode()
    assert topic.title in queue
    # an empty reason is refused with the field named
    response = client_for(other_customer).post(f"/community/p/{post.pk}/report/", {"reason": ""})
    assert response.status_code == 200 and "field__error" in response.content.decode()


def test_hide_edit_warn_suspend_delete_are_logged(topic, customer, other_customer, moderator):
    reply = PostFactory(topic=topic, author=other_customer, body_markdown="不当言论")
    mod = client_for(moderator)
    act = f"/admin/community/moderation/post/{reply.pk}/act/"
    mod.post(act, {"action": "hide", "reason": "违规"})
    assert "不当言论" not in client_for(None).get(topic.get_absolute_url()).content.decode()
    mod.post(act, {"action": "unhide"})
    mod.post(act, {"action": "edit", "body": "已编辑", "reason": "删除联系方式"})
    reply.refresh_from_db()
    assert reply.body_markdown == "已编辑" and reply.revisions.count() == 1
    mod.post(act, {"action": "warn", "reason": "请遵守版规"})
    assert other_customer.community_member.warnings == 1
    mod.post(act, {"action": "suspend", "days": "3", "reason": "屡次违规"})
    mod.post(act, {"action": "delete", "reason": "违规"})
    assert not Post.objects.filter(pk=reply.pk).exists()
    logged = list(ModerationAction.objects.order_by("id").values_list("action", flat=True))
    assert logged == ["hide", "unhide", "edit", "warn", "suspend", "delete"]
    assert "屡次违规" in mod.get("/admin/community/moderation/log/").content.decode()


def test_a_suspended_member_cannot_post(topic, other_customer, moderator):
    reply = PostFactory(topic=topic, author=other_customer)
    client_for(moderator).post(
        f"/admin/community/moderation/post/{reply.pk}/act/",
        {"action": "suspend", "days": "2", "reason": "广告"},
    )
    response = client_for(other_customer).post(
        f"/community/t/{topic.pk}/reply/", {"body": "我还能发吗"}
    )
    assert response.status_code == 200
    assert not Post.objects.filter(body_markdown="我还能发吗").exists()
    assert "form-errors" in response.content.decode()


def test_suspension_needs_a_whole_number_of_days(topic, other_customer, moderator):
    reply = PostFactory(topic=topic, author=other_customer)
    response = client_for(moderator).post(
        f"/admin/community/moderation/post/{reply.pk}/act/",
        {"action": "suspend", "days": "abc"},
        follow=True,
    )
    assert response.status_code == 200
    assert not ModerationAction.objects.filter(action="suspend").exists()


def test_posting_too_fast_gets_a_friendly_429(topic, customer, settings):
    settings.COMMUNITY_RATE_LIMITS = {"account": (2, 60), "address": (100, 60)}
    client = client_for(customer)
    for text in ("一", "二"):
        assert client.post(f"/community/t/{topic.pk}/reply/", {"body": text}).status_code == 302
    response = client.post(f"/community/t/{topic.pk}/reply/", {"body": "三"})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert not Post.objects.filter(body_markdown="三").exists()


def test_rate_limit_per_address_covers_several_accounts(topic, settings):
    settings.COMMUNITY_RATE_LIMITS = {"account": (100, 60), "address": (2, 60)}
    members = UserFactory.create_batch(3)
    codes = [
        client_for(m).post(f"/community/t/{topic.pk}/reply/", {"body": f"来自{m.pk}"}).status_code
        for m in members
    ]
    assert codes == [302, 302, 429]


def test_moderators_pin_lock_and_move_topics(topic, moderator, qa_board):
    mod = client_for(moderator)
    url = f"/community/t/{topic.pk}/moderate/"
    mod.post(url, {"action": "pin"})
    mod.post(url, {"action": "lock"})
    mod.post(url, {"action": "move", "board": qa_board.pk})
    topic.refresh_from_db()
    assert topic.pinned and topic.locked and topic.board == qa_board
    assert ModerationAction.objects.filter(topic=topic).count() == 3


def test_authors_see_their_own_waiting_posts_marked(approval_for_two_posts, topic):
    newcomer = UserFactory()
    client = client_for(newcomer)
    client.post(f"/community/t/{topic.pk}/reply/", {"body": "等待审核的回复"})
    own_view = client.get(topic.get_absolute_url()).content.decode()
    assert "等待审核的回复" in own_view and "badge--pending" in own_view
    assert "等待审核的回复" not in client_for(None).get(topic.get_absolute_url()).content.decode()


def test_redaction_leaves_no_public_trace(topic, customer, other_customer, moderator):
    # given a post written before masking existed, with a card and a phone number in it
    card, phone = "6222021234567894", "13812345678"
    post = PostFactory(topic=topic, author=customer, body_markdown=f"卡号{card} 电话{phone}")
    # and the author who edits them out (the old text stays in the post's history)
    client_for(customer).post(f"/community/p/{post.pk}/edit/", {"body": "已删除个人信息"})
    assert post.revisions.filter(body_markdown__contains=card).exists()
    # when a moderator redacts the post
    client_for(moderator).post(
        f"/admin/community/moderation/post/{post.pk}/act/",
        {"action": "edit", "body": "[内容已由版主删除]", "reason": "个人信息"},
    )
    # then no revision keeps the numbers, for anyone: readers, the author, the moderators
    assert not PostRevision.objects.filter(post=post, body_markdown__contains=card).exists()
    assert not PostRevision.objects.filter(post=post, body_html__contains=phone).exists()
    assert all(r.redacted_at for r in post.revisions.all())
    history_url = f"/community/p/{post.pk}/history/"
    assert client_for(other_customer).get(history_url).status_code == 404
    assert client_for(None).get(history_url).status_code == 404
    for viewer in (customer, moderator):
        page = client_for(viewer).get(history_url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        text = page.content.decode()
        assert page.status_code == 200
        assert card not in text and phone not in text and "已删除个人信息" not in text
        assert "版主已删除此早期版本" in text
    # and the topic and the search show no trace either
    assert card not in client_for(other_customer).get(topic.get_absolute_url()).content.decode()
    search = client_for(other_customer).get("/community/search/", {"q": phone[-4:]})
    assert phone not in search.content.decode()


@pytest.mark.parametrize("days", ["1000000000000", "0", "-1", "3651", "1e3", "", "9" * 5000])
def test_suspension_days_out_of_range_are_a_clear_error(topic, other_customer, moderator, days):
    # given a moderator suspending a member for an absurd number of days
    reply = PostFactory(topic=topic, author=other_customer)
    # when the form is sent
    response = client_for(moderator).post(
        f"/admin/community/moderation/post/{reply.pk}/act/",
        {"action": "suspend", "days": days, "reason": "广告"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    )
    # then the page names the field and the range, and nobody is suspended
    assert response.status_code == 200
    assert "天数：请输入 1 到 3650 之间的整数。" in response.content.decode()
    assert not ModerationAction.objects.filter(action="suspend").exists()


def test_nul_in_moderation_parameters_is_a_400_naming_the_field(topic, moderator):
    # given a moderator's action whose reason carries a NUL character
    reply = PostFactory(topic=topic)
    response = client_for(moderator).post(
        f"/admin/community/moderation/post/{reply.pk}/act/",
        {"action": "hide", "reason": "违规\x00"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    # then it is refused, naming the field, and nothing is stored
    assert response.status_code == 400
    assert response.content.decode() == "reason：请删除 NUL 字符（\\0）。"
    assert not ModerationAction.objects.exists()
    # and the same on the topic's moderation form in the community (English pages)
    response = client_for(moderator).post(
        f"/en/community/t/{reply.topic_id}/moderate/", {"action": "lock", "reason": "\x00"}
    )
    assert response.status_code == 400
    assert response.content.decode() == "reason: remove the NUL character (\\0)."
