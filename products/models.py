"""The product catalogue: an index page per customer group, product pages, and applications."""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.search import searchable_text
from products import suitability
from products.blocks import PRODUCT_RICH_TEXT_FEATURES, ProductContentBlock
from products.catalogue import CatalogueFilter, catalogue_sections, products_by_type
from products.choices import (
    RISK_LEVEL_EXPLANATIONS,
    RISK_RATED_TYPES,
    UNRATED_TYPES,
    ApplicationStatus,
    Channel,
    ContactTime,
    CustomerGroup,
    ProductType,
    RiskLevel,
)
from products.fields import ChoiceListField
from products.risk import RiskAssessment, SuitabilityRecord  # noqa: F401  (registers the models)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a str or a lazy translation; types only

MAINLAND_MOBILE_VALIDATOR = RegexValidator(
    r"^1[3-9]\d{9}$",
    message=_("Enter an 11-digit mainland China mobile number, e.g. 13800138000."),
    code="invalid_mobile",
)


class ProductIndexPage(Page):
    """The products for one customer group, e.g. personal or corporate banking."""

    customer_group = models.CharField(
        _("customer group"),
        max_length=20,
        choices=CustomerGroup.choices,
        help_text=_("Who the products under this page are for. One page per group and language."),
    )
    intro = RichTextField(_("introduction"), blank=True, features=PRODUCT_RICH_TEXT_FEATURES)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("customer_group"),
        FieldPanel("intro"),
        FieldPanel("hero_image"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["products.ProductPage"]
    template = "products/product_index_page.html"

    class Meta:
        verbose_name = _("product index page")

    def clean(self) -> None:
        super().clean()
        siblings = ProductIndexPage.objects.filter(
            customer_group=self.customer_group, locale_id=self.locale_id
        ).exclude(pk=self.pk)
        if self.customer_group and siblings.exists():
            raise ValidationError(
                {"customer_group": _("There is already a product index page for this group.")}
            )

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        products = ProductPage.objects.child_of(self).live().public().specific()
        groups = products_by_type(products)
        selected_type = request.GET.get("type", "")
        if selected_type not in {group.product_type for group in groups}:
            selected_type = ""
        context["available_types"] = [(group.product_type, group.label) for group in groups]
        context["product_groups"] = [
            group for group in groups if selected_type in ("", group.product_type)
        ]
        context["selected_type"] = selected_type
        context["compare_url"] = reverse("products:compare")
        return context


class ProductPage(RoutablePageMixin, Page):
    """One bank product: its pricing, eligibility, risk, channels and an application form."""

    product_type = models.CharField(
        _("product type"),
        max_length=20,
        choices=ProductType.choices,
        db_index=True,
        help_text=_("Also the product category that targeting rules see."),
    )
    summary = models.CharField(
        _("summary"),
        max_length=240,
        help_text=_("One or two sentences shown on cards and in search."),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    headline_rate = models.DecimalField(
        _("headline rate or yield (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Percent per year, e.g. 1.45. Leave empty for products without a rate."),
    )
    rate_label = models.CharField(
        _("rate label"),
        max_length=40,
        blank=True,
        help_text=_("What the rate is, e.g. 年利率, 预期年化收益率 or 参考年化利率."),
    )
    fees = models.TextField(_("fees"), blank=True)
    term = models.CharField(_("term"), max_length=60, blank=True, help_text=_("E.g. 3个月-5年."))
    minimum_amount = models.DecimalField(
        _("minimum amount (CNY)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Smallest amount a customer can deposit, invest or borrow, in yuan."),
    )
    eligibility = RichTextField(_("eligibility"), blank=True, features=PRODUCT_RICH_TEXT_FEATURES)
    risk_level = models.CharField(
        _("risk level"),
        max_length=2,
        choices=RiskLevel.choices,
        blank=True,
        help_text=_(
            "Required for wealth management and distributed insurance and funds; "
            "not used for loans, credit cards and payments."
        ),
    )
    channels = ChoiceListField(
        _("channels"),
        choices_list=Channel.choices,
        help_text=_("Where customers can get or apply for the product."),
    )
    body = StreamField(ProductContentBlock(), verbose_name=_("content"), blank=True)
    apply_label = models.CharField(
        _("apply button label"),
        max_length=30,
        blank=True,
        help_text=_("E.g. 立即申请 or 预约开户. Empty means 'Apply now'."),
    )
    is_featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Featured products are listed first.")
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("product_type"),
                FieldPanel("summary"),
                FieldPanel("image"),
                FieldPanel("is_featured"),
            ],
            heading=_("Basics"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("headline_rate"),
                FieldPanel("rate_label"),
                FieldPanel("fees"),
                FieldPanel("term"),
                FieldPanel("minimum_amount"),
            ],
            heading=_("Pricing"),
        ),
        MultiFieldPanel(
            [FieldPanel("eligibility"), FieldPanel("risk_level")],
            heading=_("Eligibility and risk"),
        ),
        MultiFieldPanel([FieldPanel("channels"), FieldPanel("apply_label")], heading=_("Channels")),
        MultiFieldPanel([FieldPanel("body")], heading=_("Content")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("product_type_search_text"),
        index.SearchField("body"),
        # Chinese split into bigrams so part of a name (信用卡 in 白金信用卡) finds the product.
        index.SearchField("cjk_search_text"),
        index.FilterField("product_type"),
        index.FilterField("is_featured"),
    ]

    parent_page_types = ["products.ProductIndexPage"]
    subpage_types: list[str] = []
    template = "products/product_page.html"

    class Meta:
        verbose_name = _("product page")

    @property
    def category(self) -> str:
        """The product category targeting rules match on (`behaviour.categories`)."""
        return self.product_type

    @property
    def risk_explanation(self) -> str:
        return str(RISK_LEVEL_EXPLANATIONS.get(self.risk_level, ""))

    @property
    def channel_labels(self) -> list[str]:
        labels = dict(Channel.choices)
        return [str(labels[value]) for value in self.channels or [] if value in labels]

    @property
    def apply_button_label(self) -> str:
        return self.apply_label or str(_("Apply now"))

    def product_type_search_text(self) -> str:
        """The type's name in every site language, so '存款' and 'deposit' both find deposits."""
        label = ProductType(self.product_type).label if self.product_type else ""
        names = {self.product_type, str(label)}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names.add(str(label))
        return " ".join(sorted(name for name in names if name))

    def cjk_search_text(self) -> str:
        """Title, summary, type and body text in the portal search's bigram form."""
        body_text = [str(text) for text in self.body.stream_block.get_searchable_content(self.body)]
        return searchable_text(
            self.title, self.summary, self.product_type_search_text(), self.rate_label, body_text
        )

    def clean(self) -> None:
        super().clean()
        errors: dict[str, StrOrPromise] = {}
        if self.product_type in RISK_RATED_TYPES and not self.risk_level:
            errors["risk_level"] = _(
                "Wealth management and distributed insurance and fund products need a risk level "
                "(R1-R5)."
            )
        if self.product_type in UNRATED_TYPES and self.risk_level:
            errors["risk_level"] = _(
                "Loans, credit cards and payment services carry no risk level; leave it empty."
            )
        if self.headline_rate is not None and not self.rate_label:
            errors["rate_label"] = _("Say what the rate is, e.g. 年利率.")
        if self.rate_label and self.headline_rate is None:
            errors["headline_rate"] = _("Enter the rate, or clear the rate label.")
        if errors:
            raise ValidationError(errors)

    def similar_products(self, limit: int = 3) -> models.QuerySet["ProductPage"]:
        """Other live products of the same type under the same index, to compare with."""
        return (
            ProductPage.objects.live()
            .public()
            .sibling_of(self, inclusive=False)
            .filter(product_type=self.product_type)
            .order_by("-is_featured", "path")[:limit]
        )

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        similar = list(self.similar_products())
        compare_url = reverse("products:compare")
        context["similar_products"] = [
            (product, f"{compare_url}?ids={self.pk},{product.pk}") for product in similar
        ]
        if len(similar) > 1:
            ids = ",".join(str(page.pk) for page in [self, *similar])
            context["compare_all_url"] = f"{compare_url}?ids={ids}"
        context["apply_url"] = self.apply_url
        context["risk_levels"] = [
            (level, label, RISK_LEVEL_EXPLANATIONS[level]) for level, label in RiskLevel.choices
        ]
        return context

    @property
    def apply_url(self) -> str:
        return self.subpage_url("apply")

    def subpage_url(self, name: str) -> str:
        """The URL of one of this page's routes, e.g. its application form."""
        return (self.url or "/").rstrip("/") + "/" + self.reverse_subpage(name).lstrip("/")

    @path("apply/", name="apply")
    def apply(self, request: HttpRequest) -> HttpResponse:
        """The application form: POST-redirect-GET, honeypot and a per-address rate limit."""
        # local: applications and forms import these models (a real circle).
        from products import applications
        from products.forms import ProductApplicationForm

        # suitability: investment products need a valid risk assessment first, and one above
        # the applicant's tolerance an acknowledgement (or it is refused); nothing is recorded
        # before that is settled.
        gate = suitability.application_gate(self, request.user)
        if gate.action == "assess":
            return redirect(suitability.questionnaire_url(next_url=self.apply_url))
        if gate.action == "refuse":
            response = self.render(
                request,
                template="products/apply_refused.html",
                context_overrides={"gate": gate, "assessment": gate.assessment},
            )
            response.status_code = 403
            return response
        acknowledgement = (
            suitability.acknowledgement_text(self, gate) if gate.needs_acknowledgement else ""
        )
        address = applications.client_address(request)
        form = ProductApplicationForm(product=self, acknowledgement=acknowledgement)
        if request.method == "POST":
            if applications.rate_limit_exceeded(address):
                response = self.render(
                    request,
                    template="products/apply_rate_limited.html",
                    context_overrides={"retry_minutes": applications.rate_limit_minutes()},
                )
                response.status_code = 429
                return response
            form = ProductApplicationForm(
                request.POST, product=self, acknowledgement=acknowledgement
            )
            if form.honeypot_filled():
                # Look like success to the bot, keep nothing, but still count it against the
                # address so a bot cannot hammer the form.
                applications.count_submission(address)
                return self.render(request, template="products/apply_done.html")
            if form.is_valid():
                application = applications.submit_application(
                    product=self,
                    details=form.cleaned_data,
                    user=request.user if request.user.is_authenticated else None,
                    # tracking: links the lead to the consenting visitor's profile (issue 4)
                    visitor_id=getattr(getattr(request, "visitor", None), "id", None) or "",
                    source=applications.source_from_request(request),
                    gate=gate,
                    acknowledgement=acknowledgement,
                )
                applications.count_submission(address)
                request.session[applications.SESSION_KEY] = {
                    "reference": application.reference,
                    "product": self.pk,
                }
                return redirect(self.subpage_url("apply_done"))
        return self.render(
            request,
            template="products/apply_form.html",
            context_overrides={"form": form, "gate": gate, "assessment": gate.assessment},
        )

    @path("apply/done/", name="apply_done")
    def apply_done(self, request: HttpRequest) -> HttpResponse:
        """The thank-you page after POST-redirect-GET, showing the reference number."""
        from products import applications  # local: applications imports these models

        last = request.session.get(applications.SESSION_KEY) or {}
        if last.get("product") != self.pk:
            return redirect(self.url)
        return self.render(
            request,
            template="products/apply_done.html",
            context_overrides={"reference": last.get("reference")},
        )


