"""The all-products page (/products/) the home page's 查看全部产品 button promises."""

import pytest
from django.utils import translation

from products.models import ProductCataloguePage
from tests.products.factories import (
    ProductIndexPageFactory,
    ProductPageFactory,
    WealthProductPageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(home_page) -> ProductCataloguePage:
    page = ProductCataloguePage(title="全部产品", slug="products")
    home_page.add_child(instance=page)
    return page


@pytest.fixture
def two_groups(home_page, personal_index):
    corporate = ProductIndexPageFactory(
        parent=home_page, slug="corporate", title="公司业务", customer_group="corporate"
    )
    ProductPageFactory(parent=personal_index, title="整存整取定期存款")
    WealthProductPageFactory(parent=personal_index, title="稳盈理财R2", risk_level="R2")
    WealthProductPageFactory(parent=personal_index, title="进取理财R4", risk_level="R4")
    ProductPageFactory(parent=corporate, title="单位定期存款")
    return personal_index, corporate


def body(response) -> str:
    return response.content.decode().split("<main", 1)[1].split("</main>")[0]


def test_products_address_serves_every_group_by_type(client, catalogue, two_groups):
    # Given products under two customer groups
    # When a visitor follows 查看全部产品 to /products/
    response = client.get("/products/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    # Then every product is there, in sections per group, with a link to each group's page
    html = body(response)
    assert response.status_code == 200
    for title in ("整存整取定期存款", "稳盈理财R2", "进取理财R4", "单位定期存款"):
        assert title in html
    assert html.index('id="section-personal"') < html.index('id="section-corporate"')
    assert 'href="/personal/"' in html and 'href="/corporate/"' in html
    # And the risk levels are explained
    assert "R5" in html and 'id="risk-levels-heading"' in html


def test_filters_by_group_type_and_risk_ceiling(client, catalogue, two_groups):
    html = body(client.get("/products/", {"group": "corporate"}))
    assert "单位定期存款" in html and "整存整取定期存款" not in html

    html = body(client.get("/products/", {"type": "wealth"}))
    assert "稳盈理财R2" in html and "进取理财R4" in html and "单位定期存款" not in html

    # A risk ceiling keeps rated products at or below it, and drops unrated ones
    html = body(client.get("/products/", {"risk": "R3"}))
    assert "稳盈理财R2" in html
    assert "进取理财R4" not in html and "整存整取定期存款" not in html


def test_filtered_views_stay_out_of_the_index(client, catalogue, two_groups):
    assert 'content="noindex' not in client.get("/products/").content.decode()
    assert 'content="noindex' in client.get("/products/?type=loan").content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"group": "x\x00"},
        {"type": ["deposit", "loan"]},
        {"risk": "NaN"},
        {"risk": "R9" * 5000},
        {"group": "<script>alert(1)</script>"},
    ],
)
def test_hostile_filters_are_ignored_with_a_note(client, catalogue, two_groups, query):
    with translation.override("en"):
        response = client.get("/en/products/", query)
    html = body(response)
    assert response.status_code == 200
    assert "整存整取定期存款" in html  # the bad filter was dropped, not applied
    assert "not recognised" in html
    assert "<script>alert" not in html


def test_no_match_says_so_and_offers_everything(client, catalogue, two_groups):
    with translation.override("en"):
        html = body(client.get("/en/products/", {"group": "private_banking"}))
    assert "No products match these filters." in html


def test_only_one_catalogue_per_home_page(catalogue, home_page):
    assert not ProductCataloguePage.can_create_at(home_page)


def test_compare_still_answers_under_products(client, catalogue, two_groups):
    assert client.get("/products/compare/").status_code == 200


def test_search_engines_get_a_description(client, home_page):
    # A page with an SEO description and none: both render, each with a meta description
    page = ProductCataloguePage(
        title="全部产品",
        slug="products",
        search_description="",
        intro="<p>按客户类型查找产品。</p>",
    )
    home_page.add_child(instance=page)
    assert (
        '<meta name="description" content="按客户类型查找产品。">'
        in client.get("/products/").content.decode()
    )
    page.search_description = "锦程银行全部产品"
    page.save()
    response = client.get("/products/")
    assert response.status_code == 200
    assert '<meta name="description" content="锦程银行全部产品">' in response.content.decode()
