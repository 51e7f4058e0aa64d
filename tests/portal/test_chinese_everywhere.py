"""Everything a zh-hans user sees is Chinese (issue 12 item 5).

A word-level detector: the visible text of a page (and the attributes people read: title, alt,
placeholder, aria-label, button values) must not contain English words, apart from a small
allow-list of proper names and acronyms. It runs over the demo site's public pages and over the
admin pages each role uses.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.contrib.settings.registry import registry
from wagtail.models import Locale, Task, TranslatableMixin, Workflow, get_page_models
from wagtail.snippets.models import get_snippet_models

pytestmark = pytest.mark.django_db

# Proper names, acronyms and units a Chinese interface keeps in Latin letters.
ALLOWED = {
    "API",
    "APP",
    "App",
    "CSV",
    "URL",
    "PDF",
    "HTML",
    "JSON",
    "SMS",
    "ID",
    "IP",
    "QR",
    "WeChat",
    "Wagtail",
    "Markdown",
    "Email",
    "email",
    "ETF",
    "LPR",
    "VIP",
    "UnionPay",
    "Visa",
    "Mastercard",
    "USD",
    "CNY",
    "RMB",
    "HKD",
    "EUR",
    "JPY",
    "GBP",
    "APR",
    "Excel",
    "Chrome",
    "Safari",
    "Android",
    "iOS",
    "iPhone",
    "Firefox",
    "Edge",
    "TOTP",
    "OTP",
    "Google",
    "Authenticator",
    "Microsoft",
    "www",
    "com",
    "cn",
    "example",
    "https",
    "http",
    "Lighthouse",
    "Cookie",  # the term Chinese privacy notices use
    "zhangwei",  # the sign-in form's example user name (placeholder)
    "FreeOTP",  # an authenticator app's name
    "CSRF",
    "XLSX",
    "CRM",
    "AVIF",
    "GIF",
    "JPEG",
    "JPG",
    "PNG",
    "WEBP",
    "UTC",
    # names of products and systems the preview and profiles refer to
    "Googlebot",
    "Windows",
    "OpenID",  # WeChat's user identifier
    "ISO",  # ISO 3166 region codes
    "UTM",  # the campaign parameters' name
    "ICP",  # the site licence number every Chinese site shows (ICP备案号)
    "SME",  # an example CRM segment code
    # the demo customers' sign-in names (pinyin, identifiers, not words)
    "chenjing",
    "lijun",
    "wangfang",
    "zhaolei",
    # a language chooser names each language in itself
    "English",
}
WORD = re.compile(r"(?<![\w@./:-])[A-Za-z][A-Za-z']{2,}(?![\w@./:-])")
# A message placeholder as the marketer types it ({{ name }} in an offer's help text): template
# syntax, like an address, not a word of the interface.
PLACEHOLDER = re.compile(r"\{\{\s*[a-z_]+\s*\}\}")
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}
SKIPPED_TAGS = {"script", "style", "code", "pre", "template", "svg", "noscript", "textarea"}


class TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.links: list[str] = []
        self._skipping = 0
        self._latin = 0  # inside an element marked lang="en" (the language switcher's "English")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in SKIPPED_TAGS:
            self._skipping += 1
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if values.get("lang") == "en" and tag not in ("html",):
            self._latin += 1
            self._latin_tag = tag
            return
        for name in READ_ATTRIBUTES:
            if values.get(name):
                self.chunks.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.chunks.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS and self._skipping:
            self._skipping -= 1
        if self._latin and tag == getattr(self, "_latin_tag", None):
            self._latin -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping and not self._latin:
            self.chunks.append(data)


def english_words(html: str) -> tuple[set[str], list[str]]:
    parser = TextParser()
    parser.feed(html)
    words = set()
    for chunk in parser.chunks:
        for word in WORD.findall(PLACEHOLDER.sub(" ", chunk)):
            if word not in ALLOWED and word.rstrip("s") not in ALLOWED:
                words.add(word)
    return words, parser.links


@pytest.fixture
def demo(db) -> None:
    call_command("seed_demo", stdout=io.StringIO())


def test_the_detector_finds_english_and_allows_proper_names() -> None:
    words, _ = english_words(
        "<p>启用 True</p><p title='Body'>微信 WeChat API</p><script>var x</script>"
        "<p>占位符：{{ name }}、{{ merchant }}；称呼 name</p>"
    )
    assert words == {"True", "Body", "name"}


def crawl(client: Client, start: list[str], limit: int) -> dict[str, set[str]]:
    seen: set[str] = set()
    found: dict[str, set[str]] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        words, links = english_words(response.content.decode())
        if words:
            found[url] = words
        for link in links:
            target = urldefrag(urljoin(url, link))[0]
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/"):
                continue
            path = target
            if path.startswith(("/en/", "/admin/", "/django-admin/", "/api/", "/documents/")):
                continue
            if path.startswith("/accounts/logout"):
                continue
            queue.append(path)
    return found


def test_public_pages_are_chinese(client: Client, demo: None) -> None:
    found = crawl(client, ["/"], limit=120)
    assert not found, "English text on Chinese pages:\n" + "\n".join(
        f"{url}: {sorted(words)}" for url, words in found.items()
    )


# Each role as the demo data makes it (groups from the migrations, demo users' groups); the
# superuser stands for the site's editor-in-chief and sees every menu.
ROLES: dict[str, list[str]] = {
    "superuser": [],
    "editor": ["Editors"],
    "marketer": ["Marketers"],
    "compliance reviewer": ["Compliance reviewers"],
    "moderator": ["Moderators"],
    "customer service": ["Customer service"],
    "data protection": ["Data protection"],
    "product manager": ["Product managers"],
    "relationship manager": ["Relationship managers"],
    "listening analyst": ["Listening analysts"],
}
# Links a crawl must not follow: they change data on GET or leave the admin.
SKIP_LINKS = (
    "logout",
    "delete",
    "unpublish",
    "export",
    "revert",
    "lock",
    "disable",
    "enable",
    "/act/",
    "/approve/",
    "/reject/",
    "/cancel",
    "download",
    "erase",
    "/workflow/action/",
    "/collapse/",
    "view_draft",  # a page as visitors see it: the public crawl reads those, in their language
)
# A page pattern (numbers replaced) is read this many times: one page type's edit form is the
# same as the next one's; the start URLs below name one of each page type and snippet.
PER_PATTERN = 1


# Latin letters on admin pages that are not English words, by page pattern: the reason and the
# letters. Nothing else is excused: an English word anywhere else, or on these pages, fails.
NOT_WORDS: dict[str, tuple[str, set[str]]] = {
    r"/admin/sites/": (
        "the site's host name (localhost in the demo): an address, which stays as typed",
        {"localhost"},
    ),
    r"/admin/targeting/preview/": (
        "a product category code as the field takes it (例如 wealth): rules match on the codes "
        "product pages are filed under, so the example is what a marketer types",
        {"wealth"},
    ),
}


def english_content_words() -> set[str]:
    """Words of the English translations' titles and names: content, English by design.

    Admin listings and reports show pages and snippets of every locale; what an editor wrote in
    the English locale is not interface text.
    """
    words: set[str] = set()
    english = Locale.objects.filter(language_code="en").first()
    if english is None:
        return words
    for model in apps.get_models():
        if not issubclass(model, TranslatableMixin) or model._meta.abstract:
            continue
        for item in model._default_manager.filter(locale=english):
            text = " ".join(
                str(getattr(item, name, "") or "")
                for name in ("title", "name", "headline", "body", "default_headline", "seo_title")
            )
            words |= set(WORD.findall(f"{item} {text}"))
    return words


def not_a_word(url: str, word: str) -> bool:
    pattern = re.sub(r"\d+", "N", url.split("?")[0])
    return any(
        re.fullmatch(key, pattern) and word in words for key, (_why, words) in NOT_WORDS.items()
    )


def admin_start_urls() -> list[str]:
    """The pages each role works with, one of each kind (the menu's links are crawled as well)."""
    urls = [
        "/admin/",
        reverse("wagtailadmin_account"),
        reverse("wagtailadmin_pages:search"),
        reverse("wagtailadmin_workflows:index"),
        reverse("wagtailadmin_workflows:task_index"),
        reverse("wagtailadmin_reports:workflow"),
        reverse("wagtailadmin_reports:workflow_tasks"),
        reverse("wagtailadmin_reports:locked_pages"),
        reverse("wagtailadmin_reports:site_history"),
        reverse("wagtailadmin_reports:aging_pages"),
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_groups:index"),
        reverse("targeting_preview"),
        # the preview's answer with its reasons, for a visitor from Baidu on a phone
        reverse("targeting_preview")
        + "?run=1&device=iphone-safari&referrer=https%3A%2F%2Fwww.baidu.com%2Fs%3Fwd%3D%E4%BF%A1%E7%94%A8%E5%8D%A1",
    ]
    for model in get_page_models():
        page = model.objects.filter(depth__gt=1).first()
        if page is not None:
            urls.append(reverse("wagtailadmin_pages:edit", args=[page.pk]))
            urls.append(reverse("wagtailadmin_pages:history", args=[page.pk]))
    for model in get_snippet_models():
        viewset = model.snippet_viewset
        urls.append(reverse(viewset.get_url_name("list")))
        first = model.objects.first()
        if first is not None:
            urls.append(reverse(viewset.get_url_name("edit"), args=[quote(first.pk)]))
    for model in registry:
        urls.append(
            reverse("wagtailsettings:edit", args=[model._meta.app_label, model._meta.model_name])
        )
    workflow = Workflow.objects.first()
    if workflow is not None:
        urls.append(reverse("wagtailadmin_workflows:edit", args=[workflow.pk]))
    task = Task.objects.first()
    if task is not None:
        urls.append(reverse("wagtailadmin_workflows:edit_task", args=[task.pk]))
    group = Group.objects.get(name="Marketers")
    urls.append(reverse("wagtailusers_groups:edit", args=[group.pk]))
    return urls


def crawl_admin(client: Client, start: list[str], limit: int) -> tuple[dict[str, set[str]], int]:
    """The start pages and the admin pages their links lead to; English words by page."""
    seen: set[str] = set()
    patterns: dict[str, int] = {}
    found: dict[str, set[str]] = {}
    read = 0
    queue = [(url, True) for url in start]
    while queue and len(seen) < limit:
        url, required = queue.pop(0)
        pattern = re.sub(r"\d+", "N", url)
        if url in seen or (not required and patterns.get(pattern, 0) >= PER_PATTERN):
            continue
        seen.add(url)
        patterns[pattern] = patterns.get(pattern, 0) + 1
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if required and response.status_code == 302:
            # a start page that forwards (Settings → Site settings opens the default site's):
            # read where it leads (a refusal leads to the dashboard, read already)
            target = response["Location"]
            if target.startswith("/admin/") and "login" not in target:
                queue.insert(0, (target, True))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        read += 1
        words, links = english_words(response.content.decode())
        if words:
            found[url] = words
        for link in links:
            path = urldefrag(urljoin(url, link))[0]
            if (
                path.startswith("/admin/")
                and "?" not in path
                and not any(part in path for part in SKIP_LINKS)
            ):
                queue.append((path, False))
    return found, read


def test_admin_pages_each_role_uses_are_chinese(client: Client, demo: None) -> None:
    start = admin_start_urls()
    content = english_content_words()
    problems = []
    for role, groups in ROLES.items():
        user = get_user_model().objects.create_user(
            f"zh-{role}".replace(" ", "-"), password="x" * 12, is_superuser=not groups
        )
        for name in groups:
            user.groups.add(Group.objects.get(name=name))
        client.force_login(user)
        found, read = crawl_admin(client, start, limit=300)
        # each role reaches its own work, not only the dashboard
        assert read >= 3, f"the {role} read only {read} admin pages"
        for url, words in found.items():
            new = sorted(w for w in words if w not in content and not not_a_word(url, w))
            if new:
                problems.append(f"{role} {url}: {new}")
    assert not problems, "English text in the admin:\n" + "\n".join(problems)


@pytest.mark.parametrize("password", ["12345", "password", "zh-editor-1"])
def test_password_rules_speak_chinese(password: str) -> None:
    # Given Django's password validators, as the sign-up and password change forms run them
    user = get_user_model()(username="zh-editor-1")
    messages: list[str] = []
    with translation.override("zh-hans"):
        try:
            validate_password(password, user)
        except ValidationError as error:
            messages = error.messages
        help_texts = password_validators_help_texts()
    # Then every message and help text is Chinese
    assert messages
    for text in [*messages, *help_texts]:
        assert not english_words(f"<p>{text}</p>")[0], text


def test_the_admin_crawl_reports_an_untranslated_name(client: Client) -> None:
    # Given a staff group whose name has no translation
    Group.objects.create(name="Untranslated auditors")
    admin = get_user_model().objects.create_user("zh-root", password="x" * 12, is_superuser=True)
    client.force_login(admin)

    # When the crawl reads the group listing
    found, read = crawl_admin(client, [reverse("wagtailusers_groups:index")], limit=1)

    # Then it names the English words, which no known gap excuses
    assert read == 1
    url = reverse("wagtailusers_groups:index")
    assert {"Untranslated", "auditors"} <= found[url]
    assert not any(not_a_word(url, word) for word in ("Untranslated", "auditors"))
