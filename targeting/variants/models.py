"""A page variant: which page is served instead of which, to whom, before which other variant."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

#: Bounds of a variant's priority (a number an editor types; hostile values are refused).
MAX_PRIORITY = 1000


class PageVariant(models.Model):
    """The link between a canonical page and its copy for one audience.

    The variant is a Wagtail page of its own (a private sibling of the canonical page, edited,
    previewed and published like any page); it is served at the canonical page's URL to
    visitors in ``segment`` while it is live (``targeting.variants.serving``). Deleting the
    variant page, the canonical page or the audience deletes the link.
    """

    canonical = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="audience_variants",
        verbose_name=_("canonical page"),
    )
    variant = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="variant_link",
        verbose_name=_("variant page"),
    )
    segment = models.ForeignKey(
        "targeting.Segment",
        on_delete=models.CASCADE,
        related_name="page_variants",
        verbose_name=_("Audience"),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        default=0,
        help_text=_(
            "When a visitor is in the audiences of several variants of a page, the variant "
            "with the highest priority is served."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("page variant")
        verbose_name_plural = _("page variants")
        ordering = ["-priority", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["canonical", "segment"], name="variants_one_variant_per_audience"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.canonical_id} → {self.variant_id} ({self.segment_id})"
