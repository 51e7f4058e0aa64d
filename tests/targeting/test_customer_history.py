"""history.applications has one source: the products app's application records, which it
registers with targeting through the ``register_customer_history`` Wagtail hook (issue 9)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from wagtail import hooks
from wagtail.models import Page

from portal.models import HomePage
from targeting.profiles import CUSTOMER_HISTORY_HOOK, load_customer
from tests.products.factories import (
    ProductApplicationFactory,
    ProductIndexPageFactory,
    ProductPageFactory,
)
from tests.targeting.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def personal_index(db):
    home = HomePage(title="首页", slug="home-history-tests")
    Page.get_first_root_node().add_child(instance=home)
    return ProductIndexPageFactory(parent=home, slug="personal", customer_group="personal")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_products_a_customer_applied_for_come_from_the_application_records(personal_index):
    # given a customer with two applications (one twice) and someone else's application
    customer = UserFactory()
    card = ProductPageFactory(parent=personal_index, slug="gold-card")
    loan = ProductPageFactory(parent=personal_index, slug="home-loan")
    ProductApplicationFactory(product=card, user=customer)
    ProductApplicationFactory(product=card, user=customer)
    ProductApplicationFactory(product=loan, user=customer)
    ProductApplicationFactory(product=ProductPageFactory(parent=personal_index), user=UserFactory())
    # when targeting reads the customer
    attributes = load_customer(customer)
    # then history.applications holds each product once, and only theirs
    assert attributes["applications"] == ["gold-card", "home-loan"]


def test_a_customer_without_applications_has_an_empty_history():
    assert load_customer(UserFactory())["applications"] == []


def test_another_app_can_add_to_the_history_and_unknown_families_are_ignored():
    # given an app that registers its own applications (a branch system, say) and a family
    # the rule language does not have
    def branch_applications(user_id: int) -> dict[str, list[str]]:
        return {"applications": ["branch-loan", ""], "wishes": ["yacht"]}

    customer = UserFactory()
    with hooks.register_temporarily(CUSTOMER_HISTORY_HOOK, branch_applications):
        attributes = load_customer(customer)
    # then its products count, empty slugs do not, and the unknown family is not an attribute
    assert attributes["applications"] == ["branch-loan"]
    assert "wishes" not in attributes


def test_a_failing_history_source_leaves_the_rest_of_the_customer_readable(caplog):
    # given a history source that fails (its database is away, say)
    def broken(user_id: int) -> dict[str, list[str]]:
        raise RuntimeError("application store unreachable")

    customer = UserFactory()
    with hooks.register_temporarily(CUSTOMER_HISTORY_HOOK, broken):
        attributes = load_customer(customer)
    # then the customer is still read (no history from it) and the failure is logged
    assert attributes is not None
    assert attributes["applications"] == []
    assert "history source" in caplog.text
