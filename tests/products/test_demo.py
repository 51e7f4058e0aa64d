"""The demo catalogue built by `manage.py seed_demo`."""

import io

import pytest
from wagtail.images import get_image_model

from portal.models import HomePage
from products import demo
from products.choices import CustomerGroup, ProductType
from products.models import ProductApplication, ProductIndexPage, ProductPage

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int]:
    return (
        ProductIndexPage.objects.count(),
        ProductPage.objects.count(),
        ProductApplication.objects.count(),
        get_image_model().objects.count(),
    )


def test_seed_builds_the_catalogue_and_running_it_again_changes_nothing(home_page):
    # Given a portal with a home page
    # When the demo is seeded twice
    demo.seed(io.StringIO())
    first = counts()
    demo.seed(io.StringIO())
    # Then nothing is duplicated
    assert counts() == first
    # And every customer group and every product type is there, at least 20 products
    index_pages = ProductIndexPage.objects.child_of(home_page)
    assert {page.slug for page in index_pages} == {
        "personal",
        "corporate",
        "small-business",
        "private-banking",
    }
    assert {page.customer_group for page in index_pages} == set(CustomerGroup.values)
    assert set(ProductPage.objects.values_list("product_type", flat=True)) == set(
        ProductType.values
    )
    assert first[1] >= 20
    statuses = set(ProductApplication.objects.values_list("status", flat=True))
    assert len(statuses) >= 3


def test_seeded_products_render(client, home_page):
    demo.seed(io.StringIO())
    product = ProductPage.objects.get(slug="steady-wealth")
    response = client.get(product.url)
    assert response.status_code == 200
    assert "稳盈理财" in response.content.decode()
    assert product.risk_level == "R2"


def test_without_a_home_page_the_seed_creates_nothing(db):
    HomePage.objects.all().delete()
    out = io.StringIO()
    demo.seed(out)
    assert ProductPage.objects.count() == 0
    assert "no portal HomePage" in out.getvalue()
