"""Posting limits count the customer behind our proxies, not the proxy."""

from __future__ import annotations

import pytest

from community.models import Post
from tests.community.conftest import client_for
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.9.0.1"


def reply(user, topic, body: str, **extra):
    return client_for(user).post(f"/community/t/{topic.pk}/reply/", {"body": body}, **extra)


def test_members_behind_a_trusted_proxy_each_have_their_own_address_limit(topic, settings):
    # Given an address limit of one post a minute and our load balancer in front
    settings.TRUSTED_PROXIES = ["10.9.0.0/16"]
    settings.COMMUNITY_RATE_LIMITS = {"account": (100, 60), "address": (1, 60)}
    first, second = UserFactory.create_batch(2)
    # When two members at different addresses post through the proxy
    a = reply(first, topic, "甲", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    b = reply(second, topic, "乙", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8")
    # Then both are posted, and the post records the member's own address
    assert (a.status_code, b.status_code) == (302, 302)
    assert Post.objects.get(body_markdown="甲").ip_address == "203.0.113.7"
    # And the first member's address is limited on its next post
    again = reply(first, topic, "丙", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert again.status_code == 429


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(topic, settings):
    settings.TRUSTED_PROXIES = ["10.9.0.0/16"]
    settings.COMMUNITY_RATE_LIMITS = {"account": (100, 60), "address": (1, 60)}
    first, second = UserFactory.create_batch(2)
    assert reply(first, topic, "甲", REMOTE_ADDR="198.51.100.20").status_code == 302
    spoofed = reply(
        second, topic, "乙", REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="192.0.2.1"
    )
    assert spoofed.status_code == 429
    assert Post.objects.get(body_markdown="甲").ip_address == "198.51.100.20"
