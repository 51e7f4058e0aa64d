"""English pages for overseas customers (issue 12 item 8): the seeded demo's home page, product
pages, news, standard pages and knowledge base are translated into English with wagtail-localize, each translated page
links its other languages (hreflang), and /sitemap.xml lists every language with alternates."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET  # parses our own sitemap, not untrusted input

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from wagtail.models import Locale, Page
from wagtail_localize.models import StringTranslation, Translation
from wagtail_localize.segments import StringSegmentValue

from portal.blocks import PortalTableBlock
from portal.models import HomePage, KnowledgePage

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")
ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def main_text(html: str) -> str:
    """The visible text of the page's <main> (the content, without the site's header and
    footer, which come from the site settings)."""
    main = re.search(r"<main\b.*?</main>", html, re.S)
    assert main, "no <main> on the page"
    text = re.sub(r"<(script|style)\b.*?</\1>", "", main.group(0), flags=re.S)
    return re.sub(r"<[^>]+>", " ", text)


@pytest.fixture(autouse=True)
def default_language_after():
    """Requests to /en/ leave English active in this process (LocaleMiddleware activates the
    URL's language and nothing resets it): later tests would render in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks) -> str:
    out = io.StringIO()
    # wagtail-localize publishes translated pages when the seed's transactions commit
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_english_demo_pages_hreflang_and_sitemap(demo: str) -> None:
    client = Client()
    english = Locale.objects.get(language_code="en")

    # Given the seeded demo: every source string of the translated pages has English text
    assert "no English text for" not in demo

    # Then the English home page is English, with its products and the hero in English
    home = client.get("/en/")
    assert home.status_code == 200
    html = home.content.decode()
    assert '<html lang="en">' in html
    assert "Steady growth for every yuan you save" in html
    assert "Lump-sum time deposit" in html  # product highlights link the English products
    assert 'href="/en/personal/time-deposit/"' in html

    # And the header and footer come from the English site settings, Chinese pages keep theirs
    assert "Personal banking" in html and "Jincheng Bank" in html
    assert "Help centre" in html and "个人业务" not in html
    chinese_home = client.get("/").content.decode()
    assert "个人业务" in chinese_home and "Personal banking" not in chinese_home

    # And it names its other languages in the head (absolute URLs, x-default = Chinese)
    links = dict(ALTERNATE.findall(html))
    assert links == {
        "en": "http://testserver/en/",
        "zh-Hans": "http://testserver/",
        "x-default": "http://testserver/",
    }
    chinese = dict(ALTERNATE.findall(chinese_home))
    assert chinese == links

    # And the product pages, the catalogue and a knowledge article read in English, without
    # Chinese in the content: a product's feature list, rate table and FAQ included (their
    # list items are in Wagtail's block format, which wagtail-localize segments)
    product = client.get("/en/personal/time-deposit/").content.decode()
    assert "Lump-sum time deposit" in product
    assert "Deposit once and withdraw at maturity" in product
    assert "A fixed rate" in product and "3 months" in product and "Is my deposit safe?" in product
    for url in ("/en/personal/time-deposit/", "/en/personal/steady-wealth/"):
        text = main_text(client.get(url).content.decode())
        assert not HAN.findall(text), (url, HAN.findall(text))
    catalogue = client.get("/en/products/").content.decode()
    assert not HAN.findall(main_text(catalogue)), HAN.findall(main_text(catalogue))
    article = client.get("/en/knowledge/open-mobile-banking/").content.decode()
    assert "How do I start using mobile banking?" in article
    assert not HAN.findall(main_text(article)), HAN.findall(main_text(article))
    assert dict(ALTERNATE.findall(article))["zh-Hans"].endswith("/knowledge/open-mobile-banking/")

    # And every English page of the demo (news, standard pages with their tables, the
    # complaints entry page, knowledge, products) has no Chinese in its content, and the English
    # home page lists the English news
    for page in Page.objects.live().filter(locale=english, depth__gte=2).order_by("path"):
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        text = main_text(response.content.decode())
        assert not HAN.findall(text), (page.url, HAN.findall(text))
    assert 'href="/en/news/deposit-rate-adjustment/"' in html
    assert "Notice of changes to CNY deposit rates" in html
    # (a comparison link switched to English keeps the Chinese pages' ids: it shows the
    # English products)
    ids = ",".join(
        str(page.get_translation(Locale.get_default()).pk)
        for page in Page.objects.filter(
            locale=english, slug__in=["time-deposit", "large-certificate-of-deposit"]
        ).order_by("slug")
    )
    compare = main_text(client.get(f"/en/products/compare/?ids={ids}").content.decode())
    assert "Lump-sum time deposit" in compare and not HAN.findall(compare), HAN.findall(compare)
    complaints = main_text(client.get("/en/complaints/").content.decode())
    assert "Steps and time limits" in complaints and "12378" in complaints
    assert (
        "Posted CNY deposit rates"
        in client.get("/en/news/deposit-rate-adjustment/").content.decode()
    )

    # And the translations are wagtail-localize's, so editors find them in its editor: every
    # Chinese string of the source has an English string translation
    for page in (
        HomePage.objects.get(locale=english),
        KnowledgePage.objects.filter(locale=english).first(),
    ):
        source_page = page.get_translation(Locale.get_default())
        translation = Translation.objects.get(
            source__object_id=source_page.translation_key, target_locale=english
        )
        segments = translation.source.stringsegment_set.select_related("string")
        chinese = [s for s in segments if HAN.search(s.string.data)]
        assert chinese
        for segment in chinese:
            assert StringTranslation.objects.filter(
                translation_of=segment.string, locale=english, context=segment.context
            ).exists(), segment.string.data

    # And the sitemap lists both languages, each translated page with its alternates
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    urls = {
        url.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
        }
        for url in ET.fromstring(sitemap.content).findall(f"{SITEMAP}url")  # noqa: S314
    }
    assert urls["http://localhost/en/personal/time-deposit/"] == {
        "en": "http://localhost/en/personal/time-deposit/",
        "zh-Hans": "http://localhost/personal/time-deposit/",
        "x-default": "http://localhost/personal/time-deposit/",
    }
    assert urls["http://localhost/personal/time-deposit/"]["en"].endswith(
        "/en/personal/time-deposit/"
    )
    # The standard pages are translated too
    assert urls["http://localhost/about/"]["en"] == "http://localhost/en/about/"

    # And an English visitor sees the home page's promotion slot in English
    assert "Caring service for every customer" in html or "See all products" in html


