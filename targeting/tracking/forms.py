"""Forms of the customer's pages: declared profile and erasure confirmation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from targeting.tracking.models import CustomerProfile

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a str or a lazy translation; types only

REGION_CHOICES = [
    ("", _("Prefer not to say")),
    ("CN-BJ", _("Beijing")),
    ("CN-TJ", _("Tianjin")),
    ("CN-HE", _("Hebei")),
    ("CN-SX", _("Shanxi")),
    ("CN-NM", _("Inner Mongolia")),
    ("CN-LN", _("Liaoning")),
    ("CN-JL", _("Jilin")),
    ("CN-HL", _("Heilongjiang")),
    ("CN-SH", _("Shanghai")),
    ("CN-JS", _("Jiangsu")),
    ("CN-ZJ", _("Zhejiang")),
    ("CN-AH", _("Anhui")),
    ("CN-FJ", _("Fujian")),
    ("CN-JX", _("Jiangxi")),
    ("CN-SD", _("Shandong")),
    ("CN-HA", _("Henan")),
    ("CN-HB", _("Hubei")),
    ("CN-HN", _("Hunan")),
    ("CN-GD", _("Guangdong")),
    ("CN-GX", _("Guangxi")),
    ("CN-HI", _("Hainan")),
    ("CN-CQ", _("Chongqing")),
    ("CN-SC", _("Sichuan")),
    ("CN-GZ", _("Guizhou")),
    ("CN-YN", _("Yunnan")),
    ("CN-XZ", _("Tibet")),
    ("CN-SN", _("Shaanxi")),
    ("CN-GS", _("Gansu")),
    ("CN-QH", _("Qinghai")),
    ("CN-NX", _("Ningxia")),
    ("CN-XJ", _("Xinjiang")),
    ("CN-HK", _("Hong Kong")),
    ("CN-MO", _("Macao")),
    ("CN-TW", _("Taiwan")),
]

RISK_CHOICES: list[tuple[int | str, StrOrPromise]] = [
    (1, _("1 – Cautious: I do not want to lose any of what I put in.")),
    (2, _("2 – Steady: small ups and downs are fine for a little more return.")),
    (3, _("3 – Balanced: I accept some loss in a bad year for better long-term growth.")),
    (4, _("4 – Growth: I can live with large swings for higher expected returns.")),
    (5, _("5 – Aggressive: I accept losing a large part in pursuit of the highest returns.")),
]


#: A Wagtail hook through which an app offers interests a customer can declare; each function
#: returns a list of (value, label), e.g. the products app's product types. Tracking knows no app.
INTEREST_CHOICES_HOOK = "register_customer_interests"


def interest_choices() -> list[tuple[str, Any]]:
    """The interests registered through ``INTEREST_CHOICES_HOOK``, in registration order."""
    choices: list[tuple[str, Any]] = []
    for offer in hooks.get_hooks(INTEREST_CHOICES_HOOK):
        choices.extend((str(value), label) for value, label in offer())
    return choices


class CustomerProfileForm(forms.ModelForm):
    """What a customer tells the bank about themselves; every field is optional."""

    region = forms.ChoiceField(label=_("Home region"), choices=REGION_CHOICES, required=False)
    interests = forms.MultipleChoiceField(
        label=_("Interested in"),
        choices=interest_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = CustomerProfile
        fields = [
            "age",
            "gender",
            "income_band",
            "occupation",
            "region",
            "interests",
        ]
        labels = {"income_band": _("Monthly income band")}
        widgets = {"age": forms.NumberInput(attrs={"min": 16, "max": 130, "inputmode": "numeric"})}

    def clean_age(self) -> int | None:
        age = self.cleaned_data.get("age")
        if age is not None and not 16 <= age <= 130:
            raise forms.ValidationError(_("Enter an age between 16 and 130."))
        return age


class EraseConfirmationForm(forms.Form):
    """Erasure cannot be undone: the customer types their username to confirm."""

    confirm = forms.CharField(label=_("Type your username to confirm"), max_length=150)

    def __init__(self, *args: Any, username: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.username = username

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value != self.username:
            raise forms.ValidationError(_("That is not your username; nothing was erased."))
        return value
