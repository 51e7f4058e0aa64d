"""Page tree rules and the validation editors meet when saving products."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from portal.models import HomePage
from products.choices import ProductType
from products.models import ProductIndexPage, ProductPage
from tests.products.factories import ProductPageFactory, WealthProductPageFactory

pytestmark = pytest.mark.django_db


def test_product_pages_can_only_be_created_under_a_product_index():
    # Given the page types of the site
    # When we ask where a product page may be created
    # Then only a product index page is an allowed parent
    assert ProductPage.allowed_parent_page_models() == [ProductIndexPage]
    assert ProductPage.can_create_at(Page()) is False
    assert ProductIndexPage.allowed_subpage_models() == [ProductPage]


def test_product_index_pages_can_only_be_created_under_the_home_page():
    assert ProductIndexPage.allowed_parent_page_models() == [HomePage]
    assert HomePage in ProductIndexPage.allowed_parent_page_models()
    assert ProductPage.allowed_subpage_models() == []


def test_admin_offers_product_pages_only_under_an_index(personal_index, home_page):
    # Given the tree home -> personal index
    # Then a product can be added to the index but not to the home page
    assert ProductPage in personal_index.specific_class.creatable_subpage_models()
    assert ProductPage not in HomePage.creatable_subpage_models()
    assert ProductIndexPage in HomePage.creatable_subpage_models()


def test_wealth_product_without_risk_level_is_rejected_naming_the_field(personal_index):
    # Given a wealth product with no risk level
    product = ProductPage(
        title="稳盈理财",
        slug="steady",
        product_type=ProductType.WEALTH,
        summary="固收类理财",
        headline_rate=Decimal("2.85"),
        rate_label="预期年化收益率",
    )
    # When it is added to the catalogue
    # Then saving fails with an error on risk_level
    with pytest.raises(ValidationError) as error:
        personal_index.add_child(instance=product)
    assert "risk_level" in error.value.message_dict
    assert not ProductPage.objects.filter(slug="steady").exists()


def test_insurance_and_funds_need_a_risk_level_too(personal_index):
    product = ProductPageFactory.build(product_type=ProductType.INSURANCE_FUND, risk_level="")
    with pytest.raises(ValidationError) as error:
        product.clean()
    assert "risk_level" in error.value.message_dict


def test_loans_may_not_carry_a_risk_level(personal_index):
    product = ProductPageFactory.build(
        product_type=ProductType.LOAN, risk_level="R3", rate_label="参考年利率"
    )
    with pytest.raises(ValidationError) as error:
        product.clean()
    assert "risk_level" in error.value.message_dict


def test_a_rate_needs_a_label_saying_what_it_is(personal_index):
    product = ProductPageFactory.build(headline_rate=Decimal("1.45"), rate_label="")
    with pytest.raises(ValidationError) as error:
        product.clean()
    assert "rate_label" in error.value.message_dict


def test_wealth_product_with_risk_level_saves(personal_index):
    product = WealthProductPageFactory(parent=personal_index)
    assert product.risk_level == "R2"
    assert product.category == "wealth"


def test_product_type_is_searchable_in_chinese_and_english(personal_index):
    product = ProductPageFactory(
        parent=personal_index, product_type=ProductType.LOAN, rate_label="参考年利率"
    )
    text = product.product_type_search_text()
    assert "loan" in text
    assert "Loans" in text


def test_only_one_index_page_per_customer_group(personal_index, home_page):
    duplicate = ProductIndexPage(title="个人业务2", slug="personal-2", customer_group="personal")
    with pytest.raises(ValidationError) as error:
        home_page.add_child(instance=duplicate)
    assert "customer_group" in error.value.message_dict


def test_channels_outside_the_list_are_rejected(personal_index):
    product = ProductPageFactory.build(channels=["carrier_pigeon"])
    with pytest.raises(ValidationError) as error:
        product.full_clean(exclude=["path", "depth", "url_path", "slug", "locale", "content_type"])
    assert "channels" in error.value.message_dict
