"""Boards, topics and replies as members use them: writing, quoting, editing, likes,
subscriptions, notifications, mentions, unread markers and paging through long topics."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community import moderation
from community.models import Notification, Post, PostRevision, Topic
from community.posting import POSTS_PER_PAGE
from tests.community.conftest import client_for
from tests.community.factories import PostFactory, TopicFactory, UserFactory


def test_a_customer_starts_a_topic_with_tags(board, customer):
    # given a signed-in customer on a board
    client = client_for(customer)
    # when they open a topic
    response = client.post(
        f"/community/b/{board.slug}/new/",
        {"title": "信用卡年费怎么免?", "body": "白金卡年费**很贵**", "tags": "年费, 白金卡"},
    )
    # then it is published with its tags and the board lists it
    topic = Topic.objects.get(title="信用卡年费怎么免?")
    assert response.status_code == 302
    assert topic.approved
    assert sorted(t.name for t in topic.tags.all()) == ["年费", "白金卡"]
    board_page = client.get(f"/community/b/{board.slug}/").content.decode()
    assert "信用卡年费怎么免?" in board_page
    topic_page = client.get(topic.get_absolute_url()).content.decode()
    assert "<strong>很贵</strong>" in topic_page


def test_a_topic_without_a_title_is_refused_with_the_field_named(board, customer):
    # given a customer / when they post a topic with no title
    response = client_for(customer).post(
        f"/community/b/{board.slug}/new/", {"title": "", "body": "正文"}
    )
    # then the form comes back naming the field, and nothing is lost
    assert response.status_code == 200
    page = response.content.decode()
    assert "field__error" in page and "正文" in page
    assert not Topic.objects.exists()


def test_preview_button_works_without_javascript(board, customer):
    # given a draft with markup / when the member presses "Preview" (a normal submit)
    response = client_for(customer).post(
        f"/community/b/{board.slug}/new/",
        {"title": "草稿", "body": "**加粗** <script>x()</script>", "preview": "1"},
    )
    # then the page shows the sanitised preview and keeps the draft; nothing is posted
    page = response.content.decode()
    assert "<strong>加粗</strong>" in page
    assert "<script>x()" not in page
    assert not Topic.objects.exists()


def test_preview_endpoint_returns_sanitised_html_and_requires_csrf(customer):
    # given a signed-in member's browser that enforces CSRF
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    # when the preview is requested without a token / then it is refused
    assert client.post("/community/preview/", {"body": "**x**"}).status_code == 403
    # when requested with the token / then sanitised HTML comes back
    client.get("/community/me/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/community/preview/",
        {"body": "**x** <img src=x onerror=alert(1)>", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200
    assert response.json()["html"] == "<p><strong>x</strong> <img></p>"


def test_replies_notify_subscribers_by_portal_and_email(
    topic, customer, other_customer, django_capture_on_commit_callbacks
):
    # given the topic's author follows it (authors are subscribed automatically)
    client_for(other_customer).post(f"/community/t/{topic.pk}/reply/", {"body": "先订阅"})
    mail.outbox.clear()
    Notification.objects.all().delete()
    # when another member replies (emails are queued once the reply is committed)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(customer).post(
            f"/community/t/{topic.pk}/reply/", {"body": "刷卡6次即可免年费"}
        )
    # then the other subscriber is notified in the portal and by email (the task runs eagerly)
    assert response.status_code == 302
    notes = Notification.objects.filter(recipient=other_customer)
    assert notes.count() == 1
    assert "xiaoming" in notes[0].message
    assert [m.to for m in mail.outbox] == [[other_customer.email]]
    assert notes[0].url in mail.outbox[0].body
    # and the author is not notified of their own reply
    assert not Notification.objects.filter(recipient=customer).exists()


def test_mentions_notify_the_mentioned_member(topic, customer):
    # given a member called "lisi"
    lisi = UserFactory(username="lisi")
    # when someone mentions @lisi
    client_for(customer).post(f"/community/t/{topic.pk}/reply/", {"body": "@lisi 你怎么看？"})
    # then lisi gets a mention notification
    note = Notification.objects.get(recipient=lisi)
    assert note.kind == "mention"


def test_unfollowing_stops_notifications(topic, customer, other_customer):
    # given a member who followed and then unfollowed the topic
    client = client_for(other_customer)
    client.post(f"/community/t/{topic.pk}/subscribe/")
    client.post(f"/community/t/{topic.pk}/subscribe/")
    # when a reply is posted
    client_for(customer).post(f"/community/t/{topic.pk}/reply/", {"body": "新回复"})
    # then they are not notified
    assert not Notification.objects.filter(recipient=other_customer).exists()


def test_quoting_a_post_prefills_the_reply(topic, other_customer):
    # given a post / when a member follows its "Quote" link
    post = topic.posts.first()
    page = client_for(other_customer).get(f"/community/t/{topic.pk}/reply/?quote={post.pk}")
    # then the reply box starts with the quoted text
    assert "&gt; 请问白金卡年费怎么免？" in page.content.decode()


def test_quote_prefill_on_the_topic_page(topic, other_customer):
    post = topic.posts.first()
    page = client_for(other_customer).get(f"{topic.get_absolute_url()}?quote={post.pk}")
    assert "&gt; 请问白金卡年费怎么免？" in page.content.decode()


def test_editing_keeps_a_history_for_the_author_and_moderators_only(
    topic, customer, other_customer, moderator
):
    # given the author's post
    post = topic.posts.first()
    # when the author edits it
    client_for(customer).post(f"/community/p/{post.pk}/edit/", {"body": "更正：金卡也可以"})
    # then everyone sees the new text and an "edited" mark
    post.refresh_from_db()
    assert post.body_markdown == "更正：金卡也可以" and post.edited
    assert PostRevision.objects.filter(post=post).count() == 1
    history_url = f"/community/p/{post.pk}/history/"
    # and the author and the moderators find the earlier text in the history
    for viewer in (customer, moderator):
        history = client_for(viewer).get(history_url).content.decode()
        assert "请问白金卡年费怎么免？" in history and "更正：金卡也可以" in history
        assert history_url in client_for(viewer).get(topic.get_absolute_url()).content.decode()
    # but other readers get neither the history nor a link to it
    for reader in (client_for(other_customer), client_for(None)):
        page = reader.get(topic.get_absolute_url()).content.decode()
        assert "更正：金卡也可以" in page and history_url not in page
        response = reader.get(history_url)
        assert response.status_code == 404
        assert "请问白金卡年费怎么免？" not in response.content.decode()


def test_a_suspended_member_cannot_edit(topic, customer, moderator):
    # given an author whom a moderator suspended
    post = topic.posts.first()
    moderation.suspend(customer, moderator, 3, "广告")
    # when they try to edit their post
    response = client_for(customer).post(
        f"/community/p/{post.pk}/edit/", {"body": "加我微信买卡"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    # then the edit is refused with the reason, and the post is unchanged
    assert response.status_code == 200
    assert "您的账户已被禁言至" in response.content.decode()
    post.refresh_from_db()
    assert post.body_markdown == "请问白金卡年费怎么免？"


def test_an_edit_that_would_be_held_goes_back_to_the_queue(topic, customer, moderator):
    # given a published reply (so the topic counts one reply)
    reply = client_for(customer).post(f"/community/t/{topic.pk}/reply/", {"body": "第一版回复"})
    assert reply.status_code == 302
    post = Post.objects.filter(topic=topic).latest("id")
    topic.refresh_from_db()
    assert topic.reply_count == 1
    # when the author edits it into a post full of links (held when new)
    links = " ".join(f"https://spam{i}.example/" for i in range(5))
    client_for(customer).post(f"/community/p/{post.pk}/edit/", {"body": f"便宜办卡 {links}"})
    # then the edit waits for a moderator and readers no longer see the post
    post.refresh_from_db()
    assert not post.approved and "links" in post.held_reasons and "edited" in post.held_reasons
    assert "便宜办卡" not in client_for(None).get(topic.get_absolute_url()).content.decode()
    # and approving it publishes it again without counting the reply twice
    moderation.approve(post, moderator)
    topic.refresh_from_db()
    assert topic.reply_count == 1
    assert "便宜办卡" in client_for(None).get(topic.get_absolute_url()).content.decode()


def test_members_cannot_edit_other_members_posts(topic, other_customer):
    post = topic.posts.first()
    response = client_for(other_customer).post(f"/community/p/{post.pk}/edit/", {"body": "改掉"})
    assert response.status_code == 404
    post.refresh_from_db()
    assert post.body_markdown != "改掉"


def test_likes_toggle_and_are_counted(topic, other_customer):
    post = topic.posts.first()
    client = client_for(other_customer)
    client.post(f"/community/p/{post.pk}/like/")
    assert post.likes.count() == 1
    client.post(f"/community/p/{post.pk}/like/")
    assert post.likes.count() == 0


def test_locked_topics_refuse_replies(topic, customer):
    Topic.objects.filter(pk=topic.pk).update(locked=True)
    response = client_for(customer).post(f"/community/t/{topic.pk}/reply/", {"body": "还能回复吗"})
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()
    assert topic.posts.count() == 1


def test_unread_markers_and_jump_to_first_unread(board, customer, other_customer):
    # given a topic with 25 posts that a reader read up to the first page
    topic = TopicFactory(board=board, author=customer)
    posts = [PostFactory(topic=topic, author=customer) for _ in range(25)]
    reader = client_for(other_customer)
    assert "topic-row--unread" in reader.get(f"/community/b/{board.slug}/").content.decode()
    reader.get(topic.get_absolute_url())
    # when new replies arrive after the reader's last visit... the board still marks it unread
    board_page = reader.get(f"/community/b/{board.slug}/").content.decode()
    assert "topic-row--unread" in board_page
    # then "first unread" leads to page 2, where post 21 is
    response = reader.get(f"/community/t/{topic.pk}/unread/")
    assert response["Location"].endswith("?page=2")
    # and page 2 shows the latest replies; after reading it the topic is read
    page_two = reader.get(f"{topic.get_absolute_url()}?page=2").content.decode()
    assert f'id="post-{posts[-1].pk}"' in page_two
    assert "topic-row--unread" not in reader.get(f"/community/b/{board.slug}/").content.decode()


def test_a_post_link_leads_to_its_page(board, customer):
    topic = TopicFactory(board=board, author=customer)
    posts = [PostFactory(topic=topic, author=customer) for _ in range(POSTS_PER_PAGE + 1)]
    response = client_for(None).get(f"/community/p/{posts[-1].pk}/")
    assert response["Location"].endswith(f"?page=2#post-{posts[-1].pk}")


@pytest.mark.django_db
def test_ten_thousand_replies_page_in_bounded_queries(board, customer, other_customer):
    # given a topic with 10,000 replies
    topic = TopicFactory(board=board, author=customer)
    now = timezone.now()
    Post.objects.bulk_create(
        Post(
            topic=topic,
            author=customer,
            body_markdown=f"回复 {i}",
            body_html=f"<p>回复 {i}</p>",
            created=now,
        )
        for i in range(10_000)
    )
    last_page = 10_000 // POSTS_PER_PAGE
    reader = client_for(other_customer)
    reader.get(f"/community/b/{board.slug}/")  # warm the session and settings
    counts = {}
    for page in (1, last_page):
        # when the first and the last page are read
        with CaptureQueriesContext(connection) as queries:
            response = reader.get(f"{topic.get_absolute_url()}?page={page}")
        counts[page] = len(queries)
        # then each shows its 20 replies
        assert response.status_code == 200
        body = response.content.decode()
        assert body.count('class="post') >= POSTS_PER_PAGE
    assert "回复 0<" in reader.get(f"{topic.get_absolute_url()}?page=1").content.decode()
    assert (
        "回复 9999<" in reader.get(f"{topic.get_absolute_url()}?page={last_page}").content.decode()
    )
    print(f"queries for page 1: {counts[1]}, for page {last_page}: {counts[last_page]}")
    # and the number of queries does not grow with the page number or the topic's size
    assert counts[1] <= 25 and counts[last_page] <= 25
    assert abs(counts[1] - counts[last_page]) <= 2