def test_page_without_translation_has_no_hreflang_links(home_page: HomePage) -> None:
    html = Client().get("/").content.decode()
    assert not ALTERNATE.findall(html)
    assert Page.objects.filter(locale__language_code="en").count() == 0


def test_setlang_is_gone_and_the_complaint_lookup_has_a_customer_address(db) -> None:
    client = Client()
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 404
    response = client.get("/complaints/lookup/")
    assert response.status_code == 302
    assert response["Location"] == "/community/complaints/lookup/"
    english = client.get("/en/complaints/lookup/?number=C1")
    assert english["Location"] == "/en/community/complaints/lookup/?number=C1"


def test_table_block_cells_are_translatable_segments() -> None:
    # Given a table of words and figures (wagtail-localize extracts nothing from a TableBlock)
    block = PortalTableBlock()
    value = {
        "table_caption": "人民币存款挂牌利率",
        "data": [["期限", "年利率"], ["活期", "0.10"], [None, " "]],
        "first_row_is_table_header": True,
    }
    # Then the caption and the cells with words are segments, figures and empty cells are not
    segments = block.get_translatable_segments(value)
    assert {s.path: s.render_text() for s in segments} == {
        "table_caption": "人民币存款挂牌利率",
        "data.0.0": "期限",
        "data.0.1": "年利率",
        "data.1.0": "活期",
    }
    assert block.get_translatable_segments(None) == []
    # And translated segments come back in their cells, the source value untouched
    english = ["Posted rates", "Term", "Rate", "Demand"]
    translated = block.restore_translated_segments(
        value,
        [StringSegmentValue(s.path, text) for s, text in zip(segments, english, strict=True)],
    )
    assert translated["table_caption"] == "Posted rates"
    assert translated["data"] == [["Term", "Rate"], ["Demand", "0.10"], [None, " "]]
    assert value["data"][0][0] == "期限"
