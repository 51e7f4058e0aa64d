"""The language switcher links to the same page in the other language, both ways (issue 12 item 2).

Plain links computed per page: a page's live translation when it has one, the same path under the
other language's prefix otherwise; no form, so no CSRF token on anonymous pages.
"""

import re

import pytest
from django.test import Client
from wagtail.models import Locale, Page

from portal.models import HomePage
from tests.portal.factories import StandardPageFactory

pytestmark = pytest.mark.django_db

SWITCHER = re.compile(r'<nav class="language-switcher".*?</nav>', re.S)


def switch_links(client: Client, path: str) -> dict[str, str]:
    """hreflang -> href of the switcher's links on ``path``."""
    response = client.get(path)
    match = SWITCHER.search(response.content.decode())
    assert match, f"no language switcher on {path}"
    return {
        lang: href.replace("&amp;", "&")
        for href, lang in re.findall(r'href="([^"]*)" hreflang="([^"]+)"', match.group(0))
    }


def english_locale() -> Locale:
    return Locale.objects.get_or_create(language_code="en")[0]


def translate(page: Page, title: str, slug: str) -> Page:
    """An English copy of ``page`` (under its parent's English copy), published."""
    copy = page.copy_for_translation(english_locale(), copy_parents=True)
    copy.title = title
    copy.slug = slug
    copy.save_revision().publish()
    return Page.objects.get(pk=copy.pk).specific  # url_path follows the new slug


def test_the_switcher_is_links_without_a_form_or_csrf_token(
    client: Client, home_page: HomePage
) -> None:
    html = client.get("/").content.decode()
    switcher = SWITCHER.search(html).group(0)
    assert "<form" not in switcher
    assert "csrfmiddlewaretoken" not in switcher
    assert "/i18n/setlang/" not in html
    assert 'aria-current="true" lang="zh-hans">简体中文' in switcher


def test_home_switches_both_ways(client: Client, home_page: HomePage) -> None:
    assert switch_links(client, "/") == {"en": "/en/"}
    assert switch_links(client, "/en/") == {"zh-hans": "/"}


def test_an_untranslated_page_keeps_its_path_in_the_other_language(
    client: Client, home_page: HomePage
) -> None:
    page = StandardPageFactory(parent=home_page, slug="about")
    assert switch_links(client, "/about/") == {"en": "/en/about/"}
    assert switch_links(client, "/en/about/") == {"zh-hans": "/about/"}
    assert switch_links(client, "/en/about/?page=2") == {"zh-hans": "/about/?page=2"}
    assert client.get("/en/about/").status_code == 200
    assert page.live


def test_a_translated_page_links_to_its_translation_both_ways(
    client: Client, home_page: HomePage
) -> None:
    page = StandardPageFactory(parent=home_page, slug="guanyu")
    english = translate(page, "About us", "about-us")
    english_url = english.get_url()
    assert english_url.startswith("/en/")
    assert switch_links(client, "/guanyu/") == {"en": english_url}
    assert client.get(english_url).status_code == 200
    assert switch_links(client, english_url) == {"zh-hans": "/guanyu/"}


def test_a_draft_translation_is_not_linked(client: Client, home_page: HomePage) -> None:
    page = StandardPageFactory(parent=home_page, slug="rates")
    english = translate(page, "Rates", "rates-en")
    english.unpublish()
    links = switch_links(client, "/rates/")
    assert links["en"] != english.get_url()


def test_an_untranslated_page_in_a_translated_site_leads_to_its_nearest_translated_ancestor(
    client: Client, home_page: HomePage
) -> None:
    section = StandardPageFactory(parent=home_page, slug="help")
    english_section = translate(section, "Help", "help")
    StandardPageFactory(parent=section, slug="only-chinese")
    links = switch_links(client, "/help/only-chinese/")
    # /en/help/only-chinese/ does not exist once the site has an English tree.
    assert links == {"en": english_section.get_url()}
    assert client.get(links["en"]).status_code == 200


def test_views_outside_wagtail_keep_path_and_query(client: Client, home_page: HomePage) -> None:
    assert switch_links(client, "/search/?q=%E7%90%86%E8%B4%A2&page=2") == {
        "en": "/en/search/?q=%E7%90%86%E8%B4%A2&page=2"
    }
    assert switch_links(client, "/en/search/?q=loan") == {"zh-hans": "/search/?q=loan"}


def test_a_missing_page_still_switches(client: Client, home_page: HomePage) -> None:
    assert switch_links(client, "/no-such-page/") == {"en": "/en/no-such-page/"}
    assert switch_links(client, "/en/no-such-page/") == {"zh-hans": "/no-such-page/"}


def test_hostile_paths_do_not_break_the_switcher(client: Client, home_page: HomePage) -> None:
    for path in ("/%00/", "/en/%E2%80%AE/", "/search/?q=%00%3Cscript%3E", "/" + "a/" * 300):
        response = client.get(path)
        assert response.status_code in (200, 400, 404), path
        assert "<script>" not in SWITCHER.search(response.content.decode()).group(0)
