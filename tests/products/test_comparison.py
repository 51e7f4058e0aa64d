"""Comparing products side by side at /products/compare/."""

import pytest
from django.urls import reverse

from products.choices import ProductType
from tests.products.factories import ProductPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deposits(personal_index):
    return [
        ProductPageFactory(parent=personal_index, title=f"存款产品{n}", term=f"{n + 1}年")
        for n in range(5)
    ]


def compare(client, ids):
    return client.get(reverse("products:compare"), {"ids": ids}, HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_two_products_are_shown_side_by_side(client, deposits):
    # Given two deposits
    # When a customer compares them
    response = compare(client, f"{deposits[0].pk},{deposits[1].pk}")
    html = response.content.decode()
    # Then a table with a caption, a column per product and the rows they care about shows
    assert response.status_code == 200
    assert "<caption" in html
    assert '<th scope="col"><a href="' + deposits[0].url in html
    assert '<th scope="col"><a href="' + deposits[1].url in html
    assert '<th scope="row">' in html
    assert "1年" in html and "2年" in html
    assert f'href="{deposits[0].url}apply/"' in html
    assert 'role="alert"' not in html


def test_four_products_are_shown(client, deposits):
    ids = ",".join(str(page.pk) for page in deposits[:4])
    html = compare(client, ids).content.decode()
    assert html.count('<th scope="col">') == 4


def test_checkbox_form_style_ids_work_too(client, deposits):
    response = client.get(reverse("products:compare"), {"ids": [deposits[0].pk, deposits[2].pk]})
    assert response.content.decode().count('<th scope="col">') == 2


def test_one_product_is_not_a_comparison(client, deposits):
    response = compare(client, str(deposits[0].pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "请至少选择 2 个同类产品进行比较。" in html
    assert "<table" not in html


def test_five_products_are_too_many(client, deposits):
    response = compare(client, ",".join(str(page.pk) for page in deposits))
    html = response.content.decode()
    assert "一次最多比较 4 个产品，您选择了 5 个。" in html
    assert "<table" not in html


def test_products_of_different_types_are_not_compared(client, deposits, personal_index):
    loan = ProductPageFactory(
        parent=personal_index, product_type=ProductType.LOAN, rate_label="参考年利率"
    )
    html = compare(client, f"{deposits[0].pk},{loan.pk}").content.decode()
    assert "只能比较同类产品，您选择了：" in html
    assert "<table" not in html


@pytest.mark.parametrize("ids", ["abc,1", "1;2", "-1,2", "99999999999999999999,1", "<b>,1"])
def test_malformed_ids_get_a_message_not_an_error(client, deposits, ids):
    response = compare(client, ids)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "<b>" not in response.content.decode()


def test_unknown_and_unpublished_products_are_named(client, deposits, personal_index):
    draft = ProductPageFactory(parent=personal_index, live=False)
    html = compare(client, f"{deposits[0].pk},987654,{draft.pk}").content.decode()
    assert "987654" in html and str(draft.pk) in html
    assert "<table" not in html


def test_no_ids_asks_the_customer_to_choose(client, db):
    response = client.get(reverse("products:compare"))
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
