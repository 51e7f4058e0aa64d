"""The structured rule editor used for ``Segment.rule`` in the Wagtail admin."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from targeting.catalogue import localized_catalogue
from targeting.models import Segment

#: Words of the builder, translated on the server so the script stays free of i18n machinery.
EDITOR_LABELS = {
    "all": _("All of these are true"),
    "any": _("Any of these is true"),
    "not": _("Not"),
    "segment": _("In audience"),
    "add_condition": _("Add condition"),
    # "Add group" alone is Wagtail's button on the staff groups listing (添加组).
    "add_group": pgettext_lazy("rule editor", "Add group"),
    "add_segment": _("Add audience"),
    "add_not": _("Add “not”"),
    "remove": _("Remove"),
    "attribute": _("Attribute"),
    "operator": _("Operator"),
    "value": _("Value"),
    "from": _("From"),
    "to": _("To"),
    "yes": _("Yes"),
    "no": _("No"),
    "list_hint": _("Separate values with commas"),
    "multi_hint": _("Hold Ctrl (⌘ on a Mac) to choose several."),
    "show_json": _("Show JSON"),
    "hide_json": _("Hide JSON"),
    "bad_json": _("The JSON is not valid; the builder shows the last valid rule."),
    "estimating": _("Estimating…"),
    "estimate": _("{matched} of {total} known profiles match (sample of {sampled})."),
    "estimate_no_profiles": _("No stored profiles yet."),
    "estimate_failed": _("The estimate failed: {error}"),
    "estimate_recent": _(
        "About {percent} percent of recent visitors ({sampled} sampled over {days} days)."
    ),
    "estimate_recent_hours": _(
        "About {percent} percent of recent visitors ({sampled} sampled over {hours} hours)."
    ),
    "estimate_no_recent": _("No recent visitors sampled yet."),
    "choose": _("Choose…"),
    # An empty group is refused when saved (rule.all: expected at least one node).
    "empty": _("No conditions yet: add at least one."),
    "estimate_empty": _("Add a condition to estimate the audience."),
}


class RuleEditorWidget(forms.Textarea):
    """A textarea holding the rule's JSON, driven by a small builder script.

    The textarea is the form field the server validates; the builder only writes JSON into it,
    so the editor degrades to plain JSON editing when scripts are off.
    """

    template_name = "targeting/widgets/rule_editor.html"

    class Media:
        js = ["targeting/js/rule-editor.js"]
        css = {"all": ["targeting/css/rule-editor.css"]}

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"rows": 8, "class": "rule-editor__json", **(attrs or {})})

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # The project's template engine (templates/targeting/...), not the form renderer's,
        # which only looks in app directories. Its autoescaping engine returns a SafeString.
        return render_to_string(self.template_name, self.get_context(name, value, attrs))

    def format_value(self, value: Any) -> str:
        if value in (None, ""):
            return "{}"
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["editor_data"] = {
            "catalogue": localized_catalogue(),
            "segments": list(Segment.objects.order_by("slug").values_list("slug", flat=True)),
            "labels": {key: str(text) for key, text in EDITOR_LABELS.items()},
        }
        try:
            context["estimate_url"] = reverse("targeting_audience_estimate")
        except NoReverseMatch:
            context["estimate_url"] = ""
        return context
