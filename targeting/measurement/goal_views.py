"""The admin screen for conversion goals (Reports → Conversion goals).

A plain Wagtail ``ModelViewSet``: its views check the model permissions on every path (marketers
add, change and delete goals; compliance reviewers only look). The model validates the target
for its kind and names the field in every error (``ConversionGoal.clean``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.model import ModelViewSet

from targeting.measurement.models import ConversionGoal


class ConversionGoalViewSet(ModelViewSet):
    """Conversion goals, in the Reports menu beside the reports that count them."""

    model = ConversionGoal
    name = "conversion_goals"
    url_prefix = "measurement/goals"
    icon = "success"
    menu_label = _("Conversion goals")
    menu_hook = "register_reports_menu_item"
    #: Fixed: derived from the label it would depend on the language of the first request.
    menu_name = "conversion-goals"
    menu_order = 110
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["name", "key"]
    list_filter = ["kind", "active"]
    list_display = [
        "name",
        Column("get_kind_display", label=_("kind"), sort_key="kind"),
        Column("key", label=_("target"), sort_key="key"),
        Column("attribution_window_days", label=_("attribution window (days)")),
        BooleanColumn("active", label=_("active")),
    ]
    panels = [
        HelpPanel(
            _(
                "A conversion counts for the campaign, creative, placement and audience of the "
                "visitor's last click, or else last seen impression, within the attribution "
                "window. Product applications and custom goal events always count; a goal for "
                "them names one product or event. Pages and forms count only when a goal names "
                "them."
            )
        ),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("key")]),
        FieldRowPanel([FieldPanel("attribution_window_days"), FieldPanel("active")]),
    ]
