"""One client address for every limiter: behind trusted proxies, from X-Forwarded-For only then."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from targeting.tracking import ratelimit
from targeting.tracking.clientaddr import client_ip, client_key, resolve_client_ip
from tests.tracking.conftest import browser_client, event, post_batch

PROXY = "10.9.0.1"
PROXIES = ["10.0.0.0/8", "fd00::/8"]


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.9.0.0/16"]


def request_from(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_the_client_behind_a_trusted_proxy_is_the_forwarded_address(behind_proxy):
    assert client_ip(request_from(PROXY, "203.0.113.7")) == "203.0.113.7"
    # a chain of our own proxies is walked from the right to the first untrusted hop
    assert client_ip(request_from(PROXY, "192.0.2.9, 203.0.113.7, 10.9.3.3")) == "203.0.113.7"


def test_forwarded_for_from_an_untrusted_peer_is_ignored(behind_proxy):
    assert client_ip(request_from("198.51.100.20", "192.0.2.1")) == "198.51.100.20"


def test_garbage_addresses_do_not_fail(behind_proxy):
    assert client_ip(request_from("", "")) is None
    assert client_key(request_from("not an address")) == "unknown"
    assert client_ip(request_from(PROXY, "\x00, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(request_from(PROXY, "x" * 10_000)) == PROXY


def test_trusted_proxies_are_read_at_call_time(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from(PROXY, "203.0.113.7")) == PROXY
    settings.TRUSTED_PROXIES = ["10.9.0.0/16"]
    assert client_ip(request_from(PROXY, "203.0.113.7")) == "203.0.113.7"


def test_the_limiter_counts_per_key_and_tells_how_long_to_wait():
    assert ratelimit.hit("t:a", 2, 60) is None
    assert ratelimit.hit("t:a", 2, 60) is None
    wait = ratelimit.hit("t:a", 2, 60)
    assert wait is not None and 1 <= wait <= 61
    assert ratelimit.hit("t:b", 2, 60) is None
    assert ratelimit.exceeded("t:a", 2, 60) is not None
    assert ratelimit.exceeded("t:b", 2, 60) is None


def test_the_limiter_lets_requests_through_when_the_cache_is_down(monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(cache, "incr", lambda *args, **kwargs: None)
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: None)
    assert all(ratelimit.hit("t:c", 1, 60) is None for _ in range(5))


@pytest.mark.django_db
def test_browser_batches_from_two_clients_behind_the_proxy_have_their_own_buckets(
    behind_proxy, settings
):
    # Given an address limit of one batch a minute and two customers behind our load balancer
    settings.TRACKING_RATE_LIMIT_ADDRESS = 1
    first = browser_client("c" * 32)
    second = browser_client("d" * 32)
    forwarded = {"REMOTE_ADDR": PROXY}
    # When each sends a batch, and the first sends another
    a = post_batch(first, [event()], HTTP_X_FORWARDED_FOR="203.0.113.7", **forwarded)
    b = post_batch(second, [event()], HTTP_X_FORWARDED_FOR="198.51.100.8", **forwarded)
    again = post_batch(first, [event()], HTTP_X_FORWARDED_FOR="203.0.113.7", **forwarded)
    # Then both first batches pass and only the repeat is limited
    assert (a.status_code, b.status_code, again.status_code) == (200, 200, 429)


@pytest.mark.django_db
def test_a_spoofed_forwarded_for_does_not_buy_a_new_bucket(behind_proxy, settings):
    settings.TRACKING_RATE_LIMIT_ADDRESS = 1
    attacker = "198.51.100.20"
    assert post_batch(browser_client("c" * 32), [event()], REMOTE_ADDR=attacker).status_code == 200
    response = post_batch(
        browser_client("d" * 32), [event()], REMOTE_ADDR=attacker, HTTP_X_FORWARDED_FOR="192.0.2.1"
    )
    assert response.status_code == 429


# The resolver itself (it was the engine geo provider's until tracking took it over).
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # No proxy in front: the peer is the client.
        ("119.6.1.1", "", "119.6.1.1"),
        # An untrusted peer's X-Forwarded-For is ignored: anyone can send one.
        ("8.8.8.8", "119.6.1.1", "8.8.8.8"),
        # A trusted proxy: the header's rightmost entry is the client.
        ("10.0.0.5", "119.6.1.1", "119.6.1.1"),
        # A chain of trusted proxies is walked from the right...
        ("10.0.0.5", "119.6.1.1, 10.1.2.3, 10.9.9.9", "119.6.1.1"),
        # ...stopping at the first untrusted hop, whatever the client claims to its left.
        ("10.0.0.5", "1.2.3.4, 8.8.8.8, 10.1.2.3", "8.8.8.8"),
        # Garbage in the chain: believe nothing left of it.
        ("10.0.0.5", "119.6.1.1, garbage, 10.1.2.3", "10.1.2.3"),
        # Ports, brackets, IPv4-mapped IPv6 and IPv6 proxies.
        ("10.0.0.5", "119.6.1.1:52311", "119.6.1.1"),
        ("10.0.0.5", "[240e:398::1]:443", "240e:398::1"),
        ("::ffff:10.0.0.5", "119.6.1.1", "119.6.1.1"),
        ("fd00::1", "119.6.1.1", "119.6.1.1"),
        # Every hop trusted: the leftmost is the best we know.
        ("10.0.0.5", "10.1.1.1, 10.2.2.2", "10.1.1.1"),
    ],
)
def test_resolve_client_ip(remote, forwarded, expected):
    assert resolve_client_ip(remote, forwarded, PROXIES) == expected


def test_resolve_client_ip_of_a_nonsense_peer_is_none():
    assert resolve_client_ip("", "119.6.1.1", PROXIES) is None
    assert resolve_client_ip("not an ip", "", PROXIES) is None
