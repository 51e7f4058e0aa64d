"""Forms of the targeting admin tools."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.validators import slug_re, validate_slug
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from portal.slugs import pinyin_slug
from targeting.models import Campaign, Placement
from targeting.tracking.models import CustomerProfile

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a str or a lazy translation; types only

#: Real User-Agent strings, so the device provider is exercised as on a real request.
DEVICE_PRESETS: dict[str, tuple[StrOrPromise, str]] = {
    "iphone-safari": (
        _("iPhone, Safari"),
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    ),
    "android-chrome": (
        _("Android phone, Chrome"),
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36",
    ),
    "wechat-iphone": (
        _("WeChat on iPhone"),
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI "
        "Language/zh_CN",
    ),
    "alipay-android": (
        _("Alipay on Android"),
        "Mozilla/5.0 (Linux; U; Android 13; zh-CN; V2166A Build/TP1A.220624.014) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/69.0.3497.100 "
        "UWS/3.22.2.46 Mobile Safari/537.36 UCBS/3.22.2.46_230817175555 ChannelId(0) "
        "NebulaSDK/1.8.100112 Nebula AliApp(AP/10.5.26.8000) AlipayClient/10.5.26.8000 "
        "Language/zh-Hans",
    ),
    "windows-chrome": (
        _("Windows desktop, Chrome"),
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
    ),
    "googlebot": (
        _("Googlebot"),
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    ),
}


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace("，", ",").split(",") if part.strip()]


class PreviewForm(forms.Form):
    """Describe a visitor: the request as the providers see it, plus known facts about them."""

    device = forms.ChoiceField(
        label=_("Device"),
        choices=[(key, label) for key, (label, _ua) in DEVICE_PRESETS.items()],
        initial="iphone-safari",
    )
    referrer = forms.CharField(
        label=_("Came from (referrer URL)"),
        required=False,
        max_length=2000,
        help_text=_("e.g. https://www.baidu.com/s?wd=信用卡"),
    )
    url = forms.CharField(
        label=_("Landing URL"),
        required=False,
        max_length=2000,
        help_text=_("Path or full URL, with UTM parameters if any."),
    )
    ip = forms.GenericIPAddressField(label=_("IP address"), required=False)
    region = forms.CharField(
        label=_("Or region (overrides the IP)"),
        required=False,
        max_length=10,
        help_text=_("ISO 3166-2, e.g. CN-SC."),
    )
    city = forms.CharField(label=_("City"), required=False, max_length=60)
    at = forms.DateTimeField(
        label=_("Date and time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("Site time zone; empty means now."),
    )
    visitor = forms.CharField(
        label=_("Visitor id"),
        required=False,
        max_length=64,
        help_text=_("Use a stored visitor's behaviour."),
    )
    is_customer = forms.NullBooleanField(
        label=_("Is a customer"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("Unknown")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )
    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=130)
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", "—"), *CustomerProfile.GENDER_CHOICES]
    )
    income_band = forms.ChoiceField(
        label=_("Income band"),
        required=False,
        choices=[("", "—"), *CustomerProfile.INCOME_CHOICES],
    )
    occupation = forms.CharField(label=_("Occupation"), required=False, max_length=60)
    risk_tolerance = forms.IntegerField(
        label=_("Risk tolerance (1-5)"), required=False, min_value=1, max_value=5
    )
    products = forms.CharField(label=_("Products held"), required=False, help_text=_("Commas."))
    interests = forms.CharField(label=_("Interests"), required=False, help_text=_("Commas."))
    crm_segments = forms.CharField(
        label=_("CRM codes"), required=False, help_text=_("Commas, e.g. VIP, SME.")
    )
    visits = forms.IntegerField(label=_("Visits"), required=False, min_value=0)
    pageviews = forms.IntegerField(label=_("Page views"), required=False, min_value=0)
    categories = forms.CharField(
        label=_("Product categories viewed"), required=False, help_text=_("Commas, e.g. wealth.")
    )

    FIELDSETS = (
        (_("The request"), ("device", "referrer", "url", "ip", "region", "city", "at", "visitor")),
        (
            _("What the bank knows"),
            (
                "is_customer",
                "age",
                "gender",
                "income_band",
                "occupation",
                "risk_tolerance",
                "products",
                "interests",
                "crm_segments",
            ),
        ),
        (_("Behaviour"), ("visits", "pageviews", "categories")),
    )

    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def to_simulation(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The form as simulate()'s request spec and attribute overrides."""
        data = self.cleaned_data
        request_spec: dict[str, Any] = {"user_agent": DEVICE_PRESETS[data["device"]][1]}
        for key in ("referrer", "url", "ip", "visitor"):
            if data.get(key):
                request_spec[key] = data[key]
        if data.get("at"):
            request_spec["at"] = data["at"].isoformat()
        attributes: dict[str, Any] = {}
        simple = {
            "region": "geo.region",
            "city": "geo.city",
            "age": "profile.age",
            "gender": "profile.gender",
            "income_band": "profile.income_band",
            "occupation": "profile.occupation",
            "risk_tolerance": "profile.risk_tolerance",
            "visits": "behaviour.visits",
            "pageviews": "behaviour.pageviews",
        }
        for field, attribute in simple.items():
            value = data.get(field)
            if value not in (None, ""):
                attributes[attribute] = value
        if data.get("region"):
            attributes["geo.country"] = data["region"].split("-")[0].upper()
        lists = {
            "products": "profile.products",
            "interests": "profile.interests",
            "crm_segments": "crm.segments",
            "categories": "behaviour.categories",
        }
        for field, attribute in lists.items():
            if data.get(field):
                attributes[attribute] = _split(data[field])
        if data.get("is_customer") is not None:
            attributes["profile.is_customer"] = data["is_customer"]
        return request_spec, attributes


