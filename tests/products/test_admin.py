"""Editors and staff in the Wagtail admin: product pages and the applications list."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from products.models import ProductPage
from tests.products.factories import ProductApplicationFactory, ProductPageFactory

pytestmark = pytest.mark.django_db


def list_block(items: list[dict]) -> dict:
    """ListBlock form data, the shape the admin's list editor posts."""
    data: dict = {
        str(index): {"value": item, "deleted": "", "order": str(index), "id": ""}
        for index, item in enumerate(items)
    }
    data["count"] = str(len(items))
    return data


def product_form(**overrides) -> dict:
    values = {
        "title": "七天通知存款",
        "slug": "notice-deposit",
        "product_type": "deposit",
        "summary": "提前7天通知即可支取。",
        "image": "",
        "headline_rate": "1.00",
        "rate_label": "年利率",
        "fees": "无",
        "term": "7天通知",
        "minimum_amount": "50000",
        "eligibility": rich_text("<ul><li>年满18周岁</li></ul>"),
        "risk_level": "",
        "apply_label": "预约存款",
        "body": streamfield(
            [
                (
                    "feature_list",
                    {
                        "heading": "产品特色",
                        "features": list_block([{"title": "灵活支取", "text": "随时可用"}]),
                    },
                ),
                (
                    "faq",
                    {
                        "heading": "",
                        "items": list_block(
                            [{"question": "可以提前支取吗？", "answer": rich_text("<p>可以</p>")}]
                        ),
                    },
                ),
            ]
        ),
        "action-publish": "publish",
    }
    values.update(overrides)
    data = nested_form_data(values)
    data["channels"] = ["branch", "mobile_banking"]
    return data


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(user)
    return client


def test_editor_creates_and_edits_a_product_in_the_admin(superuser_client, personal_index):
    # Given an editor in the Wagtail admin
    add_url = reverse("wagtailadmin_pages:add", args=("products", "productpage", personal_index.pk))
    assert superuser_client.get(add_url).status_code == 200
    # When they fill in the add form and publish
    response = superuser_client.post(add_url, product_form())
    # Then the product exists, live, with what they entered
    assert response.status_code == 302, response.content.decode()[:2000]
    product = ProductPage.objects.get(slug="notice-deposit")
    assert product.live
    assert product.headline_rate == Decimal("1.00")
    assert product.minimum_amount == Decimal("50000")
    assert product.channels == ["branch", "mobile_banking"]
    assert product.body[0].block_type == "feature_list"
    assert "年满18周岁" in product.eligibility

    # When they edit the rate and publish again
    edit_url = reverse("wagtailadmin_pages:edit", args=(product.pk,))
    assert superuser_client.get(edit_url).status_code == 200
    response = superuser_client.post(edit_url, product_form(headline_rate="1.10"))
    # Then visitors see the new rate
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.headline_rate == Decimal("1.10")
    assert "1.10%" in superuser_client.get(product.url).content.decode()


def test_admin_rejects_a_wealth_product_without_risk_level_naming_the_field(
    superuser_client, personal_index
):
    add_url = reverse("wagtailadmin_pages:add", args=("products", "productpage", personal_index.pk))
    response = superuser_client.post(
        add_url, product_form(product_type="wealth", slug="no-risk", rate_label="预期年化收益率")
    )
    assert response.status_code == 200
    assert not ProductPage.objects.filter(slug="no-risk").exists()
    form = response.context["form"]
    assert "risk_level" in form.errors


@pytest.fixture
def application(personal_index):
    product = ProductPageFactory(parent=personal_index)
    return ProductApplicationFactory(product=product, applicant_name="王小明")


def staff_user(django_user_model, username: str, groups: list[str] = (), perms: list[str] = ()):
    user = django_user_model.objects.create_user(username, f"{username}@example.com", "pw")
    user.is_staff = True
    user.save()
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def test_customer_service_sees_and_exports_applications(client, django_user_model, application):
    # Given a member of the Customer service group (created by migration)
    client.force_login(staff_user(django_user_model, "cs", groups=["Customer service"]))
    # When they open Applications in the admin
    response = client.get(reverse("product_applications:index"))
    # Then they see the lead and can filter, search and export the list
    assert response.status_code == 200
    html = response.content.decode()
    assert "王小明" in html and application.reference in html
    assert client.get(reverse("product_applications:index"), {"q": "王小明"}).status_code == 200
    filtered = client.get(reverse("product_applications:index"), {"status": "declined"})
    assert "王小明" not in filtered.content.decode()
    export = client.get(reverse("product_applications:index"), {"export": "csv"})
    assert export.status_code == 200
    assert "王小明" in b"".join(export.streaming_content).decode("utf-8")


def test_customer_service_updates_the_status(client, django_user_model, application):
    client.force_login(staff_user(django_user_model, "cs2", groups=["Customer service"]))
    url = reverse("product_applications:edit", args=(application.pk,))
    response = client.post(url, {"status": "contacted"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "contacted"
    assert application.applicant_name == "王小明"


def test_staff_without_the_permission_cannot_see_applications(
    client, django_user_model, application
):
    # Given a staff user who may use the admin but not read leads
    client.force_login(staff_user(django_user_model, "editor2", perms=["access_admin"]))
    # When they open the applications list
    response = client.get(reverse("product_applications:index"))
    # Then they are turned away and see no personal data
    assert response.status_code in (302, 403)
    assert "王小明" not in response.content.decode()
    export = client.get(reverse("product_applications:index"), {"export": "csv"})
    assert export.status_code in (302, 403)


def test_plain_staff_without_admin_access_is_sent_to_login(client, django_user_model, application):
    client.force_login(staff_user(django_user_model, "staff"))
    response = client.get(reverse("product_applications:index"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_nobody_adds_applications_in_the_admin(superuser_client, application):
    # Leads come from customers: even a superuser gets no add form.
    response = superuser_client.get(reverse("product_applications:add"))
    assert response.status_code in (302, 403)
    listing = superuser_client.get(reverse("product_applications:index")).content.decode()
    assert reverse("product_applications:add") not in listing


@pytest.mark.parametrize(
    "typed",
    ['=HYPERLINK("http://evil.example","点我")', "+86-1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"],
)
def test_csv_export_neutralises_cells_a_spreadsheet_would_run(
    client, django_user_model, personal_index, typed
):
    # Given a lead whose applicant typed a formula into their name and city
    product = ProductPageFactory(parent=personal_index)
    ProductApplicationFactory(product=product, applicant_name=typed, city=typed)
    client.force_login(staff_user(django_user_model, "cs3", groups=["Customer service"]))
    # When customer service exports the list as CSV
    export = client.get(reverse("product_applications:index"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8"))))
    # Then every such cell starts with an apostrophe, so the spreadsheet shows it as text
    (row,) = rows[1:]
    header = rows[0]
    assert len(header) == len(row)
    cells = [cell for cell in row if typed in cell]
    assert cells == ["'" + typed, "'" + typed]


def test_csv_export_leaves_ordinary_cells_alone(client, django_user_model, application):
    client.force_login(staff_user(django_user_model, "cs4", groups=["Customer service"]))
    export = client.get(reverse("product_applications:index"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8"))))
    assert "王小明" in rows[1]
    assert "13800138000" in rows[1]
