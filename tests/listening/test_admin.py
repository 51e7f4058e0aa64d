"""The admin: who sees the dashboard and which queue, replies, authors, imports, rules."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from community.listening import intake, tasks
from community.listening.models import ListeningItem, NoiseRule, QueueStatus
from community.models import Post
from tests.community.factories import BoardFactory, PostFactory, TopicFactory
from tests.listening.conftest import client_for

pytestmark = pytest.mark.django_db


def _outside(*texts):
    intake.store([(n, {"source": "weibo", "id": f"w{n}", "text": t}) for n, t in enumerate(texts)])
    tasks.process_all_pending()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("analyst", 200),
        ("service_agent", 200),
        ("ops_agent", 200),
        ("customer", 302),
    ],  # customer: to sign-in
)
def test_dashboard_by_role(request, who, expected):
    _outside("手机银行又崩了")
    response = client_for(request.getfixturevalue(who)).get("/admin/listening/")
    assert response.status_code == expected


def test_dashboard_needs_the_permission_even_for_staff(db):
    from tests.community.factories import UserFactory

    staff = UserFactory(username="editor", is_staff=True, groups=["Moderators"])
    denied = client_for(staff).get("/admin/listening/")
    assert (denied.status_code, denied["Location"]) == (302, "/admin/")


def test_each_team_sees_its_own_queue(service_agent, ops_agent, comms_agent):
    _outside("天河支行排队两个小时，态度恶劣，必须投诉", "手机银行又崩了，登录不了")
    service = client_for(service_agent).get("/admin/listening/queue/").content.decode()
    ops = client_for(ops_agent).get("/admin/listening/queue/").content.decode()
    comms = client_for(comms_agent).get("/admin/listening/queue/").content.decode()
    assert "天河支行" in service and "登录不了" not in service
    assert "登录不了" in ops and "天河支行" not in ops
    assert "登录不了" in comms  # told about incidents


def test_a_team_cannot_open_another_teams_item(service_agent, ops_agent):
    _outside("手机银行又崩了，登录不了")
    item = ListeningItem.objects.get()
    # Wagtail answers a denied admin page with a redirect to the dashboard and a message.
    denied = client_for(service_agent).get(f"/admin/listening/items/{item.pk}/")
    assert (denied.status_code, denied["Location"]) == (302, "/admin/")
    assert client_for(ops_agent).get(f"/admin/listening/items/{item.pk}/").status_code == 200
    response = client_for(service_agent).post(
        f"/admin/listening/items/{item.pk}/", {"action": "assign"}
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert ListeningItem.objects.get().assigned_to is None


@override_settings(CELERY_TASK_ALWAYS_EAGER=True)
def test_a_reply_to_a_community_post_is_an_official_answer(service_agent, customer):
    board = BoardFactory(name="信用卡", slug="cards")
    topic = TopicFactory(board=board, author=customer, title="年费")
    PostFactory(
        topic=topic, author=customer, body_markdown="信用卡乱收费，年费说好免的又扣了，投诉"
    )
    # The post was taken in by the receiver; processed when the queue is read.
    client = client_for(service_agent)
    assert "乱收费" in client.get("/admin/listening/queue/").content.decode()
    item = ListeningItem.objects.get(source="portal_topic")
    assert item.topic == "complaint" and item.team.name == "Customer service"
    client.post(f"/admin/listening/items/{item.pk}/", {"action": "assign"})
    response = client.post(
        f"/admin/listening/items/{item.pk}/", {"action": "reply", "reply": "您好，已为您退回年费。"}
    )
    assert response.status_code == 302
    answer = Post.objects.filter(topic=topic).order_by("-id").first()
    assert answer.is_official and answer.author == service_agent
    assert "退回年费" in answer.body_markdown
    item.refresh_from_db()
    assert item.queue_status == QueueStatus.REPLIED
    # The official answer is not listened to again.
    assert ListeningItem.objects.filter(source="portal_reply").count() == 0


def test_a_reply_with_a_nul_is_refused_naming_the_field(service_agent):
    _outside("天河支行排队两个小时，态度恶劣，必须投诉")
    item = ListeningItem.objects.get()
    response = client_for(service_agent).post(
        f"/admin/listening/items/{item.pk}/", {"action": "reply", "reply": "a\x00b"}
    )
    assert response.status_code == 400
    assert ListeningItem.objects.get().reply == ""


def test_the_author_is_shown_only_for_portal_posts_and_to_those_allowed(
    service_agent, ops_agent, customer
):
    board = BoardFactory(name="手机银行", slug="app")
    topic = TopicFactory(board=board, author=customer, title="闪退")
    post = PostFactory(topic=topic, author=customer, body_markdown="手机银行又崩了，登录不了")
    tasks.process_all_pending()
    item = ListeningItem.objects.get(portal_post=post)  # taken in as the post was written
    assert item.author == customer and item.team.name == "Operations"
    ops_page = client_for(ops_agent).get(f"/admin/listening/items/{item.pk}/").content.decode()
    assert "xiaoming" not in ops_page  # operations has no listening.view_author
    ListeningItem.objects.filter(pk=item.pk).update(team=service_agent.groups.get())
    service_page = client_for(service_agent).get(f"/admin/listening/items/{item.pk}/").content
    assert "xiaoming" in service_page.decode()


def test_import_page_reports_bad_lines(analyst):
    upload = SimpleUploadedFile(
        "posts.jsonl",
        '{"source": "weibo", "id": "1", "text": "好"}\n{"source": "weibo", "id": "2"}\n'.encode(),
    )
    response = client_for(analyst).post("/admin/listening/import/", {"file": upload, "source": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<td>2</td>" in page and "<td>text</td>" in page
    assert ListeningItem.objects.count() == 1


def test_import_needs_the_permission(service_agent):
    upload = SimpleUploadedFile("posts.jsonl", b'{"source": "weibo", "id": "1", "text": "x"}\n')
    response = client_for(service_agent).post("/admin/listening/import/", {"file": upload})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert ListeningItem.objects.count() == 0


def test_a_noise_rule_with_a_broken_pattern_is_refused_at_its_field(analyst):
    client = client_for(analyst)
    response = client.post(
        "/admin/listening_noise_rules/new/",
        {
            "name": "bad",
            "kind": "pattern",
            "pattern": "(unclosed",
            "reason": "spam",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "RE2" in response.content.decode()
    assert not NoiseRule.objects.filter(name="bad").exists()


def test_routing_rules_are_the_analysts_not_the_teams(analyst, service_agent):
    assert client_for(analyst).get("/admin/listening_routing_rules/").status_code == 200
    assert client_for(service_agent).get("/admin/listening_routing_rules/").status_code in (
        302,
        403,
    )


def test_the_dashboard_is_chinese_for_a_chinese_user(analyst):
    _outside("手机银行又崩了")
    page = client_for(analyst).get("/admin/listening/", HTTP_ACCEPT_LANGUAGE="zh-hans").content
    text = page.decode()
    assert "社会化侦听" in text and "热词" in text
    assert "Hot words" not in text and "Posts in 7 days" not in text
