"""Conversion goals: what counts as a conversion besides the campaign's own clicks.

Marketers manage them in the admin (Reports → Conversion goals). The rollups read the active
goals once per run (``targeting.measurement.rollups.Goals``).
"""

from __future__ import annotations

import math
import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

#: A form's name, a goal event's name or a product's slug: letters, digits, "-", "_", ".".
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,199}$")
#: A site path: starts with "/", no spaces, quotes, angle brackets or control characters.
PATH_PATTERN = re.compile(r"^/[^\s\"'<>\\\x00-\x1f\x7f]{0,199}$")
#: The longest attribution window a goal may have (a year: the raw log holds no more).
MAX_WINDOW_DAYS = 365


class ConversionGoal(models.Model):
    """One kind of conversion a marketer wants counted, with its own attribution window.

    Product applications and ``goal`` events always count; a goal of those kinds names one
    product or one event so that it can be reported and given its own window. Pages and forms
    count only when a goal names them.
    """

    class Kind(models.TextChoices):
        PAGE = "page", _("Reaching a page")
        FORM = "form", _("Submitting a form")
        EVENT = "event", _("A custom goal event")
        APPLICATION = "application", _("Applying for a product")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    key = models.CharField(
        _("target"),
        max_length=200,
        blank=True,
        help_text=_(
            "For a page, its path (e.g. /personal/thank-you/); for a form, the form's name; for "
            "a custom event, the goal name the site script sends; for an application, the "
            "product's slug, or empty for any product."
        ),
    )
    attribution_window_days = models.PositiveSmallIntegerField(
        _("attribution window (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WINDOW_DAYS)],
        help_text=_(
            "How long after a click (or a seen impression) the conversion still counts for the "
            "campaign. Empty: the site's default."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("conversion goal")
        verbose_name_plural = _("conversion goals")
        ordering = ["kind", "key"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="measurement_goal_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        key = (self.key or "").strip()
        self.key = key
        if self.kind == self.Kind.PAGE:
            if not PATH_PATTERN.match(key):
                errors["key"] = _(
                    "Enter the page's path, starting with “/”, without spaces or quotes."
                )
        elif self.kind in (self.Kind.FORM, self.Kind.EVENT):
            if not NAME_PATTERN.match(key):
                errors["key"] = _(
                    "Enter a name of letters, digits, “-”, “_” or “.” (at most 200 characters)."
                )
        elif self.kind == self.Kind.APPLICATION and key and not NAME_PATTERN.match(key):
            errors["key"] = _("Enter a product's slug, or leave empty for any product.")
        if errors:
            raise ValidationError(errors)

    def window(self) -> timedelta:
        """The attribution window: the goal's own, else ``ATTRIBUTION_WINDOW_DAYS`` (30)."""
        days = self.attribution_window_days
        if not days or not math.isfinite(days):
            days = int(getattr(settings, "ATTRIBUTION_WINDOW_DAYS", 30))
        return timedelta(days=days)

    @classmethod
    def active_keys(cls) -> dict[str, frozenset[str]]:
        """The active goals' targets by kind (one query), for the rollups."""
        found: dict[str, set[str]] = {kind: set() for kind in cls.Kind.values}
        for kind, key in cls.objects.filter(active=True).values_list("kind", "key"):
            found.setdefault(kind, set()).add(key)
        return {kind: frozenset(keys) for kind, keys in found.items()}
