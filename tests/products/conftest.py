"""Fixtures for the product catalogue: a site whose home page holds a product section."""

import pytest
from wagtail.models import Page, Site

from portal.models import HomePage
from tests.products.factories import ProductIndexPageFactory


@pytest.fixture
def home_page(db) -> HomePage:
    """The portal home page, served as the default site's root."""
    root = Page.get_first_root_node()
    home = HomePage(title="首页", slug="home-products-tests")
    root.add_child(instance=home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    else:
        site.root_page = home
        site.save()
    return home


@pytest.fixture
def personal_index(home_page):
    return ProductIndexPageFactory(parent=home_page, slug="personal", customer_group="personal")
