"""The community in a real browser: a new customer signs in, starts a topic and replies (with the
script-driven Markdown preview), a moderator approves both posts, and a complaint is filed,
answered by customer service and followed up by the customer."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from community.models import Board, Category, CommunitySettings, Complaint, Post

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.browser.urls")]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}
PASSWORD = "Browser-pass-2025"


def make_user(username: str, group: str | None = None):
    user = get_user_model().objects.create_user(
        username,
        f"{username}@example.cn",
        PASSWORD,
        date_joined=timezone.now() - timedelta(days=30),
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def shoot(page, artifacts_dir, name: str) -> None:
    """Screenshots at both sizes; and the page must never scroll sideways."""
    for viewport_name, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} at {viewport_name}: {overflow}px horizontal overflow"
        page.screenshot(
            path=str(artifacts_dir / f"community-{name}-{viewport_name}.png"), full_page=True
        )
    page.set_viewport_size(VIEWPORTS["phone"])


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_customer_posts_moderator_approves_complaint_is_followed(
    browser, live_server, artifacts_dir
) -> None:
    # Given a board, a new customer whose first posts need approval, a moderator and an agent
    from portal import demo as portal_demo

    portal_demo.seed(io.StringIO())
    levels = CommunitySettings.load()
    levels.posts_needing_approval = 2
    levels.save()
    category = Category.objects.create(name="信用卡", slug="credit-card")
    board = Board.objects.create(
        category=category, name="信用卡问答", slug="card-qa", qa_mode=True, description="提问"
    )
    make_user("xiaoming")
    make_user("banzhu", "Moderators")
    make_user("kefu", "Customer service")
    base = live_server.url
    errors: list[str] = []

    # When the customer signs in on a phone and asks a question
    customer = browser.new_context(viewport=VIEWPORTS["phone"]).new_page()
    customer.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(customer, base, "xiaoming")
    customer.goto(f"{base}/community/b/{board.slug}/new/")
    customer.fill("#id_title", "信用卡年费怎么免?")
    customer.fill("#id_body", "金卡年费 **300 元**，怎么免？")
    customer.get_by_role("button", name=re.compile("Preview|预览")).click()
    # Then the script shows the sanitised preview without leaving the page
    preview = customer.locator("[data-preview-target] strong")
    preview.wait_for()
    assert preview.inner_text() == "300 元"
    assert customer.locator("#id_title").input_value() == "信用卡年费怎么免?"
    shoot(customer, artifacts_dir, "new-topic")
    customer.locator('button[name="submit"]').click()
    customer.wait_for_load_state()

    # And the topic waits for a moderator; the author still sees it, marked as waiting
    post = Post.objects.get(topic__title="信用卡年费怎么免?")
    assert not post.approved
    customer.goto(f"{base}{post.topic.get_absolute_url()}")
    assert customer.locator(".badge--pending").count() == 1
    customer.fill("#id_body", "补充：是白金卡。")
    customer.locator('button[name="submit"]').click()
    customer.wait_for_load_state()
    assert Post.objects.filter(topic=post.topic).count() == 2
    shoot(customer, artifacts_dir, "topic-waiting")

    # When the moderator approves both posts in the admin queue
    moderator = browser.new_context(viewport=VIEWPORTS["desktop"]).new_page()
    moderator.goto(f"{base}/admin/login/")
    moderator.fill("#id_username", "banzhu")
    moderator.fill("#id_password", PASSWORD)
    moderator.locator("form button[type=submit]").first.click()
    moderator.wait_for_load_state()
    for pk in Post.objects.filter(topic=post.topic).values_list("pk", flat=True):
        moderator.goto(f"{base}/admin/community/moderation/")
        moderator.locator(f'a[href="/admin/community/moderation/post/{pk}/"]').click()
        moderator.locator('button[value="approve"]').click()
        moderator.wait_for_load_state()
    moderator.goto(f"{base}/admin/community/moderation/log/")
    moderator.screenshot(path=str(artifacts_dir / "community-moderation-log-desktop.png"))

    # Then anyone can read the question and its follow-up
    reader = browser.new_context(viewport=VIEWPORTS["phone"]).new_page()
    reader.goto(f"{base}/community/b/{board.slug}/")
    reader.get_by_role("link", name="信用卡年费怎么免?").click()
    assert reader.locator("article.post").count() == 2
    assert "补充：是白金卡。" in reader.content()
    shoot(reader, artifacts_dir, "topic")

    # When the customer files a complaint
    customer.goto(f"{base}/community/complaints/new/")
    customer.select_option("#id_category", "fees")
    customer.select_option("#id_channel", "mobile_app")
    customer.fill("#id_description", "已满足免年费条件，仍被扣收年费 300 元，请退还。")
    shoot(customer, artifacts_dir, "complaint-form")
    customer.locator("form.community-form button[type=submit]").click()
    customer.wait_for_load_state()
    complaint = Complaint.objects.get()
    assert complaint.tracking_number in customer.content()

    # And customer service asks for details in the admin
    agent = browser.new_context(viewport=VIEWPORTS["desktop"]).new_page()
    agent.goto(f"{base}/admin/login/")
    agent.fill("#id_username", "kefu")
    agent.fill("#id_password", PASSWORD)
    agent.locator("form button[type=submit]").first.click()
    agent.wait_for_load_state()
    agent.goto(f"{base}/admin/community/complaints/")
    agent.get_by_role("link", name=complaint.tracking_number).click()
    agent.select_option("#id_status", "awaiting_customer")
    agent.fill("#id_message", "请提供扣费日期。")
    agent.locator("form button[type=submit]", has_text=re.compile("Save|保存")).click()
    agent.wait_for_load_state()
    agent.screenshot(path=str(artifacts_dir / "community-complaint-admin-desktop.png"))

    # Then the customer follows it: sees the question, replies, and work resumes
    customer.goto(f"{base}/community/complaints/")
    customer.get_by_role("link", name=complaint.tracking_number).click()
    assert "请提供扣费日期。" in customer.content()
    customer.fill("#id_message", "扣费日期是3月5日。")
    customer.locator("form.community-form button[type=submit]").click()
    customer.wait_for_load_state()
    complaint.refresh_from_db()
    assert complaint.status == "in_progress"
    shoot(customer, artifacts_dir, "complaint-detail")
    assert not errors, errors
