"""Switching language in a browser lands on the same page in the other language, both ways
(issue 12 item 2), on a phone and a desktop, without a CSRF cookie for the switcher."""

import pytest
from wagtail.models import Page, Site

from tests.portal.factories import HomePageFactory, StandardPageFactory

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.browser.urls")]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}


@pytest.fixture
def about_page(transactional_db) -> Page:
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root)
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    return StandardPageFactory(parent=home, slug="about", title="关于我们")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_switching_language_keeps_the_page(
    browser, live_server, about_page, artifacts_dir, viewport
) -> None:
    page = browser.new_page(viewport=VIEWPORTS[viewport])
    page.goto(f"{live_server.url}/about/?from=test")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.locator(".language-switcher a[hreflang=en]").click()
    page.wait_for_url(f"{live_server.url}/en/about/?from=test")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "关于我们"  # no English translation yet
    page.screenshot(path=str(artifacts_dir / f"language-switch-en-{viewport}.png"))
    page.locator(".language-switcher a[hreflang=zh-hans]").click()
    page.wait_for_url(f"{live_server.url}/about/?from=test")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    cookies = {cookie["name"] for cookie in page.context.cookies()}
    assert "django_language" not in cookies
    page.close()
