"""Fixtures of the targeting API tests: clients as each kind of caller, and a demo-like offer."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from rest_framework.test import APIClient

from portal.apikeys.tokens import issue
from tests.targeting.factories import (
    CreativeFactory,
    PlacementFactory,
    SegmentFactory,
    UserFactory,
    live_campaign,
    publish,
)

#: A Baidu search for 信用卡 (credit card), encoded in GBK as Baidu does.
BAIDU_GBK_REFERRER = "https://www.baidu.com/s?ie=gbk&wd=" + quote("信用卡".encode("gbk"))


@pytest.fixture
def customer(db):
    """A signed-up customer: authenticated, no staff permission at all."""
    return UserFactory(username="customer")


def client_for(user=None) -> APIClient:
    """An API client authenticated with the user's token (a system), or anonymous."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {issue(user, name='test').key}")
    return client


@pytest.fixture
def anonymous_client() -> APIClient:
    return APIClient()


@pytest.fixture
def marketer_client(marketer) -> APIClient:
    return client_for(marketer)


@pytest.fixture
def reviewer_client(reviewer) -> APIClient:
    return client_for(reviewer)


@pytest.fixture
def customer_client(customer) -> APIClient:
    return client_for(customer)


@pytest.fixture
def credit_card_offer(db):
    """Like the demo: Baidu searchers for 信用卡 see the credit-card campaign in the home hero."""
    hero = PlacementFactory(slug="home-hero", default_headline="欢迎来到 Portal Bank")
    segment = publish(
        SegmentFactory(
            slug="baidu-credit-card",
            name="百度信用卡搜索",
            rule={
                "all": [
                    {"attr": "source.search_engine", "op": "eq", "value": "baidu"},
                    {"attr": "source.keyword", "op": "contains", "value": "信用卡"},
                ]
            },
        )
    )
    creative = publish(CreativeFactory(headline="信用卡新客礼", cta_label="立即申请"))
    return live_campaign(hero, creative, include=[segment], slug="credit-card-offer")
