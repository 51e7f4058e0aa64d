"""The English header on a 1440x900 desktop (issue 12): the menu on one line and the search
placeholder whole; and the cookie banner within a third of a phone in English too."""

import pytest
from wagtail.models import Page, Site

from portal.demo_english import english_locale, translate
from portal.models import SiteSettings
from tests.portal.factories import HomePageFactory

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.browser.urls")]

# The demo's English menu (portal.demo_english_text), the longest labels the header carries.
MENU = [
    "Personal banking",
    "Corporate banking",
    "Small business",
    "Private banking",
    "News",
    "Knowledge base",
    "Community",
]

# What the header measures in the page: the menu's height against one link's, and the
# placeholder's text width against the room inside the search box.
MEASURE = """() => {
    const menu = document.querySelector(".site-nav ul");
    const input = document.querySelector("#header-search-q");
    const style = getComputedStyle(input);
    const context = document.createElement("canvas").getContext("2d");
    context.font = style.font;
    return {
        menu: menu.getBoundingClientRect().height,
        link: menu.querySelector("a").getBoundingClientRect().height,
        text: context.measureText(input.placeholder).width,
        room: input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
        scroll: input.scrollWidth,
        client: input.clientWidth,
    };
}"""

# The banner's max-height as its stylesheet writes it (headless Chromium has no address bar,
# so svh and vh measure the same there).
BANNER_CAP = """() => {
    for (const sheet of document.styleSheets) {
        for (const rule of sheet.cssRules) {
            if (rule.selectorText === ".consent-banner" && rule.style.maxHeight) {
                return rule.style.maxHeight;
            }
        }
    }
    return null;
}"""


@pytest.fixture
def english_home(transactional_db) -> Page:
    home = HomePageFactory(parent=Page.get_first_root_node())
    site, _ = Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    translate(home, english_locale(), set())
    navigation = [("link", {"label": label, "url": f"/en/{n}/"}) for n, label in enumerate(MENU)]
    SiteSettings.objects.create(
        site=site,
        locale=english_locale(),
        brand_name="Jincheng Bank",
        navigation=navigation,
        translation_key=SiteSettings.for_site(site).translation_key,
    )
    return home


def test_the_english_header_menu_is_one_line_and_the_placeholder_whole(
    browser, live_server, english_home, artifacts_dir
) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    context.add_cookies([{"name": "consent", "value": "necessary", "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/en/")
    assert page.locator(".site-nav a").count() == len(MENU)
    page.screenshot(path=str(artifacts_dir / "header-english-desktop.png"))
    box = page.evaluate(MEASURE)
    # The menu is as high as one of its links: one line
    assert box["menu"] == pytest.approx(box["link"], abs=1), box
    # The placeholder fits its box: "Search products, news, help", not "Search products, news, I"
    assert box["text"] <= box["room"], box
    assert box["scroll"] <= box["client"], box
    context.close()


def test_the_english_cookie_banner_keeps_within_a_third_of_a_phone(
    browser, live_server, english_home, artifacts_dir
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    page = context.new_page()
    page.goto(f"{live_server.url}/en/")
    banner = page.locator("#consent-banner")
    page.screenshot(path=str(artifacts_dir / "banner-english-phone.png"))
    assert banner.bounding_box()["height"] <= 844 / 3
    assert page.get_by_role("button", name="Accept all").is_visible()
    assert page.get_by_role("button", name="Necessary only").is_visible()
    page.get_by_text("Choose purpose by purpose").click()
    assert banner.bounding_box()["height"] <= 844 / 3
    # On a real phone the address and tool bars take part of the 844 px: the cap is a third of
    # the small viewport (svh, bars shown), not of vh (bars hidden), which measured about 40%.
    assert page.evaluate(BANNER_CAP) == "33svh"
    context.close()
