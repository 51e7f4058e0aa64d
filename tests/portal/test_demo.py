"""The demo content: `manage.py seed_demo` builds the portal and running it again changes nothing."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from wagtail.images import get_image_model
from wagtail.models import Page, Revision, Site
from wagtail_localize.models import StringTranslation, TranslationSource

from portal.models import HomePage, KnowledgePage, NewsPage, SiteSettings

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    portal_types = ContentType.objects.filter(app_label="portal")
    return {
        "pages": Page.objects.count(),
        # Revisions of the portal's own pages: a re-run must not republish unchanged pages.
        "portal revisions": Revision.objects.filter(content_type__in=portal_types).count(),
        # Product pages too (their English translations are republished when their source's
        # block ids change: the demo gives its list items stable ids)
        "product revisions": Revision.objects.filter(
            content_type__in=ContentType.objects.filter(app_label="products")
        ).count(),
        "translation sources": TranslationSource.objects.count(),
        "string translations": StringTranslation.objects.count(),
        "images": get_image_model().objects.count(),
        "sites": Site.objects.count(),
    }


def test_seed_demo_builds_the_portal_and_is_idempotent() -> None:
    # Given a fresh database with Wagtail's "Welcome" page
    # When the demo is seeded twice
    call_command("seed_demo", stdout=io.StringIO())
    after_first = counts()
    call_command("seed_demo", stdout=io.StringIO())

    # Then the second run created and changed nothing
    second = counts()
    assert second == after_first, (after_first, second)

    # And the default site serves the demo home page, in Chinese, in place of "Welcome"
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.locale.language_code == "zh-hans"
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()
    assert NewsPage.objects.live().count() >= 6
    assert KnowledgePage.objects.live().count() >= 8
    # (the site's own tree; its English translations are a sibling tree: test_english_pages.py)
    tree = site.root_page.get_descendants(inclusive=True)
    assert all(page.locale.language_code == "zh-hans" for page in tree)

    # And the menu links the sections that exist
    with translation.override("zh-hans"):  # (the site settings of the Chinese pages)
        labels = [item.value.text for item in SiteSettings.for_site(site).navigation]
    assert {"新闻", "知识库", "社区"} <= set(labels)

    # And visitors see it
    html = Client().get("/").content.decode()
    assert "锦程银行" in html
    assert "关于调整人民币存款利率的公告" in html
