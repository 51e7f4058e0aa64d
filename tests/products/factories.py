"""Factories for the product catalogue."""

from decimal import Decimal

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from products.choices import ApplicationStatus, Channel, ContactTime, CustomerGroup, ProductType
from products.models import ProductApplication, ProductIndexPage, ProductPage


class ProductIndexPageFactory(wagtail_factories.PageFactory):
    title = "个人业务"
    slug = factory.Sequence(lambda n: f"products-{n}")
    customer_group = CustomerGroup.PERSONAL
    intro = "<p>存款、贷款与信用卡。</p>"

    class Meta:
        model = ProductIndexPage


class ProductPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"定期存款{n}号")
    slug = factory.Sequence(lambda n: f"product-{n}")
    product_type = ProductType.DEPOSIT
    summary = "一次存入，到期支取，收益稳定。"
    headline_rate = Decimal("1.45")
    rate_label = "年利率"
    term = "3个月-5年"
    minimum_amount = Decimal("50")
    fees = "无"
    eligibility = "<ul><li>年满18周岁</li></ul>"
    channels = factory.LazyFunction(lambda: [Channel.BRANCH.value, Channel.MOBILE_BANKING.value])

    class Meta:
        model = ProductPage


class WealthProductPageFactory(ProductPageFactory):
    title = factory.Sequence(lambda n: f"稳盈理财{n}号")
    product_type = ProductType.WEALTH
    headline_rate = Decimal("2.85")
    rate_label = "预期年化收益率"
    minimum_amount = Decimal("10000")
    risk_level = "R2"


class ProductApplicationFactory(DjangoModelFactory):
    product = factory.SubFactory(ProductPageFactory)
    product_title = factory.LazyAttribute(lambda application: application.product.title)
    reference = factory.Sequence(lambda n: f"AP20261125T{n:05d}")
    applicant_name = "张伟"
    mobile_phone = "13800138000"
    city = "北京"
    preferred_contact_time = ContactTime.ANYTIME
    consent_to_contact = True
    status = ApplicationStatus.NEW

    class Meta:
        model = ProductApplication
