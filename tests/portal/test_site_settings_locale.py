"""Settings → Site settings in the language an editor chooses (issue 12 item 8): the editor
links each of the site's languages and edits that language's row."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale, Site
from wagtail.test.utils.form_data import nested_form_data, streamfield

from portal.models import SiteSettings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_language_after():
    """Requests to /en/ leave English active in this process; later tests render in Chinese."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def site(home_page) -> Site:
    site = Site.objects.get(is_default_site=True)
    SiteSettings.objects.update_or_create(
        site=site, locale=Locale.get_default(), defaults={"brand_name": "锦程银行"}
    )
    return site


@pytest.fixture
def editor(client: Client) -> Client:
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(user)
    return client


def settings_url(site: Site, **query: str) -> str:
    url = reverse("wagtailsettings:edit", args=("portal", "sitesettings", site.pk))
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def form(**fields: str) -> dict:
    data = {
        "brand_name": "Jincheng Bank",
        "brand_tagline": "",
        "logo": "",
        "hotline": "95568",
        "service_hours": "24/7",
        "navigation": streamfield([]),
        "footer_columns": streamfield([]),
        "social_links": streamfield([]),
        "legal_text": "",
        "icp_number": "",
    }
    data.update(fields)
    return nested_form_data(data)


def test_an_editor_chooses_the_language_of_the_settings_they_edit(
    editor: Client, site: Site
) -> None:
    # Given a site with Chinese settings only, and an editor whose admin is in Chinese
    english = Locale.objects.get_or_create(language_code="en")[0]

    # When the editor opens the settings: the Chinese row, with a link to each language
    page = editor.get(settings_url(site), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="锦程银行"' in html
    assert f'href="{settings_url(site, locale="en")}"' in html
    assert '<strong aria-current="true" lang="zh-hans">简体中文</strong>' in html

    # And chooses English: the English row, started from the Chinese one
    page = editor.get(settings_url(site, locale="en"))
    assert page.status_code == 200
    assert '<strong aria-current="true" lang="en">English</strong>' in page.content.decode()
    assert f'href="{settings_url(site, locale="zh-hans")}"' in page.content.decode()
    assert SiteSettings.objects.filter(site=site, locale=english).count() == 1

    # And saves it: the form posts to the English row, the Chinese row is untouched
    assert f'action="{settings_url(site, locale="en")}"' in page.content.decode()
    saved = editor.post(settings_url(site, locale="en"), form(brand_name="Jincheng Bank"))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert saved["Location"] == settings_url(site, locale="en")
    assert SiteSettings.objects.get(site=site, locale=english).brand_name == "Jincheng Bank"
    assert SiteSettings.objects.get(site=site, locale=Locale.get_default()).brand_name == "锦程银行"

    # And visitors of each language see their own row
    assert "Jincheng Bank" in Client().get("/en/").content.decode()
    assert "锦程银行" in Client().get("/").content.decode()


def test_an_unknown_language_is_refused_and_creates_nothing(editor: Client, site: Site) -> None:
    for bad in ("xx", "", "en%00", "zh-hans%27"):
        response = editor.get(settings_url(site, locale=bad))
        assert response.status_code == 400, bad
        assert "locale" in response.content.decode()
    assert SiteSettings.objects.filter(site=site).count() == 1


def test_a_customer_cannot_open_or_create_another_languages_settings(
    client: Client, site: Site
) -> None:
    customer = get_user_model().objects.create_user("customer", "c@example.com", "pw")
    client.force_login(customer)
    for query in ({"locale": "en"}, {"locale": "xx"}):
        response = client.get(settings_url(site, **query))
        assert response.status_code in (302, 403)
    assert SiteSettings.objects.filter(site=site).count() == 1


def brand_places(html: str) -> dict[str, str]:
    """The brand where visitors read it: the window title, the header and the footer."""
    found = {
        "title": re.search(r"<title>.*\| ([^<]*)</title>", html, re.S),
        "header": re.search(r'<span class="brand__name">([^<]*)</span>', html),
        "footer": re.search(r'<h2 id="footer-contact-heading">([^<]*)</h2>', html),
    }
    assert all(found.values()), {k: bool(v) for k, v in found.items()}
    return {place: match.group(1).strip() for place, match in found.items() if match}


def test_english_pages_name_the_brand_in_english_without_english_settings(site: Site) -> None:
    # Given a site whose settings exist in Chinese only, with a Chinese tagline
    SiteSettings.objects.filter(site=site).update(brand_tagline="稳健、专业、贴心")
    Locale.objects.get_or_create(language_code="en")

    # When an overseas customer opens an English page
    html = Client().get("/en/").content.decode()

    # Then the brand is named in English everywhere, and the Chinese slogan is left out
    assert brand_places(html) == {
        "title": "Jincheng Bank",
        "header": "Jincheng Bank",
        "footer": "Jincheng Bank",
    }
    assert "稳健、专业、贴心" not in html
    # while Chinese pages keep the stored brand and tagline
    chinese = Client().get("/").content.decode()
    assert set(brand_places(chinese).values()) == {"锦程银行"}
    assert "稳健、专业、贴心" in chinese


def test_a_renamed_brand_is_a_proper_name_on_every_language(site: Site) -> None:
    # Given a bank that renamed its brand in the Chinese settings only
    SiteSettings.objects.filter(site=site).update(brand_name="华夏锦程")
    Locale.objects.get_or_create(language_code="en")

    # Then English pages show that name rather than the portal's default brand
    assert set(brand_places(Client().get("/en/").content.decode()).values()) == {"华夏锦程"}


def test_an_empty_brand_shows_the_portals_name_in_the_pages_language(site: Site) -> None:
    SiteSettings.objects.filter(site=site).update(brand_name="")
    Locale.objects.get_or_create(language_code="en")
    assert set(brand_places(Client().get("/").content.decode()).values()) == {"锦程银行"}
    assert set(brand_places(Client().get("/en/").content.decode()).values()) == {"Jincheng Bank"}
