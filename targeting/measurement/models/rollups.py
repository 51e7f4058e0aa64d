"""Rollups: counts of seen impressions, clicks and conversions per hour and per day.

A rollup row is one cell: a time bucket and the dimensions campaign, creative, placement,
segment, channel and device class. Dimensions are kept as the slugs and references the events
carry (not foreign keys): a report still reads after a campaign is renamed or deleted, and a
rollup row never blocks deleting one. An empty string is "none" (a conversion without a touch in
the attribution window has no campaign).

``visitors`` counts distinct visitors of the cell (``VisitorMark`` remembers who was counted),
used for k-anonymity in exports (docs/privacy.md). ``RollupCursor`` records how far the raw
event log has been rolled up, so each event is added exactly once.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

DEVICE_CLASSES = ("mobile", "tablet", "desktop", "bot")


class RollupCell(models.Model):
    """The dimensions and measures every rollup row has."""

    campaign = models.CharField(_("campaign"), max_length=80, blank=True)
    creative = models.CharField(_("creative"), max_length=40, blank=True)
    placement = models.CharField(_("placement"), max_length=80, blank=True)
    segment = models.CharField(_("segment"), max_length=80, blank=True)
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    device = models.CharField(_("device class"), max_length=20, blank=True)
    impressions = models.PositiveBigIntegerField(_("seen impressions"), default=0)
    clicks = models.PositiveBigIntegerField(_("clicks"), default=0)
    conversions = models.PositiveBigIntegerField(_("conversions"), default=0)
    #: Of the conversions, product applications (the catalogue's own conversion).
    applications = models.PositiveBigIntegerField(_("applications"), default=0)
    #: Distinct visitors with any event in the cell (the k of k-anonymity).
    visitors = models.PositiveBigIntegerField(_("distinct visitors"), default=0)

    DIMENSIONS = ("campaign", "creative", "placement", "segment", "channel", "device")
    MEASURES = ("impressions", "clicks", "conversions", "applications", "visitors")

    class Meta:
        abstract = True


class HourlyRollup(RollupCell):
    """One cell per hour (``hour`` is the start of the hour, UTC)."""

    hour = models.DateTimeField(_("hour"))

    class Meta:
        verbose_name = _("hourly rollup")
        verbose_name_plural = _("hourly rollups")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["hour", *RollupCell.DIMENSIONS], name="measurement_hourly_cell"
            )
        ]
        indexes = [models.Index(fields=["campaign", "hour"], name="measurement_hourly_campaign")]


class DailyRollup(RollupCell):
    """One cell per day (``day`` is the date in the site's time zone)."""

    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["day", *RollupCell.DIMENSIONS], name="measurement_daily_cell"
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "day"], name="measurement_daily_campaign"),
            models.Index(fields=["day"], name="measurement_daily_day"),
        ]


class MonthlyRollup(RollupCell):
    """One cell per calendar month of site-local days (``month`` is the month's first day).

    The sums of the month's daily cells; ``visitors`` is the largest count of any of those
    daily cells (what the reports show for a group anyway). The campaign list over a year reads
    twelve of these per cell instead of 365 daily ones, and days only at the range's edges.
    """

    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("monthly rollup")
        verbose_name_plural = _("monthly rollups")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["month", *RollupCell.DIMENSIONS], name="measurement_monthly_cell"
            )
        ]
        indexes = [models.Index(fields=["month", "campaign"], name="measurement_monthly_month")]


class VisitorMark(models.Model):
    """A visitor already counted in a cell (hour or day): the distinct count's memory.

    ``cell`` and ``visitor`` are 63-bit hashes (of the bucket with the dimensions, and of the
    visitor id): no visitor id is kept here, and a row is 24 bytes. Marks older than the raw
    event retention are deleted with it; a rebuild recreates the ones it needs.
    """

    cell = models.BigIntegerField()
    visitor = models.BigIntegerField()
    day = models.DateField(db_index=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["cell", "visitor"], name="measurement_visitor_mark")
        ]


class RollupCursor(models.Model):
    """How far the raw event log has been rolled up (the highest ``RawEvent.id`` added)."""

    name = models.CharField(max_length=40, primary_key=True)
    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        default_permissions = ()


class ReportAccess(models.Model):
    """No table: the holder of the ``view_report`` permission (reports, exports, report API)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_report", _("Can view campaign reports and export them"))]
