"""An application keeps the campaign touch that led to it (issue 10 item 1) and its event says so."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from products import applications
from targeting.tracking.models import RawEvent
from tests.products.factories import ProductPageFactory

pytestmark = pytest.mark.django_db

VID = "f" * 32
DETAILS = {
    "applicant_name": "张伟",
    "mobile_phone": "13800138000",
    "city": "北京",
    "preferred_contact_time": "morning",
    "consent_to_contact": True,
}


@pytest.fixture
def product(personal_index):
    return ProductPageFactory(parent=personal_index, title="金卡", minimum_amount=Decimal("0"))


def touch(type_: str, minutes_ago: int, campaign: str, creative: str = "1") -> None:
    RawEvent.objects.create(
        source=f"v:{VID}",
        client_id=f"{type_}-{campaign}-{minutes_ago}",
        type=type_,
        at=timezone.now() - timedelta(minutes=minutes_ago),
        visitor_id=VID,
        properties={
            "placement": "home-hero",
            "campaign": campaign,
            "creative": creative,
            "segment": "travel",
        },
    )


def apply(product, django_capture_on_commit_callbacks, visitor_id=VID):
    with django_capture_on_commit_callbacks(execute=True):
        return applications.submit_application(
            product=product, details=DETAILS, visitor_id=visitor_id
        )


def test_the_last_click_wins_over_a_later_view(product, django_capture_on_commit_callbacks):
    touch("impression", 30, "loan")
    touch("click", 20, "gold-card", creative="7")
    touch("impression", 10, "loan")

    application = apply(product, django_capture_on_commit_callbacks)

    application.refresh_from_db()
    assert (
        application.attributed_campaign,
        application.attributed_creative,
        application.attributed_segment,
        application.attributed_touch,
    ) == ("gold-card", "7", "travel", "click")
    event = RawEvent.objects.get(type="application")
    assert event.properties["campaign"] == "gold-card"
    assert event.properties["touch"] == "click"


def test_a_view_counts_when_there_was_no_click(product, django_capture_on_commit_callbacks):
    touch("impression", 10, "loan")
    application = apply(product, django_capture_on_commit_callbacks)
    assert (application.attributed_campaign, application.attributed_touch) == ("loan", "view")


def test_touches_outside_the_window_do_not_count(
    product, django_capture_on_commit_callbacks, settings
):
    settings.ATTRIBUTION_WINDOW_DAYS = 1
    touch("click", 2 * 24 * 60, "gold-card")
    application = apply(product, django_capture_on_commit_callbacks)
    assert application.attributed_campaign == ""
    assert "campaign" not in RawEvent.objects.get(type="application").properties


def test_without_consent_nothing_is_attributed(product, django_capture_on_commit_callbacks):
    touch("click", 5, "gold-card")
    application = apply(product, django_capture_on_commit_callbacks, visitor_id="")
    assert application.attributed_campaign == ""
