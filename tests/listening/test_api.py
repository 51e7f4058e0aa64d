"""POST /api/v1/listening/posts: permission, per-post errors, 413, hostile bodies."""

import json

import pytest
from django.test import Client

from community.listening.models import ListeningItem

pytestmark = pytest.mark.django_db
URL = "/api/v1/listening/posts"


def _post(body, token=None, **extra):
    headers = {"HTTP_AUTHORIZATION": token} if token else {}
    data = body if isinstance(body, (str, bytes)) else json.dumps(body, ensure_ascii=False)
    return Client().post(URL, data, content_type="application/json", **headers, **extra)


def test_needs_a_token_with_the_permission(customer):
    assert _post({"posts": []}).status_code in (401, 403)
    from portal.apikeys.tokens import issue

    token = f"Token {issue(customer, name='x').key}"
    assert _post({"posts": []}, token).status_code == 403


def test_a_batch_with_a_bad_post_is_refused_whole_naming_each(collector):
    _user, token = collector
    good = {"source": "app_review", "id": "r1", "text": "新版APP很好用，转账快", "author": "abc"}
    response = _post(
        {
            "posts": [
                good,
                {"source": "app_review", "id": "r2", "text": ""},
                {"source": "portal_topic", "id": "r3", "text": "冒充"},
            ]
        },
        token,
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["posts[1].text", "posts[2].source"]
    assert ListeningItem.objects.count() == 0
    # resent without the bad posts, it is taken; sent again, it is known
    assert _post({"posts": [good]}, token).json()["created"] == 1
    again = _post({"posts": [good]}, token)
    assert again.status_code == 202 and again.json() == {"created": 0, "known": 1, "errors": []}
    assert ListeningItem.objects.get().external_id == "r1"


def test_an_oversized_batch_is_a_413(collector, settings):
    settings.LISTENING_MAX_BATCH = 3
    _user, token = collector
    posts = [{"source": "weibo", "id": str(n), "text": "好"} for n in range(4)]
    assert _post({"posts": posts}, token).status_code == 413
    assert ListeningItem.objects.count() == 0


def test_a_body_over_2_mb_is_a_413(collector):
    _user, token = collector
    big = json.dumps({"posts": [{"source": "weibo", "id": "1", "text": "好" * (800 * 1024)}]})
    assert _post(big, token).status_code == 413
    huge = big * 8  # beyond Django's own limit too
    assert _post(huge, token).status_code == 413


@pytest.mark.parametrize(
    "body",
    [
        '{"posts": [{"source": "weibo", "id": "1", "text": NaN}]}',
        "[" * 100 + "]" * 100,
        '{"posts": [{"source": "weibo", "id": "1", "text": "a\\u0000b"}]}',
        '{"posts": [{"source": "weibo", "id": 1e400, "text": "a"}]}',
        '"just a string"',
        '{"posts": {"a": 1}}',
        '{"posts": [], "more": 1}',
    ],
)
def test_hostile_bodies_are_400s_never_500s(collector, body):
    _user, token = collector
    response = _post(body, token)
    assert response.status_code == 400
    assert ListeningItem.objects.count() == 0


def test_all_posts_refused_is_a_400_naming_each(collector):
    _user, token = collector
    response = _post({"posts": [{"source": "weibo", "id": "1"}, "x"]}, token)
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["posts[0].text", "posts[1]"]


@pytest.mark.parametrize(
    "when",
    ["0001-01-01T00:00:00-23:59", "9999-12-31T23:59:59+23:59", "1970-01-01T00:00:00Z"],
)
def test_dates_at_the_ends_of_time_are_refused_naming_the_field(collector, when):
    _user, token = collector
    response = _post(
        {"posts": [{"source": "weibo", "id": "1", "text": "好", "published_at": when}]}, token
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "posts[0].published_at"


def test_the_schema_and_the_api_agree_on_blank_optional_fields(collector):
    _user, token = collector
    post = {"source": "news", "id": "b1", "text": "好", "title": "", "url": "", "author": ""}
    assert _post({"posts": [post]}, token).status_code == 202
    empty_time = {"source": "news", "id": "b2", "text": "好", "published_at": ""}
    response = _post({"posts": [empty_time]}, token)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "posts[0].published_at"


@pytest.mark.parametrize("field", ["author", "title", "url", "published_at", "text"])
def test_null_is_not_a_value_of_any_field(collector, field):
    _user, token = collector
    post = {"source": "news", "id": "n1", "text": "好", field: None}
    response = _post({"posts": [post]}, token)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == f"posts[0].{field}"
