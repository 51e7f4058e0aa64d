"""Fixtures for the site-wide pages: a default site whose root is a fresh HomePage."""

import pytest
from wagtail.models import Page, Site

from portal.models import HomePage, NewsIndexPage
from tests.portal.factories import HomePageFactory, NewsIndexPageFactory


@pytest.fixture
def home_page(db) -> HomePage:
    """The portal home page, served as the default site's root at /."""
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    else:
        site.root_page = home
        site.save()
    return home


@pytest.fixture
def news_index(home_page: HomePage) -> NewsIndexPage:
    return NewsIndexPageFactory(parent=home_page)
