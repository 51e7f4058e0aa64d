"""The portal's one ChoiceListField: products' channels and a campaign's hours share it."""

import pytest
from django.core.exceptions import ValidationError

from products.models import ProductPage
from targeting.fields import ChoiceListField
from targeting.models import Campaign


def test_products_and_campaigns_use_one_choice_list_field():
    # given the field classes behind a product's channels and a campaign's hours and weekdays
    channels = ProductPage._meta.get_field("channels")
    hours = Campaign._meta.get_field("hours")
    weekdays = Campaign._meta.get_field("weekdays")

    # then all three are the one implementation
    assert type(channels) is ChoiceListField
    assert type(hours) is ChoiceListField
    assert type(weekdays) is ChoiceListField


def test_ticked_boxes_come_back_as_the_choice_values():
    # given the form field of a campaign's hours and of a product's channels
    hours = Campaign._meta.get_field("hours").formfield()
    channels = ProductPage._meta.get_field("channels").formfield()

    # when an editor ticks boxes (a form posts strings)
    # then integers stay integers and strings stay strings
    assert hours.clean(["9", "18"]) == [9, 18]
    assert channels.clean(["branch"]) == ["branch"]
    assert hours.clean([]) == []


def test_a_value_outside_the_list_is_refused_by_the_model_field():
    # given the weekdays field and a day that does not exist
    weekdays = Campaign._meta.get_field("weekdays")

    # when it is validated, then it is refused as an invalid choice
    with pytest.raises(ValidationError) as caught:
        weekdays.validate([1, 8], None)
    assert caught.value.code == "invalid_choice"
