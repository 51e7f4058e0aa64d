"""The Applications menu in the Wagtail admin: customer service works product leads here."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from portal.spreadsheets import SafeExportIndexView
from products.applications import applied_product_slugs
from products.choices import ProductType
from products.models import ProductApplication
from products.risk import RiskAssessment, SuitabilityRecord


class ProductApplicationPermissionPolicy(ModelPermissionPolicy):
    """Leads come only from customers' own submissions: nobody adds one in the admin.

    Viewing, changing (the status) and deleting follow the usual Django permissions.
    """

    def user_has_permission(self, user, action: str) -> bool:
        if action == "add":
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([action for action in actions if action != "add"])


register_permission_policy(
    ProductApplication, ProductApplicationPermissionPolicy(ProductApplication)
)


class ProductApplicationViewSet(ModelViewSet):
    """Leads for products: list, filter, search, export, inspect and update the status.

    Only users with a permission on ProductApplication see the menu item and the views (the
    groups "Customer service" and "Product managers" are created by migration 0002). Leads
    come from customers only, so staff cannot add them and can change only the status.
    """

    model = ProductApplication
    # Applicants type these cells themselves: the CSV export neutralises formulas.
    index_view_class = SafeExportIndexView
    icon = "form"
    menu_label = _("Product applications")
    add_to_admin_menu = False
    list_display = [
        "reference",
        "product_title",
        "applicant_name",
        "mobile_phone",
        "city",
        "status",
        "created_at",
    ]
    list_filter = ["product", "status", "created_at"]
    search_fields = ["reference", "applicant_name", "mobile_phone", "city", "product_title"]
    # The database backend would need the model indexed; plain ORM search is right for leads.
    search_backend_name = None
    list_export = [
        "reference",
        "product_title",
        "applicant_name",
        "mobile_phone",
        "city",
        "amount_requested",
        "preferred_contact_time",
        "consent_to_contact",
        "status",
        "created_at",
        "visitor_id",
        "utm_source",
        "utm_medium",
        "utm_campaign",
    ]
    export_filename = "product-applications"
    form_fields = ["status"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "reference",
        "product_title",
        "applicant_name",
        "mobile_phone",
        "city",
        "amount_requested",
        "preferred_contact_time",
        "consent_to_contact",
        "status",
        "created_at",
        "user",
        "visitor_id",
        "source",
        "utm_source",
        "utm_medium",
        "utm_campaign",
    ]
    copy_view_enabled = False


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Suitability records are written only by the customer's own actions; staff read them."""

    def user_has_permission(self, user, action: str) -> bool:
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            [action for action in actions if action not in ("add", "change", "delete")]
        )


register_permission_policy(RiskAssessment, ReadOnlyPermissionPolicy(RiskAssessment))
register_permission_policy(SuitabilityRecord, ReadOnlyPermissionPolicy(SuitabilityRecord))


class RiskAssessmentViewSet(ModelViewSet):
    """Customers' risk questionnaires (history included), for customer service and compliance:
    list, filter, export and inspect; nobody edits or adds one in the admin."""

    model = RiskAssessment
    index_view_class = SafeExportIndexView
    icon = "doc-full"
    menu_label = _("Risk assessments")
    add_to_admin_menu = False
    list_display = ["user", "tolerance", "score", "assessed_at", "valid_until", "reminder_sent_at"]
    list_filter = ["tolerance", "assessed_at", "valid_until"]
    search_fields = ["user__username", "user__email"]
    search_backend_name = None
    list_export = [
        "user",
        "questionnaire_version",
        "score",
        "tolerance",
        "assessed_at",
        "valid_until",
        "reminder_sent_at",
    ]
    export_filename = "risk-assessments"
    # Never shown: the permission policy allows no add or edit.
    form_fields = ["reminder_sent_at"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "user",
        "questionnaire_version",
        "answers",
        "score",
        "tolerance",
        "assessed_at",
        "valid_until",
        "reminder_sent_at",
    ]
    copy_view_enabled = False


class SuitabilityRecordViewSet(ModelViewSet):
    """How each investment application stood against the applicant's risk assessment, with the
    acknowledgement given for a product above the tolerance."""

    model = SuitabilityRecord
    index_view_class = SafeExportIndexView
    icon = "warning"
    menu_label = _("Suitability records")
    add_to_admin_menu = False
    list_display = ["application", "product_risk", "tolerance", "mismatch", "acknowledged_at"]
    list_filter = ["mismatch", "product_risk", "tolerance"]
    search_fields = ["application__reference", "application__product_title"]
    search_backend_name = None
    list_export = [
        "application",
        "product_risk",
        "tolerance",
        "mismatch",
        "acknowledged_at",
        "acknowledgement_text",
    ]
    export_filename = "suitability-records"
    form_fields = ["acknowledged_at"]  # never shown: no add or edit (see the policy)
    inspect_view_enabled = True
    inspect_view_fields = [
        "application",
        "assessment",
        "product_risk",
        "tolerance",
        "mismatch",
        "acknowledged_at",
        "acknowledgement_text",
    ]
    copy_view_enabled = False


class ApplicationsViewSetGroup(ModelViewSetGroup):
    """The "Applications" admin menu; other kinds of customer requests can join it."""

    menu_label = _("Applications")
    menu_icon = "form"
    menu_order = 250
    items = (
        ProductApplicationViewSet("product_applications"),
        SuitabilityRecordViewSet("suitability_records"),
        RiskAssessmentViewSet("risk_assessments"),
    )


@hooks.register("register_admin_viewset")
def register_application_viewsets() -> ApplicationsViewSetGroup:
    return ApplicationsViewSetGroup()


@hooks.register("register_customer_history")
def applications_as_customer_history(user_id: int) -> dict[str, list[str]]:
    """Targeting's ``history.applications``: the products a customer applied for, read from the
    application records (the one place applications are kept)."""
    return applied_product_slugs(user_id)


@hooks.register("register_customer_interests")
def product_types_as_interests() -> list[tuple[str, object]]:
    """The interests a customer can declare on their profile are the product types."""
    return list(ProductType.choices)
