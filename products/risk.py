"""Stored risk assessments and the suitability record of each investment application.

Kept apart from ``products.models`` (which imports this module so Django registers the models)
because they belong to suitability, not to the page tree.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOLERANCE_CHOICES = [
    (1, _("C1 Cautious")),
    (2, _("C2 Conservative")),
    (3, _("C3 Balanced")),
    (4, _("C4 Growth")),
    (5, _("C5 Aggressive")),
]
LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class RiskAssessment(models.Model):
    """One completed risk questionnaire of a customer. Every one is kept (history); the latest
    whose ``valid_until`` has not passed is the customer's assessment in force."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        # Kept (anonymised) when the account goes: the bank must keep suitability records.
        null=True,
        on_delete=models.SET_NULL,
        related_name="risk_assessments",
    )
    questionnaire_version = models.CharField(_("questionnaire version"), max_length=20)
    answers = models.JSONField(_("answers"), default=dict)
    score = models.PositiveSmallIntegerField(_("score"))
    tolerance = models.PositiveSmallIntegerField(
        _("risk tolerance"), choices=TOLERANCE_CHOICES, validators=LEVEL_VALIDATORS
    )
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now, db_index=True)
    valid_until = models.DateTimeField(_("valid until"), db_index=True)
    reminder_sent_at = models.DateTimeField(_("re-assessment reminder sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-assessed_at", "-pk"]
        indexes = [models.Index(fields=["user", "-assessed_at"], name="products_risk_user_latest")]

    def __str__(self) -> str:
        return f"{self.get_tolerance_display()} ({self.assessed_at:%Y-%m-%d})"

    @property
    def is_valid(self) -> bool:
        return self.valid_until > timezone.now()

    @property
    def tolerance_code(self) -> str:
        return f"C{self.tolerance}"


class SuitabilityRecord(models.Model):
    """How an application for a risk-rated product stood against the applicant's assessment,
    and the acknowledgement the applicant gave when the product was above their tolerance."""

    application = models.OneToOneField(
        "products.ProductApplication",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="suitability",
    )
    assessment = models.ForeignKey(
        RiskAssessment,
        verbose_name=_("risk assessment"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    product_risk = models.PositiveSmallIntegerField(
        _("product risk level"), validators=LEVEL_VALIDATORS
    )
    tolerance = models.PositiveSmallIntegerField(
        _("customer risk tolerance"), choices=TOLERANCE_CHOICES, validators=LEVEL_VALIDATORS
    )
    mismatch = models.BooleanField(_("product above tolerance"), default=False)
    acknowledged_at = models.DateTimeField(_("mismatch acknowledged at"), null=True, blank=True)
    acknowledgement_text = models.TextField(_("acknowledgement shown"), blank=True)

    class Meta:
        verbose_name = _("suitability record")
        verbose_name_plural = _("suitability records")

    def __str__(self) -> str:
        return f"R{self.product_risk} / C{self.tolerance}"
