"""Applying for a product: the form, its errors, the reference number and abuse limits."""

from decimal import Decimal
from urllib.parse import urlencode

import pytest

from products import applications
from products.models import ProductApplication
from tests.products.factories import ProductPageFactory

pytestmark = pytest.mark.django_db

VALID = {
    "applicant_name": "张伟",
    "mobile_phone": "13800138000",
    "city": "北京",
    "amount_requested": "20000",
    "preferred_contact_time": "morning",
    "consent_to_contact": "on",
}


@pytest.fixture
def product(personal_index):
    return ProductPageFactory(
        parent=personal_index, title="大额存单", minimum_amount=Decimal("10000")
    )


def apply_url(product) -> str:
    return product.url + "apply/"


def test_form_has_labels_csrf_and_a_hidden_honeypot(client, product):
    response = client.get(apply_url(product))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<label for="id_mobile_phone">' in html
    assert 'class="form-honeypot" aria-hidden="true"' in html


def test_valid_application_is_saved_and_the_reference_shown(client, product):
    # Given a customer who fills in the form correctly
    # When they send it
    response = client.post(apply_url(product), VALID)
    # Then they are redirected (POST-redirect-GET) to a page showing their reference number
    assert response.status_code == 302
    assert response["Location"] == apply_url(product) + "done/"
    application = ProductApplication.objects.get()
    assert application.product == product
    assert application.product_title == "大额存单"
    assert application.mobile_phone == "13800138000"
    assert application.amount_requested == Decimal("20000")
    assert application.status == "new"
    assert application.reference.startswith("AP")
    assert len(application.reference) == 16
    done = client.get(response["Location"])
    assert application.reference in done.content.decode()


def test_reference_page_without_an_application_goes_back_to_the_product(client, product):
    response = client.get(apply_url(product) + "done/")
    assert response.status_code == 302
    assert response["Location"] == product.url


def test_phone_with_spaces_and_country_code_is_accepted(client, product):
    client.post(apply_url(product), {**VALID, "mobile_phone": "+86 138 0013 8000"})
    assert ProductApplication.objects.get().mobile_phone == "13800138000"


