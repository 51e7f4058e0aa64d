"""Every public page type has a meta description, and search results are kept out of search
engines on purpose (issue 12 item 9: Lighthouse SEO on phones)."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from wagtail.models import Page

from community.models import Topic

pytestmark = pytest.mark.django_db

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)">')
ROBOTS = re.compile(r'<meta name="robots" content="([^"]*)">')


@pytest.fixture
def demo(db) -> None:
    call_command("seed_demo", stdout=io.StringIO())


def public_urls() -> list[str]:
    urls = ["/", "/en/", "/search/?q=%E8%B4%B7%E6%AC%BE", "/en/search/?q=loan", "/community/"]
    urls.append("/community/b/general/")
    topic = Topic.objects.order_by("pk").first()
    if topic is not None:
        urls.append(topic.get_absolute_url())
    # Public pages only: a page variant is a private copy served at its canonical page's URL.
    for page in Page.objects.live().public().filter(depth__gt=2).specific():
        kind = type(page).__name__
        if kind in ("ProductPage", "ProductIndexPage", "NewsIndexPage", "NewsPage"):
            urls.append(page.url)
        if kind in ("KnowledgeIndexPage", "KnowledgePage", "StandardPage"):
            urls.append(page.url)
    return list(dict.fromkeys(urls))


def test_every_public_page_type_has_a_meta_description(client: Client, demo: None) -> None:
    missing = []
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        match = DESCRIPTION.search(response.content.decode())
        if not match or not match.group(1).strip():
            missing.append(url)
    assert not missing, f"no meta description: {missing}"


def test_search_results_are_noindex_on_purpose_and_pages_are_indexable(
    client: Client, demo: None
) -> None:
    for url in ("/search/", "/search/?q=%E7%90%86%E8%B4%A2", "/en/search/?q=loan"):
        html = client.get(url).content.decode()
        assert ROBOTS.search(html).group(1) == "noindex, follow", url
    for url in ("/", "/community/"):
        assert not ROBOTS.search(client.get(url).content.decode()), url
