"""Names of staff groups, workflows and tasks, translated where people read them.

Data migrations create these rows with English names ("Marketers", "Campaign approval",
"Compliance review") and code finds them by those names (complaint routing, permissions, later
migrations), so the database keeps them. A zh-hans user must still read them in Chinese in the
admin (issue 12): Wagtail's templates print ``{{ workflow.name }}``, ``{{ task.name }}`` and
``str(group)`` in dozens of places, so the translation happens on the attribute itself.

Reading ``name`` gives a :class:`DisplayName`: a ``str`` whose content is the stored name (so
comparisons, lookups, hashing, JSON and database writes see the English original) and whose
``str()`` is the translation in the active language (what templates and ``%`` formatting show).
Model forms read the stored name (``value_from_object``), so editing a group or a workflow never
saves the translation in place of its name. The names are msgids of our catalogue; a name that
has no translation shows as stored.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Field, Model
from django.db.models.query_utils import DeferredAttribute
from django.utils.translation import gettext, gettext_lazy, gettext_noop

# The names the migrations create (here so that makemessages keeps them in our catalogue).
NAMES = (
    gettext_noop("Editors"),
    gettext_noop("Moderators"),
    gettext_noop("Marketers"),
    gettext_noop("Compliance reviewers"),
    gettext_noop("Customer service"),
    gettext_noop("Channel systems"),
    gettext_noop("Data protection"),
    gettext_noop("Product managers"),
    gettext_noop("Relationship managers"),
    gettext_noop("Bank staff"),
    gettext_noop("Listening analysts"),
    gettext_noop("Operations"),
    gettext_noop("Communications"),
    gettext_noop("Risk"),
    gettext_noop("Moderators approval"),
    gettext_noop("Campaign approval"),
    gettext_noop("Compliance review"),
    gettext_noop("Compliance review (four eyes)"),
    gettext_noop("Push offer approval"),
)


class DisplayName(str):
    """A stored name that prints as its translation."""

    __slots__ = ()

    def __str__(self) -> str:
        stored = str.__str__(self)
        return gettext(stored) if stored else stored

    def __html__(self) -> str:
        # local: escaping at call time (django.utils.html imports settings-dependent modules)
        from django.utils.html import escape

        return str(escape(str(self)))


#: Django names a model's default permissions "Can add <verbose_name_raw>"; shown as these.
PERMISSION_ACTIONS = {
    "add": gettext_noop("Can add %(name)s"),
    "change": gettext_noop("Can change %(name)s"),
    "delete": gettext_noop("Can delete %(name)s"),
    "view": gettext_noop("Can view %(name)s"),
}
_DEFAULT_PERMISSION = re.compile(r"Can (add|change|delete|view) (.+)")


class PermissionName(DisplayName):
    """A permission's stored name, printed from our catalogue: its own translation if it has
    one (custom permissions), else the default permission's action and the model's name."""

    __slots__ = ()

    def __str__(self) -> str:
        stored = str.__str__(self)
        translated = gettext(stored) if stored else stored
        if translated != stored:
            return translated
        match = _DEFAULT_PERMISSION.fullmatch(stored)
        if match is None:
            return stored
        action, model_name = match.groups()
        return gettext(PERMISSION_ACTIONS[action]) % {"name": gettext(model_name)}


class TranslatedNameAttribute(DeferredAttribute):
    """The field's descriptor, handing out the stored value as a :class:`DisplayName`."""

    display: type[DisplayName] = DisplayName

    def __get__(self, instance: Model | None, cls: type | None = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if type(value) is str:
            return self.display(value)
        return value

    def __set__(self, instance: Model, value: Any) -> None:
        # a data descriptor, so reads come through __get__ even once the value is loaded
        instance.__dict__[self.field.attname] = value


def _stored_value(field: Any) -> Any:
    def value_from_object(obj: Model) -> Any:
        value = getattr(obj, field.attname)
        return str.__str__(value) if isinstance(value, DisplayName) else value

    return value_from_object


def translate_name_field(
    model: type[Model], name: str = "name", display: type[DisplayName] = DisplayName
) -> None:
    """Show ``model.<name>`` translated; store and edit it as it is."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    attribute = TranslatedNameAttribute(field)
    attribute.display = display
    setattr(model, field.attname, attribute)
    field.value_from_object = _stored_value(field)  # type: ignore[method-assign]


def install() -> None:
    """Translate the names of staff groups, workflows and workflow tasks at display."""
    # local: ready(): models exist only once the app registry is loaded
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Task, Workflow

    for model in (Group, Workflow, Task):
        translate_name_field(model)
    # the group form's permission table names each permission (Can add campaign ...)
    translate_name_field(Permission, display=PermissionName)
    label_site_columns()
    label_workflow_form()
    name_models_without_verbose_names()


def name_models_without_verbose_names() -> None:
    """Give Wagtail's Locale and wagtail-localize's Translation translatable names.

    Neither declares a verbose name, so Django makes "locale" and "translation" from the class
    names, plain strings no catalogue translates: the group form headed their permissions
    "Locale" and "Translation" (content types are named by ``verbose_name``). The migration
    state reads ``Meta`` as declared (``original_attrs``), so no migration follows from this.
    """
    # local: ready(): models exist only once the app registry is loaded
    from wagtail.models import Locale
    from wagtail_localize.models import Translation  # type: ignore[import-untyped]

    Locale._meta.verbose_name = gettext_lazy("locale")
    Locale._meta.verbose_name_plural = gettext_lazy("locales")
    Translation._meta.verbose_name = gettext_lazy("translation")
    Translation._meta.verbose_name_plural = gettext_lazy("translations")


def label_workflow_form() -> None:
    """Name the workflow form's page and content-type fields (Wagtail 8.0 leaves them to Django,
    which makes untranslated "Page" and "Content types" from the fields' names)."""
    # local: ready(): Wagtail's admin forms import models, which exist only once apps are loaded
    from wagtail.admin.forms.workflows import WorkflowContentTypeForm, WorkflowPageForm

    WorkflowContentTypeForm.base_fields["content_types"].label = gettext_lazy("Content types")
    WorkflowPageForm.base_fields["page"].label = gettext_lazy("Page")


def label_site_columns() -> None:
    """Head Wagtail's sites listing with the fields' verbose names (端口, 站点名称, 根页面).

    Wagtail 8.0 declares its port, site name and root page columns without labels, so their
    headings are made from the field names (Port, Site name) and never translated.
    """
    # local: ready(): the sites views import models, which exist only once the apps are loaded
    from wagtail.models import Site
    from wagtail.sites.views import IndexView

    for column in IndexView.columns:
        if column.name in {"port", "site_name", "root_page"}:
            column.label = Site._meta.get_field(column.name).verbose_name
