"""Security headers on every kind of page: Content-Security-Policy without inline script,
Permissions-Policy, and the production settings' HTTPS headers (docs/security.md)."""

from __future__ import annotations

import importlib
import io
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Page

from portal.csp import area_directives

BASE_DIR = Path(__file__).resolve().parents[2]
DEMO_MODULES = ["portal.demo", "products.demo", "targeting.demo", "community.demo"]
# Sources a policy may name: keywords, nonces and the schemes we allow by name. A host (another
# site, a CDN) is never one of them.
ALLOWED_SOURCE = re.compile(
    r"^('self'|'none'|'unsafe-inline'|'nonce-[A-Za-z0-9+/=]+'|data:|blob:)$"
)


def parse_policy(header: str) -> dict[str, list[str]]:
    """``"a x y; b z"`` -> ``{"a": ["x", "y"], "b": ["z"]}``."""
    policy = {}
    for part in header.split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


def seed_demo() -> None:
    for name in DEMO_MODULES:
        importlib.import_module(name).seed(io.StringIO())


def public_urls(customer) -> list[tuple[str, Client]]:
    """One URL of every public page type, with the client that may see it."""
    from community.models import Board, Topic

    anonymous, signed_in = Client(), Client()
    signed_in.force_login(customer)
    urls: list[tuple[str, Client]] = []
    seen: set[type] = set()
    for page in Page.objects.live().filter(depth__gt=1).specific().order_by("path"):
        if type(page) not in seen:
            seen.add(type(page))
            urls.append((page.url, anonymous))
    urls += [(f"/en{url}", anonymous) for url, _client in urls[:1]]
    board = Board.objects.order_by("pk").first()
    topic = Topic.objects.order_by("pk").first()
    urls += [
        ("/search/?q=信用卡", anonymous),
        ("/products/compare/", anonymous),
        ("/community/", anonymous),
        (f"/community/b/{board.slug}/", anonymous),
        (topic.get_absolute_url(), anonymous),
        (f"/community/b/{board.slug}/new/", signed_in),
        ("/community/complaints/new/", signed_in),
        ("/community/complaints/", signed_in),
        ("/accounts/login/", anonymous),
        ("/accounts/signup/", anonymous),
        ("/no-such-page/", anonymous),
        ("/api/docs/", anonymous),
        ("/api/docs/?script=", anonymous),
        ("/robots.txt", anonymous),
        ("/admin/login/", anonymous),
        ("/django-admin/login/", anonymous),
    ]
    return urls


def inline_code_problems(html: str, nonce: str | None) -> list[str]:
    """Inline code a strict policy would block: scripts without the nonce, handlers, javascript:."""
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    for script in soup.find_all("script"):
        if script.get("src") or script.get("type") == "application/json":
            continue
        if nonce is None or script.get("nonce") != nonce:
            problems.append(f"inline script without the nonce: {str(script)[:80]}")
    for element in soup.find_all(True):
        for attribute, value in element.attrs.items():
            if attribute.lower().startswith("on"):
                problems.append(f"inline handler {attribute} on <{element.name}>")
            if isinstance(value, str) and value.strip().lower().startswith("javascript:"):
                problems.append(f"javascript: URL in {attribute} on <{element.name}>")
    return problems


@pytest.fixture
def customer(db):
    return get_user_model().objects.create_user("xiaoming", "xm@example.cn", "Pass-2026-word")


