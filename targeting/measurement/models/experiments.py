"""The history of automatic allocation: every published change of a campaign's shares."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AllocationUpdate(models.Model):
    """One update of a campaign's automatic allocation, as published to the snapshot.

    Compliance approved the campaign's creatives; the shares among them move without a new
    approval, and this row is the record of each move: when, for which audience segment, the
    shares, and the counts they were learnt from.
    """

    campaign = models.ForeignKey(
        "targeting.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="allocation_updates",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    #: The audience segment the shares are for; "" = every audience.
    segment = models.CharField(_("audience segment"), max_length=80, blank=True)
    goal = models.CharField(_("goal"), max_length=16)
    #: {creative id: share}
    weights = models.JSONField(_("shares"), default=dict)
    #: {creative id: [successes, seen impressions]}
    counts = models.JSONField(_("counts"), default=dict)

    class Meta:
        verbose_name = _("allocation update")
        verbose_name_plural = _("allocation updates")
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["campaign", "-created_at"], name="measurement_alloc_campaign")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.segment or '*'} {self.created_at:%Y-%m-%d %H:%M}"
