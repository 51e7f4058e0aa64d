"""The declared-interest choices come from the apps that register them (issue 9 item 1): tracking's
form names no product, the products app registers its product types."""

from __future__ import annotations

from wagtail import hooks

from products.choices import ProductType
from targeting.tracking.forms import INTEREST_CHOICES_HOOK, CustomerProfileForm, interest_choices


def test_the_products_app_registers_its_product_types_as_interests():
    values = [value for value, _label in interest_choices()]
    assert values == [value for value, _label in ProductType.choices]


def test_an_interest_nobody_registered_is_refused_naming_the_field():
    form = CustomerProfileForm(data={"interests": ["wealth", "yachts"]})
    assert not form.is_valid()
    assert "interests" in form.errors


def test_another_app_can_offer_interests_too():
    def community_topics() -> list[tuple[str, str]]:
        return [("forums", "Forums")]

    with hooks.register_temporarily(INTEREST_CHOICES_HOOK, community_topics):
        form = CustomerProfileForm(data={"interests": ["wealth", "forums"]})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["interests"] == ["wealth", "forums"]
