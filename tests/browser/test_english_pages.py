"""Switching language on a page translated with wagtail-localize lands on its translation, in a
browser, both ways (issue 12 item 8), on a phone and a desktop."""

import pytest
from wagtail.models import Page, Site

from portal.demo_english import english_locale, translate
from portal.models import SiteSettings
from tests.portal.factories import HomePageFactory, KnowledgeIndexPageFactory, KnowledgePageFactory

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.browser.urls")]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}


@pytest.fixture
def article(transactional_db) -> Page:
    """A knowledge article translated into English as the demo seed does it (its strings are in
    portal.demo_english_text)."""
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root)
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    index = KnowledgeIndexPageFactory(parent=home)
    article = KnowledgePageFactory(
        parent=index,
        slug="open-mobile-banking",
        title="如何开通手机银行？",
        summary="下载应用，用本人借记卡与预留手机号注册，几分钟即可开通。",
    )
    english = english_locale()
    missing: set[str] = set()
    for page in (home, index, article):
        translate(page, english, missing)
    assert "如何开通手机银行？" not in missing
    # The English header's brand, as the demo's English site settings have it
    site = Site.objects.get(is_default_site=True)
    SiteSettings.objects.create(
        site=site,
        locale=english,
        brand_name="Jincheng Bank",
        translation_key=SiteSettings.for_site(site).translation_key,
    )
    return article


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_switching_language_lands_on_the_translation(
    browser, live_server, article, artifacts_dir, viewport
) -> None:
    page = browser.new_page(viewport=VIEWPORTS[viewport])
    page.goto(f"{live_server.url}/knowledge/open-mobile-banking/")
    assert page.locator("h1").inner_text() == "如何开通手机银行？"
    english_link = page.locator('head link[rel=alternate][hreflang="en"]')
    assert english_link.get_attribute("href").endswith("/en/knowledge/open-mobile-banking/")

    page.locator(".language-switcher a[hreflang=en]").click()
    page.wait_for_url(f"{live_server.url}/en/knowledge/open-mobile-banking/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "How do I start using mobile banking?"
    # The header keeps the brand, the account button and the menu button on one line (the
    # longer English words wrapped the menu button onto a second line of a 390 px phone)
    tops = page.evaluate(
        "() => Array.from(document.querySelectorAll("
        "'.header-main > .brand, .header-main > .account-menu, .header-main > .nav-toggle'))"
        ".filter(e => e.offsetParent !== null)"
        ".map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(tops) >= 2 and len(set(tops)) == 1, tops
    page.screenshot(path=str(artifacts_dir / f"english-article-{viewport}.png"), full_page=True)

    page.locator(".language-switcher a[hreflang=zh-hans]").click()
    page.wait_for_url(f"{live_server.url}/knowledge/open-mobile-banking/")
    assert page.locator("h1").inner_text() == "如何开通手机银行？"
    page.close()


def test_translate_reports_missing_english(transactional_db) -> None:
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root, title="一个没有译文的标题")
    missing: set[str] = set()
    translate(home, english_locale(), missing)
    assert "一个没有译文的标题" in missing
