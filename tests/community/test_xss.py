"""Real XSS payloads against every place members' text is shown: posts, topic titles, display
names and search queries. A rendered page must contain no executable markup."""

from __future__ import annotations

import pytest

from community.models import Member, Post, Topic
from tests.community.conftest import client_for
from tests.community.xss import executable_markup, load_payloads

PAYLOADS = load_payloads()


@pytest.fixture(autouse=True)
def _generous_rate_limits(settings):
    settings.COMMUNITY_RATE_LIMITS = {"account": (10_000, 60), "address": (10_000, 60)}


def test_the_corpus_is_substantial():
    # given the payload corpus / then it covers the cheat sheet's categories with ~60 entries
    assert len(PAYLOADS) >= 60


def test_the_checker_catches_executable_markup():
    # given markup that would run / then the checker reports it (so the tests below can fail)
    html = '<main><a href=" java\tscript:x">a</a><img src=x onerror=y><script></script></main>'
    assert len(executable_markup(html)) == 3


@pytest.mark.parametrize("payload", PAYLOADS)
def test_post_bodies_render_without_executable_markup(payload, topic, other_customer):
    # given a member who replies with a payload
    client = client_for(other_customer)
    # when the reply is posted and the topic is read
    response = client.post(f"/community/t/{topic.pk}/reply/", {"body": payload})
    assert response.status_code == 302
    post = Post.objects.filter(topic=topic).latest("id")
    page = client.get(f"{topic.get_absolute_url()}?page=1")
    # then neither the stored HTML nor the page contains anything executable
    assert executable_markup(f"<main>{post.body_html}</main>") == []
    assert executable_markup(page.content.decode()) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_topic_titles_render_without_executable_markup(payload, board, customer):
    # given a member who opens a topic titled with a payload
    client = client_for(customer)
    response = client.post(
        f"/community/b/{board.slug}/new/", {"title": payload[:150], "body": "正文", "tags": ""}
    )
    assert response.status_code == 302
    topic = Topic.objects.latest("id")
    # when the board, the topic and a search are shown
    pages = [
        client.get(f"/community/b/{board.slug}/"),
        client.get(topic.get_absolute_url()),
        client.get("/community/search/", {"q": "正文"}),
    ]
    # then no page contains executable markup
    for page in pages:
        assert page.status_code == 200
        assert executable_markup(page.content.decode()) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_display_names_render_without_executable_markup(payload, topic, customer):
    # given a member whose display name is a payload
    client = client_for(customer)
    response = client.post("/community/me/", {"display_name": payload[:40]})
    assert response.status_code == 302
    assert Member.objects.get(user=customer).display_name == payload[:40].strip()
    # when pages showing the author are read
    for url in (topic.get_absolute_url(), f"/community/b/{topic.board.slug}/"):
        page = client.get(url)
        # then they contain no executable markup
        assert executable_markup(page.content.decode()) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_search_queries_render_without_executable_markup(payload, topic):
    # given anyone searching for a payload / when the results page is shown
    page = client_for(None).get("/community/search/", {"q": payload})
    # then the echoed query is inert text
    assert page.status_code == 200
    assert executable_markup(page.content.decode()) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_edit_history_renders_without_executable_markup(payload, topic, customer, moderator):
    # given an author who edits their post into a payload (with a card number) and back again
    post = topic.posts.first()
    author = client_for(customer)
    for body in (f"{payload} 卡号6222021234567894", "已更正"):
        response = author.post(f"/community/p/{post.pk}/edit/", {"body": body})
        assert response.status_code == 302
    # when the author and a moderator read the history, before and after a redaction
    pages = [author.get(f"/community/p/{post.pk}/history/")]
    client_for(moderator).post(f"/community/p/{post.pk}/edit/", {"body": "[已删除]"})
    pages += [
        author.get(f"/community/p/{post.pk}/history/"),
        client_for(moderator).get(f"/community/p/{post.pk}/history/"),
    ]
    # then no version of the text is executable, and the card number never shows
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        assert executable_markup(html) == []
        assert "6222021234567894" not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_masked_text_renders_without_executable_markup(payload, board, customer):
    # given a member whose title and text mix a payload with numbers that get masked
    client = client_for(customer)
    response = client.post(
        f"/community/b/{board.slug}/new/",
        {
            "title": f"13812345678 {payload}"[:150],
            "body": f"卡号 6222 0212 3456 7894 {payload} 身份证11010519491231002X",
            "tags": "",
        },
        follow=True,
    )
    # then the page that tells them about the masking, and the topic, hold nothing executable
    assert response.status_code == 200
    topic = Topic.objects.latest("id")
    for page in (response, client.get(topic.get_absolute_url())):
        html = page.content.decode()
        assert executable_markup(html) == []
        assert "13812345678" not in html and "11010519491231002X" not in html