def test_campaign_parameters_are_kept_with_the_lead(client, product):
    client.post(apply_url(product) + "?utm_source=baidu&utm_campaign=spring", VALID)
    application = ProductApplication.objects.get()
    assert (application.utm_source, application.utm_campaign) == ("baidu", "spring")


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("mobile_phone", "12345678901", "请输入 11 位中国大陆手机号码，例如 13800138000。"),
        ("mobile_phone", "1380013800", "请输入 11 位中国大陆手机号码，例如 13800138000。"),
        ("consent_to_contact", "", "请同意我们与您联系，以便回电。"),
        ("amount_requested", "500", "该产品的起点金额为 ¥"),
        ("applicant_name", "", "您的姓名: 必需字段"),
    ],
)
def test_invalid_application_names_the_field_and_keeps_the_values(
    client, product, field, value, expected
):
    # Given a form with one bad field
    data = {**VALID, field: value}
    if not value:
        data.pop(field)
    # When it is sent
    response = client.post(apply_url(product), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    # Then nothing is saved, the field's error (in Chinese) is shown next to it and the rest kept
    assert response.status_code == 200
    assert not ProductApplication.objects.exists()
    errors = html.split(f'id="id_{field}-errors"')[1][:300]
    assert expected in errors
    assert 'value="北京"' in html
    if field != "applicant_name":
        assert 'value="张伟"' in html


def test_error_messages_say_which_field_they_belong_to(client, product):
    html = client.post(apply_url(product), {**VALID, "mobile_phone": "123"}).content.decode()
    assert 'href="#id_mobile_phone"' in html  # the summary links to the field
    assert 'value="123"' in html


def test_honeypot_submissions_are_not_saved(client, product):
    response = client.post(apply_url(product), {**VALID, "website": "http://spam.example"})
    assert response.status_code == 200
    assert not ProductApplication.objects.exists()


def test_sixth_application_in_an_hour_gets_a_friendly_429(client, product, monkeypatch):
    # Given an address that has already sent five applications this hour
    for _ in range(applications.DEFAULT_RATE_LIMIT):
        assert client.post(apply_url(product), VALID).status_code == 302
    # When it sends another
    response = client.post(apply_url(product), VALID, HTTP_ACCEPT_LANGUAGE="zh-hans")
    # Then it is refused with a page explaining why, and nothing more is saved
    assert response.status_code == 429
    # (the header and footer name the hotline on every page: read the refusal itself)
    assert "来自您网络的申请过多" in response.content.decode()
    assert ProductApplication.objects.count() == applications.DEFAULT_RATE_LIMIT


def test_rate_limit_is_per_address(client, product):
    for _ in range(applications.DEFAULT_RATE_LIMIT):
        client.post(apply_url(product), VALID, REMOTE_ADDR="10.0.0.1")
    response = client.post(apply_url(product), VALID, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302


def test_submit_application_records_a_conversion_once_committed(
    product, monkeypatch, django_capture_on_commit_callbacks
):
    recorded = []
    monkeypatch.setattr(applications, "record_conversion", recorded.append)
    details = {key: value for key, value in VALID.items() if key != "amount_requested"}
    details["consent_to_contact"] = True
    with django_capture_on_commit_callbacks(execute=True):
        application = applications.submit_application(product=product, details=details)
    assert recorded == [application]
    assert application.reference.startswith("AP")


PROXY = "10.9.0.1"


def test_clients_behind_a_trusted_proxy_each_get_their_own_allowance(client, product, settings):
    # Given a load balancer we trust, and two customers behind it
    settings.TRUSTED_PROXIES = ["10.9.0.0/16"]
    settings.PRODUCT_APPLICATION_RATE_LIMIT = 2
    for _ in range(2):
        response = client.post(
            apply_url(product), VALID, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7"
        )
        assert response.status_code == 302
    # When the first has used the allowance and the second applies through the same proxy
    first = client.post(
        apply_url(product), VALID, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    second = client.post(
        apply_url(product), VALID, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    # Then only the first is refused: each client has its own bucket
    assert first.status_code == 429
    assert second.status_code == 302


def test_a_spoofed_forwarded_for_from_an_untrusted_address_is_ignored(client, product, settings):
    # Given a client that is not a proxy we trust and has used its allowance
    settings.TRUSTED_PROXIES = ["10.9.0.0/16"]
    settings.PRODUCT_APPLICATION_RATE_LIMIT = 1
    assert client.post(apply_url(product), VALID, REMOTE_ADDR="198.51.100.20").status_code == 302
    # When it claims to be someone else with X-Forwarded-For
    response = client.post(
        apply_url(product), VALID, REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="192.0.2.1"
    )
    # Then the claim is ignored and it is still refused
    assert response.status_code == 429


def test_the_limit_is_read_from_settings_at_call_time(client, product, settings):
    settings.PRODUCT_APPLICATION_RATE_LIMIT = 1
    assert client.post(apply_url(product), VALID).status_code == 302
    assert client.post(apply_url(product), VALID).status_code == 429
    settings.PRODUCT_APPLICATION_RATE_LIMIT = 3
    assert client.post(apply_url(product), VALID).status_code == 302


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://evil.example")', "<script>", "a" * 101, "spring\x00", "x\r\ny", "@SUM(1)"],
)
def test_campaign_parameters_that_are_not_labels_are_not_stored(client, product, value):
    # Given a campaign link carrying something that is not a campaign label
    # When a customer applies through it
    response = client.get(apply_url(product))
    assert response.status_code == 200
    client.post(
        apply_url(product)
        + "?"
        + urlencode({"utm_source": value, "utm_campaign": "春季-2026_a.b"}),
        VALID,
    )
    # Then the application is kept, without the bad label and with the good one
    application = ProductApplication.objects.get()
    assert application.utm_source == ""
    assert application.utm_campaign == "春季-2026_a.b"
