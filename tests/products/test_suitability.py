"""Suitability in every channel: the risk questionnaire, the application gate, page slots, the
decide API and the engine function pushes call (issue 11 item 4)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import override
from rest_framework.test import APIClient

from products import suitability
from products.choices import ProductType
from products.models import ProductApplication
from products.questionnaire import QUESTIONS, IncompleteAnswers, score
from products.risk import RiskAssessment, SuitabilityRecord
from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.suitability import check_suitability
from targeting.tracking.models import CustomerProfile, RawEvent
from tests.products.factories import ProductPageFactory, WealthProductPageFactory
from tests.targeting.factories import CreativeFactory, PlacementFactory, live_campaign, publish

pytestmark = pytest.mark.django_db

QUESTIONNAIRE = "/products/risk-assessment/"
APPLICATION = {
    "applicant_name": "张伟",
    "mobile_phone": "13800138000",
    "city": "北京",
    "amount_requested": "1000000",
    "preferred_contact_time": "morning",
    "consent_to_contact": "on",
}
#: Lowest answer to every question: C1.
CAUTIOUS = {q.key: q.options[0].key for q in QUESTIONS}
#: Highest-scoring answer to every question: C5.
AGGRESSIVE = {q.key: max(q.options, key=lambda o: o.points).key for q in QUESTIONS}
#: Middle of the road: C3.
BALANCED = {**CAUTIOUS, "age": "31_50", "income": "300k_500k", "share": "25_50",
            "experience": "funds", "horizon": "3_5y", "goal": "balanced", "loss": "10_30",
            "reaction": "hold"}  # fmt: skip


@pytest.fixture
def private_fund(personal_index):
    return WealthProductPageFactory(
        parent=personal_index,
        title="私募股权基金",
        slug="private-fund",
        product_type=ProductType.INSURANCE_FUND,
        risk_level="R5",
        minimum_amount=Decimal("1000000"),
    )


@pytest.fixture
def steady_wealth(personal_index):
    return WealthProductPageFactory(parent=personal_index, slug="steady-wealth", risk_level="R2")


@pytest.fixture
def customer(django_user_model):
    return django_user_model.objects.create_user("li_na", "li@example.com", "pw-Secret-123")


def assess(user, answers: dict[str, str], days_ago: int = 0) -> RiskAssessment:
    assessment = suitability.record_assessment(user, score(answers))
    if days_ago:
        moment = timezone.now() - timedelta(days=days_ago)
        RiskAssessment.objects.filter(pk=assessment.pk).update(
            assessed_at=moment, valid_until=moment + suitability.validity()
        )
        assessment.refresh_from_db()
    return assessment


def signed_in(client, user):
    client.force_login(user)
    return client


# --------------------------------------------------------------------------------------------
# Scoring


def test_scoring_maps_totals_to_c1_c5_with_caps():
    assert score(CAUTIOUS).tolerance == 1
    assert score(AGGRESSIVE).tolerance == 5
    assert score(BALANCED).tolerance == 3
    # Accepting no loss at all is C1 whatever else was answered
    assert score({**AGGRESSIVE, "loss": "none"}).tolerance == 1
    # No investment experience caps at C3
    assert score({**AGGRESSIVE, "experience": "none"}).tolerance == 3


@pytest.mark.parametrize(
    "bad", ["", "none\x00", "9" * 400, None, ["18_30"], {"x": 1}, float("nan"), 10**30]
)
def test_scoring_refuses_unknown_answers_naming_the_question(bad):
    with pytest.raises(IncompleteAnswers) as error:
        score({**CAUTIOUS, "age": bad})
    assert error.value.fields == ["age"]


# --------------------------------------------------------------------------------------------
# The questionnaire page


def test_the_questionnaire_needs_a_signed_in_customer(client):
    response = client.get(QUESTIONNAIRE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_completing_the_questionnaire_sets_the_tolerance_everywhere(client, customer):
    signed_in(client, customer)
    page = client.get(QUESTIONNAIRE, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert page.status_code == 200
    assert "风险测评" in html
    assert html.count('type="radio"') == sum(len(q.options) for q in QUESTIONS)

    response = client.post(QUESTIONNAIRE, BALANCED)

    assert response.status_code == 302
    assessment = RiskAssessment.objects.get(user=customer)
    assert (assessment.tolerance, assessment.questionnaire_version) == (3, "2026.1")
    assert assessment.valid_until - assessment.assessed_at == timedelta(days=365)
    profile = CustomerProfile.objects.get(user=customer)
    assert (profile.risk_tolerance, profile.is_customer) == (3, False)
    assert RawEvent.objects.filter(type="risk_assessment", customer_ref=f"user-{customer.pk}")
    # History: a second assessment is kept beside the first, the latest in force
    client.post(QUESTIONNAIRE, CAUTIOUS)
    assert list(
        RiskAssessment.objects.filter(user=customer).values_list("tolerance", flat=True)
    ) == [1, 3]
    assert CustomerProfile.objects.get(user=customer).risk_tolerance == 1
    listing = client.get(QUESTIONNAIRE).content.decode()
    assert listing.count("<tr><td>") == 2


def test_an_incomplete_questionnaire_names_the_question_and_stores_nothing(client, customer):
    signed_in(client, customer)
    answers = {**BALANCED, "loss": "everything\x00"}
    answers.pop("age")
    with override("zh-hans"):
        response = client.post(QUESTIONNAIRE, answers, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 400
    assert "您的年龄" in html and "请选择" in html
    assert not RiskAssessment.objects.exists()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/ok\x00", "javascript:alert(1)"]
)
def test_the_questionnaire_never_redirects_off_site(client, customer, target):
    signed_in(client, customer)
    response = client.post(f"{QUESTIONNAIRE}?next={quote(target)}", BALANCED)
    assert response.status_code == 302
    assert response["Location"] == QUESTIONNAIRE


# --------------------------------------------------------------------------------------------
# The application gate


def apply_url(product) -> str:
    return product.url + "apply/"


def test_regression_tolerance_1_applying_for_an_r5_private_fund_is_refused(
    client, customer, private_fund
):
    # Given today's case: a customer assessed C1 applies for the R5 private fund
    assess(customer, CAUTIOUS)
    signed_in(client, customer)
    # When they open the form and when they post it anyway
    page = client.get(apply_url(private_fund), HTTP_ACCEPT_LANGUAGE="zh-hans")
    posted = client.post(apply_url(private_fund), {**APPLICATION, "risk_acknowledgement": "on"})
    # Then the mismatch is shown and nothing is recorded (4 levels: beyond the allowed gap)
    assert page.status_code == 403
    assert "不匹配" in page.content.decode()
    assert posted.status_code == 403
    assert not ProductApplication.objects.exists()


@override_settings(SUITABILITY_MAX_GAP=4)
def test_above_tolerance_needs_a_recorded_acknowledgement(client, customer, private_fund):
    assessment = assess(customer, CAUTIOUS)
    signed_in(client, customer)
    # Given a bank that accepts any gap with an acknowledgement: the form shows the mismatch
    page = client.get(apply_url(private_fund)).content.decode()
    assert "R5" in page and "C1" in page
    assert 'name="risk_acknowledgement"' in page
    # Without the acknowledgement nothing is recorded
    refused = client.post(apply_url(private_fund), APPLICATION)
    assert refused.status_code == 200
    assert not ProductApplication.objects.exists()
    # With it the application and its suitability record are kept together
    accepted = client.post(apply_url(private_fund), {**APPLICATION, "risk_acknowledgement": "on"})
    assert accepted.status_code == 302
    record = SuitabilityRecord.objects.get()
    assert record.application == ProductApplication.objects.get()
    assert (record.product_risk, record.tolerance, record.mismatch) == (5, 1, True)
    assert record.assessment == assessment
    assert record.acknowledged_at is not None
    assert "私募股权基金" in record.acknowledgement_text and "R5" in record.acknowledgement_text


def test_one_level_above_asks_for_the_acknowledgement_by_default(client, customer, steady_wealth):
    assess(customer, CAUTIOUS)
    signed_in(client, customer)
    assert client.get(apply_url(steady_wealth)).status_code == 200
    assert client.post(apply_url(steady_wealth), APPLICATION).status_code == 200
    assert not ProductApplication.objects.exists()


def test_a_suitable_product_is_applied_for_with_its_record(client, customer, steady_wealth):
    assess(customer, BALANCED)
    signed_in(client, customer)
    page = client.get(apply_url(steady_wealth)).content.decode()
    assert 'name="risk_acknowledgement"' not in page
    assert client.post(apply_url(steady_wealth), APPLICATION).status_code == 302
    record = SuitabilityRecord.objects.get()
    assert (record.product_risk, record.tolerance, record.mismatch) == (2, 3, False)
    assert record.acknowledged_at is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_without_a_valid_assessment_the_customer_goes_to_the_questionnaire_first(
    client, customer, steady_wealth, method
):
    signed_in(client, customer)
    response = getattr(client, method)(apply_url(steady_wealth), APPLICATION)
    assert response.status_code == 302
    assert (
        response["Location"] == f"{QUESTIONNAIRE}?next={quote(apply_url(steady_wealth), safe='')}"
    )
    assert not ProductApplication.objects.exists()
    # After the questionnaire they come back to the form
    done = client.post(response["Location"], BALANCED)
    assert done["Location"] == apply_url(steady_wealth)


def test_an_expired_assessment_counts_as_none(client, customer, steady_wealth):
    assess(customer, BALANCED, days_ago=366)
    signed_in(client, customer)
    response = client.post(apply_url(steady_wealth), APPLICATION)
    assert response.status_code == 302 and response["Location"].startswith(QUESTIONNAIRE)
    assert not ProductApplication.objects.exists()
    assert "已过期" in client.get(QUESTIONNAIRE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_anonymous_visitors_are_sent_to_the_questionnaire_and_record_nothing(client, private_fund):
    response = client.post(apply_url(private_fund), APPLICATION)
    assert response.status_code == 302 and response["Location"].startswith(QUESTIONNAIRE)
    assert not ProductApplication.objects.exists()


def test_anonymous_visitors_see_investment_products_only_with_the_risk_notice(
    client, private_fund, personal_index
):
    deposit = ProductPageFactory(parent=personal_index, slug="deposit")
    with override("zh-hans"):
        fund_page = client.get(private_fund.url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        deposit_page = client.get(deposit.url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'class="risk-notice"' in fund_page and "理财非存款" in fund_page
    assert 'class="risk-notice"' not in deposit_page


def test_non_investment_products_need_no_assessment(client, customer, personal_index):
    loan = ProductPageFactory(parent=personal_index, slug="loan", product_type=ProductType.LOAN)
    signed_in(client, customer)
    assert client.post(apply_url(loan), {**APPLICATION, "amount_requested": ""}).status_code == 302
    assert not SuitabilityRecord.objects.exists()


# --------------------------------------------------------------------------------------------
# Reminders


def test_reminders_go_once_before_expiry_and_not_after_a_new_assessment(
    customer, django_user_model
):
    other = django_user_model.objects.create_user("wang", "w@example.com", "pw-Secret-123")
    assess(customer, BALANCED, days_ago=340)  # expires in 25 days: due
    assess(other, BALANCED, days_ago=100)  # not yet
    assert suitability.send_reassessment_reminders() == 1
    assert suitability.send_reassessment_reminders() == 0
    event = RawEvent.objects.get(type="risk_assessment_due")
    assert event.customer_ref == f"user-{customer.pk}"
    # A customer who re-assessed since is not reminded about the old one
    third = django_user_model.objects.create_user("zhao", "z@example.com", "pw-Secret-123")
    assess(third, BALANCED, days_ago=360)
    assess(third, BALANCED)
    assert suitability.send_reassessment_reminders() == 0


def test_the_reminder_task_is_scheduled_daily(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["products-remind-risk-reassessment"]
    assert schedule["task"] == "products.remind_risk_reassessment"
    from products.tasks import remind_risk_reassessment

    assert remind_risk_reassessment.name == "products.remind_risk_reassessment"


# --------------------------------------------------------------------------------------------
# Promotion in every channel: page slot, decide API, the engine function pushes call


@pytest.fixture
def fund_campaign(private_fund, personal_index):
    sidebar = PlacementFactory(slug="product-sidebar", name="Product sidebar", kind="banner")
    creative = publish(
        CreativeFactory(
            name="Private fund", headline="私募基金新品", cta_label="了解", cta_page=private_fund
        )
    )
    return live_campaign(sidebar, creative, slug="private-fund-promo")


def test_a_page_slot_never_promotes_a_product_above_the_tolerance(
    client, customer, fund_campaign, personal_index
):
    deposit = ProductPageFactory(parent=personal_index, slug="deposit-page")
    # Anonymous: the creative shows, with the risk notice
    anonymous = client.get(deposit.url).content.decode()
    assert "私募基金新品" in anonymous and "placement__risk-notice" in anonymous
    # Customer of tolerance C1: never
    assess(customer, CAUTIOUS)
    signed_in(client, customer)
    assert "私募基金新品" not in client.get(deposit.url).content.decode()
    # Re-assessed C5: shown again at once (the cached customer document was dropped)
    assess(customer, AGGRESSIVE)
    assert "私募基金新品" in client.get(deposit.url).content.decode()


def test_the_decide_api_applies_the_same_guard(customer, fund_campaign):
    anonymous = APIClient().get("/api/v1/decide", {"placement": "product-sidebar"}).json()
    assert anonymous["campaign"] == "private-fund-promo"
    assert anonymous["creative"]["risk_level"] == "R5"
    assert "placement__risk-notice" in anonymous["creative"]["html"]
    assess(customer, CAUTIOUS)
    browser = APIClient()
    browser.force_login(customer)
    answer = browser.get("/api/v1/decide", {"placement": "product-sidebar"}).json()
    assert answer["campaign"] is None


def test_pushes_get_the_same_answer_from_the_engine(customer, fund_campaign):
    # A push's arbitration asks the same engine function with the customer's context
    from targeting.profiles import load_customer
    from targeting.snapshot import get_snapshot

    assess(customer, CAUTIOUS)
    snapshot = get_snapshot()
    creative = snapshot.engine.creatives["private-fund-promo"][0]
    assert creative.risk_level == 5
    ctx = VisitorContext(RequestInfo(customer_loader=lambda: load_customer(customer)))
    assert (
        check_suitability(creative.risk_level, ctx.get("profile.risk_tolerance")).promotable
        is False
    )