@pytest.mark.django_db
def test_every_public_page_type_has_a_strict_policy_and_no_inline_code(customer) -> None:
    # Given the demo portal and a signed-in customer
    seed_demo()
    problems: list[str] = []
    urls = public_urls(customer)
    assert len(urls) >= 20
    for url, client in urls:
        # When each kind of page is requested
        response = client.get(url)
        assert response.status_code in (200, 302, 404), (url, response.status_code)
        header = response.headers.get("Content-Security-Policy")
        if header is None:
            problems.append(f"{url}: no Content-Security-Policy")
            continue
        policy = parse_policy(header)
        script_src = policy.get("script-src", [])
        # Then scripts come from our own origin (or carry this response's nonce) only
        if "'self'" not in script_src or "'unsafe-inline'" in script_src:
            problems.append(f"{url}: script-src {script_src}")
        if "'unsafe-eval'" in header:
            problems.append(f"{url}: 'unsafe-eval'")
        for directive, expected in [
            ("default-src", ["'self'"]),
            ("object-src", ["'none'"]),
            ("base-uri", ["'self'"]),
            ("frame-ancestors", ["'self'"]),
            ("form-action", ["'self'"]),
        ]:
            if policy.get(directive) != expected:
                problems.append(f"{url}: {directive} {policy.get(directive)}")
        # And no other host is named anywhere
        hosts = [s for sources in policy.values() for s in sources if not ALLOWED_SOURCE.match(s)]
        if hosts:
            problems.append(f"{url}: foreign sources {hosts}")
        # And the page holds no inline code the policy would block
        if response.get("Content-Type", "").startswith("text/html"):
            nonces = [s[7:-1] for s in script_src if s.startswith("'nonce-")]
            html = response.content.decode()
            for problem in inline_code_problems(html, nonces[0] if nonces else None):
                problems.append(f"{url}: {problem}")
        # And browser features the portal never uses are switched off
        permissions = response.headers.get("Permissions-Policy", "")
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
            if feature not in permissions:
                problems.append(f"{url}: Permissions-Policy lacks {feature}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_nonce_is_new_for_every_response_and_matches_the_inline_tags(client) -> None:
    # Given a page whose one inline tag is a style (the API reference's page style)
    # When it is requested twice
    first = client.get("/api/docs/")
    second = client.get("/api/docs/")
    # Then each response names its own nonce, and the page's inline style carries it
    nonces = []
    for response in (first, second):
        style_src = parse_policy(response.headers["Content-Security-Policy"])["style-src"]
        (nonce,) = [s[7:-1] for s in style_src if s.startswith("'nonce-")]
        assert f'<style nonce="{nonce}">' in response.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.urls")
def test_the_standalone_error_page_carries_the_nonce_of_its_policy() -> None:
    # Given a view that fails
    client = Client(raise_request_exception=False)
    # When it is requested
    response = client.get("/test-broken/")
    # Then the 500 page's own style is allowed by the policy it is served with
    assert response.status_code == 500
    style_src = parse_policy(response.headers["Content-Security-Policy"])["style-src"]
    (nonce,) = [s[7:-1] for s in style_src if s.startswith("'nonce-")]
    assert f'<style nonce="{nonce}">' in response.content.decode()


@pytest.mark.django_db
def test_signed_in_staff_pages_get_the_admin_policy_and_the_login_stays_strict(client) -> None:
    # Given a staff member signed in to the Wagtail admin
    staff = get_user_model().objects.create_superuser("admin", "a@example.cn", "Pass-2026-word")
    client.force_login(staff)
    # When an admin page and the admin login are requested
    admin_policy = parse_policy(client.get("/admin/").headers["Content-Security-Policy"])
    client.logout()
    login_policy = parse_policy(client.get("/admin/login/").headers["Content-Security-Policy"])
    # Then the admin allows Wagtail's inline scripts but nothing from elsewhere...
    assert admin_policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert admin_policy["connect-src"] == ["'self'"]
    assert admin_policy["object-src"] == ["'none'"]
    # ...while the login page anyone can reach keeps the site's strict policy
    assert "'unsafe-inline'" not in login_policy["script-src"]


def test_the_longest_area_prefix_wins(settings) -> None:
    # Given an area with a looser policy and an exception inside it
    settings.CSP_AREA_POLICIES = {
        "/admin/": {"script-src": ["'unsafe-inline'"]},
        "/admin/login/": None,
    }
    # Then the exception keeps the site policy, the rest of the area gets its own, others none
    assert area_directives("/admin/login/") is None
    assert area_directives("/admin/pages/") == {"script-src": ["'unsafe-inline'"]}
    assert area_directives("/community/") is None


@pytest.mark.django_db
def test_admin_pages_show_no_gravatar(client) -> None:
    # Given a staff member with an e-mail address (gravatar is blocked in mainland China, and
    # its URL leaks a hash of the address)
    staff = get_user_model().objects.create_superuser("admin", "a@example.cn", "Pass-2026-word")
    client.force_login(staff)
    # When the admin dashboard and the account page are shown
    pages = [client.get("/admin/"), client.get("/admin/account/")]
    # Then no avatar comes from gravatar.com
    for response in pages:
        assert response.status_code == 200
        assert "gravatar.com" not in response.content.decode()


PRODUCTION_PROBE = """
import json
from django.test import Client
client = Client(HTTP_HOST="bank.example.com", HTTP_X_FORWARDED_PROTO="https")
plain = Client(HTTP_HOST="bank.example.com")
out = {}
for path in ("/robots.txt", "/healthz"):
    response = client.get(path)
    out[path] = {"status": response.status_code, "headers": dict(response.headers)}
insecure = plain.get("/robots.txt")
out["http"] = {"status": insecure.status_code, "location": insecure.headers.get("Location")}
print("PROBE" + json.dumps(out))
"""


def test_production_sends_https_and_browser_security_headers(tmp_path) -> None:
    # Given the production settings, as an operator would start them behind the TLS proxy
    unwanted = {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
    env = {key: value for key, value in os.environ.items() if key not in unwanted}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="bank.example.com",
        LOG_LEVEL="ERROR",
        DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    # When pages are requested over HTTPS (and one over plain HTTP)
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", "shell", "-c", PRODUCTION_PROBE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.split("PROBE", 1)[1])
    # Then plain HTTP is sent to HTTPS
    assert probe["http"]["status"] == 301
    assert probe["http"]["location"] == "https://bank.example.com/robots.txt"
    for path in ("/robots.txt", "/healthz"):
        headers = probe[path]["headers"]
        assert probe[path]["status"] == 200, path
        # And browsers are told to keep to HTTPS for a year, subdomains included
        assert headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
        # And not to sniff types, leak full URLs, be framed elsewhere or use sensors
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in headers["Permissions-Policy"]
        policy = parse_policy(headers["Content-Security-Policy"])
        assert policy["frame-ancestors"] == ["'self'"]
        assert "upgrade-insecure-requests" in policy
        assert "'unsafe-inline'" not in policy["script-src"]
