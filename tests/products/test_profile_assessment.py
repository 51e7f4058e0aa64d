"""The profile page shows the risk assessment instead of a self-declared tolerance (issue 11),
and the demo customers have assessments in force (seed_demo)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from products import demo_assessments, suitability
from products.risk import RiskAssessment
from targeting.tracking.models import CustomerProfile
from tests.targeting.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    return UserFactory(username="zhang-san")


def profile_page(client, customer) -> str:
    client.force_login(customer)
    # The site's language (zh-hans): what a customer reads.
    response = client.get("/account/profile/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return response.content.decode()


def test_the_profile_page_offers_no_risk_tolerance_of_its_own(client, customer):
    page = profile_page(client, customer)
    assert 'name="risk_tolerance"' not in page
    assert "进行风险测评" in page  # "Take the risk assessment"
    assert "/risk-assessment/?next=%2Faccount%2Fprofile%2F" in page


def test_the_profile_page_shows_the_assessment_in_force_and_its_expiry(client, customer):
    assessment = suitability.record_assessment(customer, demo_assessments.answers_for(3))
    page = profile_page(client, customer)
    assert "C3" in page
    until = timezone.localtime(assessment.valid_until).strftime("%Y-%m-%d")
    assert f"有效期至{until}" in page  # valid until
    assert "重新进行风险测评" in page  # "Take the risk assessment again"


def test_an_expired_assessment_asks_to_take_it_again(client, customer):
    assessment = suitability.record_assessment(customer, demo_assessments.answers_for(2))
    assessment.valid_until = timezone.now() - timedelta(days=1)
    assessment.save(update_fields=["valid_until"])
    page = profile_page(client, customer)
    assert "您上次的测评有效期至" in page  # "Your last assessment was valid until"


def test_posting_a_tolerance_to_the_profile_changes_nothing(client, customer):
    suitability.record_assessment(customer, demo_assessments.answers_for(1))
    client.force_login(customer)
    client.post("/account/profile/", {"occupation": "教师", "risk_tolerance": "5"})
    assert CustomerProfile.objects.get(user=customer).risk_tolerance == 1


def test_demo_customers_get_assessments_in_force_once(customer):
    vip = UserFactory(username="vip-demo")
    demo_assessments.seed(io.StringIO())
    demo_assessments.seed(io.StringIO())  # idempotent
    current = suitability.current_assessment(vip)
    assert current is not None and current.tolerance == 3
    assert CustomerProfile.objects.get(user=vip).risk_tolerance == 3
    assert RiskAssessment.objects.filter(user=vip).count() == 1
    assert suitability.current_assessment(customer) is None  # never a real customer


@pytest.mark.parametrize("tolerance", [1, 2, 3, 4, 5])
def test_an_answer_sheet_exists_for_every_tolerance(tolerance):
    assert demo_assessments.answers_for(tolerance).tolerance == tolerance
