"""What a visitor sees on the catalogue pages."""

import pytest

from products.choices import ProductType
from tests.products.factories import ProductPageFactory, WealthProductPageFactory

pytestmark = pytest.mark.django_db


def test_index_page_lists_its_products_grouped_by_type(client, personal_index):
    # Given a deposit and a wealth product in the personal section
    ProductPageFactory(parent=personal_index, title="整存整取定期存款")
    WealthProductPageFactory(parent=personal_index, title="稳盈理财")
    # When a visitor opens the section
    response = client.get(personal_index.url)
    # Then both products are listed under their type headings
    html = response.content.decode()
    assert response.status_code == 200
    assert "整存整取定期存款" in html and "稳盈理财" in html
    assert 'id="group-deposit"' in html and 'id="group-wealth"' in html


def test_index_page_filters_by_product_type(client, personal_index):
    ProductPageFactory(parent=personal_index, title="整存整取定期存款")
    WealthProductPageFactory(parent=personal_index, title="稳盈理财")
    response = client.get(personal_index.url, {"type": "wealth"})
    html = response.content.decode()
    assert "稳盈理财" in html
    assert "整存整取定期存款" not in html


def test_unknown_type_filter_shows_everything(client, personal_index):
    ProductPageFactory(parent=personal_index, title="整存整取定期存款")
    response = client.get(personal_index.url, {"type": "<script>"})
    assert response.status_code == 200
    assert "整存整取定期存款" in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main", 1)[1].split("</main>")[0]


def test_index_offers_a_comparison_form_for_types_with_two_products(client, personal_index):
    first = ProductPageFactory(parent=personal_index)
    second = ProductPageFactory(parent=personal_index)
    html = client.get(personal_index.url).content.decode()
    assert 'action="/products/compare/"' in html
    assert f'name="ids" value="{first.pk}"' in html
    assert f'name="ids" value="{second.pk}"' in html


def test_unpublished_products_are_not_listed(client, personal_index):
    ProductPageFactory(parent=personal_index, title="未发布产品", live=False)
    assert "未发布产品" not in client.get(personal_index.url).content.decode()


def test_product_page_shows_key_facts_risk_channels_and_promo_slot(client, personal_index):
    # Given a wealth product rated R2 sold through mobile banking
    product = WealthProductPageFactory(
        parent=personal_index, title="稳盈理财", channels=["mobile_banking"]
    )
    # When a visitor opens it
    response = client.get(product.url)
    html = response.content.decode()
    # Then the rate, minimum amount, risk badge with its explanation, channel and slot show
    assert response.status_code == 200
    assert "2.85%" in html and "预期年化收益率" in html
    assert "¥10,000" in html
    assert "risk-badge--r2" in html
    assert "R1" in html and "R5" in html  # the explanation of the whole scale
    assert "<li>手机银行</li>" in html  # where to get it
    assert '<aside class="promo-slot" data-placement="product-sidebar"></aside>' in html
    assert f'href="{product.url}apply/"' in html
    assert 'data-product-category="wealth"' in html


def test_product_page_links_to_compare_with_similar_products(client, personal_index):
    product = ProductPageFactory(parent=personal_index)
    similar = ProductPageFactory(parent=personal_index, title="大额存单")
    ProductPageFactory(
        parent=personal_index,
        product_type=ProductType.PAYMENT,
        headline_rate=None,
        rate_label="",
        title="跨境汇款",
    )
    html = client.get(product.url).content.decode()
    assert f"/products/compare/?ids={product.pk},{similar.pk}" in html
    assert "跨境汇款" not in html.split('class="product-sidebar"', 1)[1]


def test_product_page_renders_every_content_block(client, personal_index):
    body = [
        {
            "type": "feature_list",
            "value": {
                "heading": "产品特色",
                "features": [{"title": "利率稳定", "text": "固定利率"}],
            },
        },
        {"type": "text", "value": "<p>说明文字</p>"},
        {
            "type": "rate_table",
            "value": {
                "caption": "挂牌利率",
                "rate_heading": "年利率",
                "rows": [{"tier": "1年", "rate": "1.45", "note": ""}],
                "footnote": "以网点为准",
            },
        },
        {
            "type": "faq",
            "value": {
                "heading": "",
                "items": [{"question": "可以提前支取吗？", "answer": "<p>可以。</p>"}],
            },
        },
    ]
    import json

    product = ProductPageFactory(parent=personal_index, body=json.dumps(body))
    html = client.get(product.url).content.decode()
    assert "利率稳定" in html and "说明文字" in html
    assert "<caption>挂牌利率</caption>" in html and "1.45%" in html
    assert "<summary>可以提前支取吗？</summary>" in html
