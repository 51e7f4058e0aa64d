"""The demo site has no broken internal link or image, in Chinese (/) and English (/en/).

Crawls the public pages from both home pages as an anonymous visitor, following every link to
this site (account pages may send the visitor to sign in; that is not broken), and checks that
every image and stylesheet or script a page uses exists. Chinese pages use Chinese punctuation.
"""

from __future__ import annotations

import io
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

START_PAGES = ["/", "/en/"]
# Not pages: the admin, the API, the language switch and sign-out posts, file downloads.
SKIPPED_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/api/",
    "/i18n/",
    "/accounts/logout/",
    "/documents/",
)
MAX_PAGES = 400


# A Chinese character next to ASCII punctuation: Chinese text takes full-width ，？！；：（）.
ASCII_PUNCTUATION = re.compile(r"[\u4e00-\u9fff][,?!;:(]|[,?!;)][\u4e00-\u9fff]")


class LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.assets: list[str] = []
        self.text: list[str] = []
        self._skipping = 0

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.text.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "style"):
            self._skipping += 1
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        elif tag == "img" and values.get("src"):
            self.assets.append(values["src"] or "")
        elif tag == "source" and values.get("srcset"):
            self.assets += [
                part.strip().split(" ")[0] for part in (values["srcset"] or "").split(",")
            ]
        elif tag == "link" and values.get("rel") in ("stylesheet", "icon") and values.get("href"):
            self.assets.append(values["href"] or "")
        elif tag == "script" and values.get("src"):
            self.assets.append(values["src"] or "")


def internal(url: str, base: str) -> str | None:
    """The path (with query) of a link to this site, or None for other sites and non-pages."""
    absolute, _fragment = urldefrag(urljoin("http://testserver" + base, url))
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if path.startswith(SKIPPED_PREFIXES):
        return None
    return path


def asset_exists(path: str) -> bool:
    location = urlsplit(path).path
    if location.startswith("/static/"):
        return finders.find(location.removeprefix("/static/")) is not None
    if location.startswith("/media/"):
        return default_storage.exists(location.removeprefix("/media/"))
    return Client().get(path).status_code == 200


@pytest.fixture
def demo_site() -> None:
    call_command("seed_demo", stdout=io.StringIO())


def test_every_internal_link_and_image_of_the_demo_works(demo_site) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    # A visitor who answered the cookie banner, so pages look as they do after the first visit.
    client.cookies["consent"] = "necessary"
    queue: deque[tuple[str, str]] = deque((page, "start") for page in START_PAGES)
    seen: set[str] = set(START_PAGES)
    checked_assets: dict[str, bool] = {}
    broken: list[str] = []
    punctuation: set[str] = set()
    crawled = 0
    while queue and crawled < MAX_PAGES:
        path, found_on = queue.popleft()
        response = client.get(path, follow=True)
        crawled += 1
        if response.status_code != 200:
            broken.append(f"{path} (linked from {found_on}): {response.status_code}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = LinkParser()
        parser.feed(response.content.decode())
        for asset in parser.assets:
            target = internal(asset, path)
            if target is None:
                continue
            if target not in checked_assets:
                checked_assets[target] = asset_exists(target)
            if not checked_assets[target]:
                broken.append(f"{target} (image or file on {path}): missing")
        if not path.startswith("/en/"):
            for match in ASCII_PUNCTUATION.finditer(" ".join(parser.text)):
                punctuation.add(f"{path}: …{match.group(0)}…")
        for link in parser.links:
            target = internal(link, path)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append((target, path))
    # Then nothing is broken, and the crawl really covered the site in both languages
    assert broken == []
    assert sorted(punctuation) == []
    assert crawled >= 40, crawled
    assert any(page.startswith("/en/") for page in seen - {"/en/"})
    assert "/products/" in seen and "/complaints/" in seen
    assert checked_assets, "no images were checked"