class CampaignForm(WagtailAdminModelForm):
    """The campaign editor's form (issue 12, the marketer's walk).

    - Placements are the slots themselves: a placement's translations (rows in other languages
      with the same slug) are its default content in that language, not slots of their own, and
      listed them twice, once by an English name.
    - The slug may be left empty (made from the name) or typed in Chinese: it becomes pinyin,
      as new pages' slugs do (``portal.slugs``), and a made slug steps aside from a taken one
      (``-2``, ``-3``...). A slug typed in ASCII is kept as typed and validated as before.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "placements" in self.fields:
            field = self.fields["placements"]
            field.queryset = Placement.objects.in_default_locale().order_by("name")
        if "slug" in self.fields:
            slug = self.fields["slug"]
            slug.required = False
            # Letters, digits and hyphens are checked in clean_slug, after Chinese became pinyin.
            slug.validators = [v for v in slug.validators if v is not validate_slug]
            slug.help_text = _(
                "Used in reports and the API. Leave it empty to make it from the name (in pinyin)."
            )

    def clean_slug(self) -> str:
        typed = (self.cleaned_data.get("slug") or "").strip()
        if typed and typed.isascii():
            if not slug_re.fullmatch(typed):
                raise forms.ValidationError(
                    _(
                        "Use letters, digits, hyphens and underscores only, or leave it empty "
                        "to make it from the name."
                    ),
                    code="invalid",
                )
            return typed  # kept as typed; the model's uniqueness check applies
        if "\x00" in typed:
            raise forms.ValidationError(_("Control characters are not allowed."))
        made = pinyin_slug(typed or self.cleaned_data.get("name") or "") or "campaign"
        max_length = Campaign._meta.get_field("slug").max_length or 80
        made = made[:max_length].strip("-") or "campaign"
        taken = Campaign.objects.filter(slug__startswith=made)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        slugs = set(taken.values_list("slug", flat=True))
        candidate, number = made, 2
        while candidate in slugs:
            suffix = f"-{number}"
            candidate = made[: max_length - len(suffix)].strip("-") + suffix
            number += 1
        return candidate
