"""The product application form a customer fills in."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from products.models import ProductApplication, ProductPage
from products.questionnaire import QUESTIONS, Result, score

HONEYPOT_FIELD = "website"


class ProductApplicationForm(forms.ModelForm):
    """Contact details for a callback about one product.

    The honeypot field is hidden from people (CSS and aria-hidden) but bots fill it in.
    """

    consent_to_contact = forms.BooleanField(
        label=_("I agree that the bank may contact me about this application."),
        required=True,
        error_messages={"required": _("Please agree to be contacted so we can call you back.")},
    )
    # Longer than the 11 digits stored: customers type spaces, dashes and +86 (cleaned away).
    mobile_phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    class Meta:
        model = ProductApplication
        fields = [
            "applicant_name",
            "mobile_phone",
            "city",
            "amount_requested",
            "preferred_contact_time",
            "consent_to_contact",
        ]
        labels = {
            "applicant_name": _("Your name"),
            "city": _("City where you live or do business"),
            "amount_requested": _("Amount you have in mind (CNY, optional)"),
        }
        widgets = {
            "applicant_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "amount_requested": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            "preferred_contact_time": forms.RadioSelect,
        }

    def __init__(
        self,
        *args: Any,
        product: ProductPage,
        acknowledgement: str = "",
        **kwargs: Any,
    ) -> None:
        self.product = product
        super().__init__(*args, **kwargs)
        if acknowledgement:
            # suitability: the product is above the applicant's risk tolerance; they must
            # confirm these exact words (stored with the application) to go on.
            self.fields["risk_acknowledgement"] = forms.BooleanField(
                label=acknowledgement,
                required=True,
                error_messages={
                    "required": _(
                        "Confirm that you understand this product is above your risk tolerance, "
                        "or choose a product that matches your risk assessment."
                    )
                },
            )
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if product.minimum_amount:
            self.fields["amount_requested"].help_text = _("Minimum: ¥%(amount)s") % {
                "amount": f"{product.minimum_amount:,.0f}"
            }

    def honeypot_filled(self) -> bool:
        return bool((self.data.get(HONEYPOT_FIELD) or "").strip())

    def clean_mobile_phone(self) -> str:
        # Customers type numbers with spaces, dashes or the +86 country code; store 11 digits.
        number = "".join(ch for ch in self.cleaned_data["mobile_phone"] if ch not in " -")
        if number.startswith("+86"):
            number = number[3:]
        elif number.startswith("86") and len(number) == 13:
            number = number[2:]
        return number

    def clean_amount_requested(self) -> Decimal | None:
        amount = self.cleaned_data.get("amount_requested")
        minimum = self.product.minimum_amount
        if amount is not None and minimum and amount < minimum:
            raise forms.ValidationError(
                _("The minimum amount for this product is ¥%(amount)s.")
                % {"amount": f"{minimum:,.0f}"},
                code="below_minimum",
            )
        return amount


class RiskQuestionnaireForm(forms.Form):
    """The risk questionnaire (风险测评): one required choice per question."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                choices=[(option.key, option.label) for option in question.options],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer to this question.")},
            )

    def result(self) -> Result:
        """The scored answers; call only once the form is valid."""
        return score(self.cleaned_data)