class ProductApplication(models.Model):
    """A customer's application for a product: a sales lead, and a conversion for marketing."""

    reference = models.CharField(_("reference number"), max_length=20, unique=True, editable=False)
    product = models.ForeignKey(
        ProductPage,
        verbose_name=_("product"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    # The product may be unpublished or deleted later; the lead must still say what it was for.
    product_title = models.CharField(_("product name"), max_length=255, editable=False)
    applicant_name = models.CharField(_("name"), max_length=50)
    mobile_phone = models.CharField(
        _("mobile phone"), max_length=11, validators=[MAINLAND_MOBILE_VALIDATOR]
    )
    city = models.CharField(_("city"), max_length=40)
    amount_requested = models.DecimalField(
        _("amount (CNY)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    preferred_contact_time = models.CharField(
        _("preferred contact time"),
        max_length=20,
        choices=ContactTime.choices,
        default=ContactTime.ANYTIME,
    )
    consent_to_contact = models.BooleanField(_("agreed to be contacted"), default=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.NEW,
        db_index=True,
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed-in user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="product_applications",
    )
    # Filled by the tracking work: links the lead to the visitor's behaviour profile.
    visitor_id = models.CharField(_("visitor id"), max_length=64, blank=True, editable=False)
    source = models.CharField(_("source"), max_length=255, blank=True, editable=False)
    utm_source = models.CharField("utm_source", max_length=100, blank=True, editable=False)
    utm_medium = models.CharField("utm_medium", max_length=100, blank=True, editable=False)
    utm_campaign = models.CharField("utm_campaign", max_length=100, blank=True, editable=False)
    # measurement (issue 10): the campaign touch the application is attributed to, kept on the
    # row: the visitor's last click, else last seen impression, within ATTRIBUTION_WINDOW_DAYS
    # (targeting.tracking.attribution). Empty without consent or without a touch.
    attributed_campaign = models.CharField(
        _("attributed campaign"), max_length=80, blank=True, editable=False
    )
    attributed_creative = models.CharField(
        _("attributed creative"), max_length=40, blank=True, editable=False
    )
    attributed_placement = models.CharField(
        _("attributed placement"), max_length=80, blank=True, editable=False
    )
    attributed_segment = models.CharField(
        _("attributed segment"), max_length=80, blank=True, editable=False
    )
    attributed_touch = models.CharField(
        _("attributed by"),
        max_length=10,
        blank=True,
        editable=False,
        help_text=_("click: the last click led to it; view: a seen impression, without a click"),
    )

    class Meta:
        verbose_name = _("product application")
        verbose_name_plural = _("product applications")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reference} {self.product_title}"


class ProductCataloguePage(Page):
    """All products in one place (/products/): every customer group's products by type, with
    filters for group, type and the highest risk level a visitor will accept.

    It lists the live product pages of its own language wherever they sit in the tree, so editors
    keep one page per product under its customer group and this page never goes stale.
    """

    intro = RichTextField(_("introduction"), blank=True, features=PRODUCT_RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "products/product_catalogue_page.html"

    class Meta:
        verbose_name = _("all-products page")

    @property
    def summary(self) -> str:
        """What cards, search and the meta description show: the introduction's plain text."""
        return strip_tags(self.intro or "").strip()[:240]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        selection = CatalogueFilter.from_query(request.GET)
        index_pages = ProductIndexPage.objects.live().public().filter(locale_id=self.locale_id)
        pairs = [
            (index_page, ProductPage.objects.child_of(index_page).live().public().specific())
            for index_page in index_pages
        ]
        context["selection"] = selection
        context["sections"] = catalogue_sections(pairs, selection)
        context["group_choices"] = CustomerGroup.choices
        context["type_choices"] = ProductType.choices
        context["risk_choices"] = [
            (level, label, RISK_LEVEL_EXPLANATIONS[RiskLevel(level)])
            for level, label in RiskLevel.choices
        ]
        context["compare_url"] = reverse("products:compare")
        return context
