"""A model field holding several choices from a fixed list, edited as a row of checkboxes.

The one implementation for the whole portal: products' sales channels and a campaign's hours and
weekdays use it. It lives below products (which may import targeting, never the reverse).
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChoiceListField(models.JSONField):
    """A JSON list of choice values (strings or small integers) ticked from ``choices_list``.

    A JSON list keeps the values readable in revisions (which serialise the model) and portable
    between SQLite and PostgreSQL, where a many-to-many table to a handful of fixed rows would be
    machinery for nothing. An empty list is what leaving every box unticked gives; for a
    campaign's hours and weekdays that means "no restriction".
    """

    def __init__(self, *args: Any, choices_list: Any = None, **kwargs: Any) -> None:
        self.choices_list = list(choices_list or [])
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["choices_list"] = self.choices_list
        return name, path, args, kwargs

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        super().validate(value, model_instance)
        allowed = {choice for choice, _label in self.choices_list}
        if not isinstance(value, list) or any(item not in allowed for item in value):
            raise ValidationError(_("Choose only from the listed options."), code="invalid_choice")

    def _coerce(self) -> Callable[[str], Any]:
        # A form posts strings; hand back the choice's own value (the int 9 for the box "9").
        by_text = {str(choice): choice for choice, _label in self.choices_list}
        return lambda text: by_text[str(text)]

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        # Bypass JSONField's textarea: editors tick boxes instead of typing JSON.
        defaults: dict[str, Any] = {
            "choices": self.choices_list,
            "coerce": self._coerce(),
            "widget": forms.CheckboxSelectMultiple,
            "required": not self.blank,
            "label": self.verbose_name,
            "help_text": self.help_text,
        }
        defaults.update(kwargs)
        for key in ("encoder", "decoder", "max_length"):
            defaults.pop(key, None)
        return (form_class or forms.TypedMultipleChoiceField)(**defaults)
