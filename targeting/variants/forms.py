"""The editor's form for a new page variant: the audience and the priority."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from targeting.models import Segment
from targeting.variants.models import MAX_PRIORITY


class CreateVariantForm(forms.Form):
    """Which audience the variant is for, and which variant wins when several apply."""

    segment = forms.ModelChoiceField(
        queryset=Segment.objects.order_by("name"),
        label=_("Audience"),
        help_text=_(
            "Visitors in this audience get the variant instead of this page, once both the "
            "variant and the audience are published."
        ),
        empty_label=None,
    )
    priority = forms.IntegerField(
        label=_("Priority"),
        min_value=0,
        max_value=MAX_PRIORITY,
        initial=0,
        help_text=_(
            "When a visitor is in the audiences of several variants of a page, the variant "
            "with the highest priority is served."
        ),
    )


class ChangeVariantForm(CreateVariantForm):
    """A variant's audience and priority, changed after it was created."""


class RemoveVariantForm(forms.Form):
    """Unlinking a variant: what becomes of its page, chosen by the editor (no default)."""

    KEEP = "keep"
    DELETE = "delete"

    page = forms.ChoiceField(
        label=_("The variant page"),
        choices=[
            (KEEP, _("Keep it as an unpublished private draft beside this page")),
            (DELETE, _("Delete it")),
        ],
        widget=forms.RadioSelect,
    )
