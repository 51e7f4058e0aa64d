"""Hostile input in the community's forms and query parameters: control characters in titles,
NUL anywhere. Each is a 4xx or a form error naming the field, never a 500 (PostgreSQL refuses
NUL in text)."""

from __future__ import annotations

import pytest

from community.models import Complaint, Post, Topic
from tests.community.conftest import client_for


@pytest.mark.parametrize(
    "title",
    [
        "年费\r\nBcc: victim@example.com",
        "年费\n第二行",
        "年费\x00",
        "年费\x1b[31m",
        "年费\u2028下一行",
    ],
)
def test_a_title_with_control_characters_is_a_form_error_on_the_title(board, customer, title):
    # given a member whose title holds a line break or another control character
    response = client_for(customer).post(
        f"/community/b/{board.slug}/new/",
        {"title": title, "body": "正文", "tags": ""},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    # then the form comes back with the error next to the title, and no topic is opened
    assert response.status_code == 200
    page = response.content.decode()
    error = page.split('id="id_title_error"')[1][:200]
    assert error.startswith(">标题：")
    assert not Topic.objects.exists()


def test_the_domain_refuses_control_characters_in_titles_too(board, customer):
    from community.posting import PostingError, start_topic

    with pytest.raises(PostingError):
        start_topic(board, customer, "年费\r\nBcc: x@example.com", "正文")


@pytest.mark.parametrize(
    ("url_name", "data", "field"),
    [
        ("reply", {"body": "你好\x00"}, "body"),
        ("edit", {"body": "你好\x00"}, "body"),
        ("report", {"reason": "广告\x00"}, "reason"),
    ],
)
def test_nul_in_a_post_form_is_a_form_error_naming_the_field(
    topic, customer, url_name, data, field
):
    post = topic.posts.first()
    urls = {
        "reply": f"/community/t/{topic.pk}/reply/",
        "edit": f"/community/p/{post.pk}/edit/",
        "report": f"/community/p/{post.pk}/report/",
    }
    response = client_for(customer).post(urls[url_name], data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Post.objects.filter(body_markdown__contains="你好").exists()


def test_nul_in_the_complaint_form_is_a_form_error(customer):
    response = client_for(customer).post(
        "/community/complaints/new/",
        {"category": "card", "channel": "mobile_app", "description": "年费被重复扣收\x00请退还"},
    )
    assert response.status_code == 200
    assert 'id="id_description_error"' in response.content.decode()
    assert not Complaint.objects.exists()


def test_nul_in_the_display_name_is_a_form_error(customer):
    response = client_for(customer).post("/community/me/", {"display_name": "小明\x00"})
    assert response.status_code == 200
    assert 'id="id_display_name_error"' in response.content.decode()


def test_nul_in_the_search_query_is_a_400_naming_the_field(topic):
    # given anyone searching with a NUL character
    response = client_for(None).get(
        "/community/search/", {"q": "年费\x00"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    # then the search page answers 400 and says which field is wrong
    assert response.status_code == 400
    assert "搜索：" in response.content.decode()


@pytest.mark.parametrize("param", ["page", "quote"])
def test_nul_in_other_query_parameters_is_harmless(topic, param):
    response = client_for(None).get(topic.get_absolute_url(), {param: "1\x00"})
    assert response.status_code == 200


def test_a_tab_in_a_title_is_only_a_space(board, customer):
    response = client_for(customer).post(
        f"/community/b/{board.slug}/new/", {"title": "年费\t怎么免", "body": "正文", "tags": ""}
    )
    assert response.status_code == 302
    assert Topic.objects.get().title == "年费 怎么免"
