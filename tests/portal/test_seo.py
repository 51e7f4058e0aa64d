"""Search engines: the sitemap lists every live public page and robots.txt points to it."""

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

from portal.models import HomePage, NewsIndexPage
from tests.portal.factories import NewsPageFactory, StandardPageFactory

pytestmark = pytest.mark.django_db


def test_sitemap_lists_live_public_pages_only(
    client: Client, home_page: HomePage, news_index: NewsIndexPage
) -> None:
    # Given live pages, a draft and a password-protected page
    NewsPageFactory(parent=news_index, slug="rate-notice")
    NewsPageFactory(parent=news_index, slug="draft-notice", live=False)
    private = StandardPageFactory(parent=home_page, slug="staff-only")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )

    # When a crawler reads the sitemap
    response = client.get("/sitemap.xml")
    xml = response.content.decode()

    # Then it lists the home page and the live public pages, and nothing else
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert "<loc>http://localhost/</loc>" in xml
    assert "<loc>http://localhost/news/</loc>" in xml
    assert "<loc>http://localhost/news/rate-notice/</loc>" in xml
    assert "draft-notice" not in xml
    assert "staff-only" not in xml


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin(client: Client) -> None:
    response = client.get("/robots.txt")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body
