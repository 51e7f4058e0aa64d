"""Fixtures of the page variant tests: a site whose card page has a variant for phone visitors."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from wagtail.models import Page, Site

from targeting.variants.actions import create_variant
from targeting.variants.models import PageVariant
from targeting.visitors import Visitor
from tests.portal.factories import HomePageFactory, StandardPageFactory, paragraph
from tests.targeting.conftest import DESKTOP, IPHONE
from tests.targeting.factories import SegmentFactory, publish

__all__ = ["DESKTOP", "IPHONE"]

CANONICAL_TEXT = "所有访客：白金信用卡"
PHONE_TEXT = "手机访客专享：扫码办白金卡"


@pytest.fixture
def home(db) -> Page:
    root = Page.get_first_root_node()
    page = HomePageFactory(parent=root)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=page, is_default_site=True)
    else:
        site.root_page = page
        site.save()
    page.refresh_from_db()
    return page


@pytest.fixture
def phones(db):
    return publish(
        SegmentFactory(
            name="手机访客",
            slug="phones",
            rule={"attr": "device.type", "op": "eq", "value": "mobile"},
        )
    )


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")


@pytest.fixture
def cards(home) -> Page:
    """The canonical page: a live standard page at /cards/."""
    page = StandardPageFactory(
        parent=home, title="白金信用卡", slug="cards", body=paragraph(f"<p>{CANONICAL_TEXT}</p>")
    )
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_variant(
    canonical: Page, segment: Any, text: str, user: Any, priority: int = 0, live: bool = True
) -> PageVariant:
    """Create a variant as the editor's action does, give it its own text, publish it."""
    link = create_variant(canonical, segment, user, priority)
    variant = link.variant.specific
    variant.body = paragraph(f"<p>{text}</p>")
    revision = variant.save_revision()
    if live:
        revision.publish()
    link.refresh_from_db()
    return link


@pytest.fixture
def phone_variant(cards, phones, admin_user) -> PageVariant:
    return make_variant(cards, phones, PHONE_TEXT, admin_user)


def visitor_request(agent: str, path: str = "/cards/"):
    request = RequestFactory().get(path, HTTP_USER_AGENT=agent)
    request.COOKIES["consent"] = "necessary"
    request.visitor = Visitor(request)
    return request
