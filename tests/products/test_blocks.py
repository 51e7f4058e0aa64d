"""Product page blocks reuse the portal's blocks where the two would say the same thing."""

from django.utils import translation

from portal.blocks import BodyBlock, FAQBlock
from products.blocks import ProductContentBlock


def test_product_pages_and_standard_pages_share_one_faq_block():
    # given the FAQ child of a product page's body and of a standard page's body
    product_faq = ProductContentBlock().child_blocks["faq"]
    page_faq = BodyBlock().child_blocks["faq"]

    # then both are the portal's one FAQ block, with the same questions and answers
    assert type(product_faq) is FAQBlock
    assert type(page_faq) is FAQBlock
    assert list(product_faq.child_blocks) == list(page_faq.child_blocks) == ["heading", "items"]


def test_a_product_faq_keeps_the_product_look_and_its_default_heading():
    # given a product FAQ without a heading
    faq = ProductContentBlock().child_blocks["faq"]
    value = faq.to_python(
        {"heading": "", "items": [{"question": "可以提前支取吗？", "answer": "<h3>可以</h3>"}]}
    )

    # when it is rendered for a zh-hans reader
    with translation.override("zh-hans"):
        html = faq.render(value)

    # then it is drawn in the product style, with the default heading and the answer's subheading
    assert 'class="product-faq"' in html
    assert "<h2>常见问题</h2>" in html
    assert "<summary>可以提前支取吗？</summary>" in html
    assert "<h3>可以</h3>" in html
