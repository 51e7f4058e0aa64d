"""Error pages: a friendly 404 in the portal's style and a standalone 500 page."""

import pytest
from django.template import loader
from django.test import Client

from portal.models import HomePage

pytestmark = pytest.mark.django_db


def test_a_missing_page_gets_the_portal_404(client: Client, home_page: HomePage) -> None:
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面未找到" in html
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert 'action="/search/"' in html  # a way on: search


def test_a_missing_page_under_en_gets_the_english_404(client: Client, home_page: HomePage) -> None:
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.urls("tests.portal.urls")
def test_a_failing_view_gets_the_500_page(client: Client, home_page: HomePage) -> None:
    client.raise_request_exception = False
    response = client.get("/test-broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "服务暂时不可用" in html
    assert "锦程银行" in html  # WAGTAIL_SITE_NAME, the bank's name


def test_the_500_page_renders_without_request_or_database(
    django_assert_num_queries,
) -> None:
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render({"site_name": "锦程银行"})
    assert "锦程银行" in html and '<html lang="zh-hans">' in html
