"""A model field holding several choices from a fixed list, edited as checkboxes."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChoiceListField(models.JSONField):
    """A JSON list of choice values, e.g. the channels a product is sold through.

    A JSON list keeps the channels readable in revisions and portable between SQLite and
    PostgreSQL, where a many-to-many table to a five-row lookup would be machinery for nothing.
    """

    def __init__(self, *args: Any, item_choices: Any = None, **kwargs: Any) -> None:
        self.item_choices = list(item_choices or [])
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["item_choices"] = self.item_choices
        return name, path, args, kwargs

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        super().validate(value, model_instance)
        allowed = {choice for choice, _label in self.item_choices}
        if not isinstance(value, list) or any(item not in allowed for item in value):
            raise ValidationError(_("Choose only from the listed options."), code="invalid_choice")

    def formfield(self, **kwargs: Any) -> forms.Field:
        # Bypass JSONField's textarea: editors tick boxes instead of typing JSON.
        defaults = {
            "form_class": forms.MultipleChoiceField,
            "choices": self.item_choices,
            "widget": forms.CheckboxSelectMultiple,
            "required": not self.blank,
            "label": self.verbose_name,
            "help_text": self.help_text,
        }
        defaults.update(kwargs)
        form_class = defaults.pop("form_class")
        for key in ("encoder", "decoder", "max_length"):
            defaults.pop(key, None)
        return form_class(**defaults)
