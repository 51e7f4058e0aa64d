"""Shapes of the targeting API. Serializers validate and hand over; they hold no business rules.

Model validation (the rule language, links, alt text, schedule) is the models' own ``clean()``,
run here on the changed object so its errors come back under the field the caller sent, e.g.
``{"rule": ["rule.all[2].value: expected a number"]}``. Writes go through
``targeting.api.revisions`` (Wagtail's actions), never ``Model.save()`` directly.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

from portal.api_parsers import MAX_NUMBER
from targeting import simulation
from targeting.api import revisions
from targeting.api.crm_bulk import MAX_ROWS
from targeting.engine.attributes import ATTRIBUTES, MAX_KEYS
from targeting.models import (
    SHORT_RICH_TEXT,
    Campaign,
    CampaignCreative,
    Creative,
    Placement,
    Segment,
)


def clean_rich_text(value: str) -> str:
    """Keep only what the admin's editor allows in a slot (bold, italic, links), as Wagtail does.

    Wagtail's whitelister drops scripts, event attributes, ``javascript:`` links and any element
    outside the field's features, so API callers cannot store what editors could not.
    """
    if not value:
        return ""
    return EditorHTMLConverter(features=SHORT_RICH_TEXT).to_database_format(value)


def json_type_problem(field: serializers.Field, value: Any) -> str | None:
    """Why ``value`` is not the JSON type the schema promises for ``field`` (DRF is lenient:
    it reads ``0`` as false, ``"3"`` as 3 and ``42`` as "42"; the documented contract is not)."""
    if value is None:
        return None if field.allow_null else _("This field may not be null.")
    if isinstance(field, serializers.BooleanField):
        ok = isinstance(value, bool)
        expected = _("Expected true or false.")
    elif isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        ok = isinstance(value, int) and not isinstance(value, bool)
        expected = _("Expected a whole number.")
    elif isinstance(
        field,
        serializers.CharField
        | serializers.DateTimeField
        | serializers.SlugRelatedField
        | serializers.ChoiceField,
    ) and not isinstance(field, serializers.JSONField):
        ok = isinstance(value, str) or (
            isinstance(field, serializers.ChoiceField)
            and not isinstance(field, serializers.CharField)
            and all(not isinstance(c, str) for c in field.choices)
        )
        expected = _("Expected a string.")
    elif isinstance(
        field, serializers.ListField | serializers.ManyRelatedField | serializers.ListSerializer
    ):
        ok = isinstance(value, list)
        expected = _("Expected a list.")
    elif isinstance(field, serializers.Serializer):
        ok = isinstance(value, dict)
        expected = _("Expected an object.")
    else:
        return None
    return None if ok else expected


class StrictJSONTypes:
    """Refuse values of the wrong JSON type and unknown fields before DRF converts them."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            fields = self.fields  # type: ignore[attr-defined]
            read_only = {name for name, f in fields.items() if f.read_only}
            unknown = sorted(set(data) - set(fields) - read_only)
            if unknown:
                raise serializers.ValidationError({unknown[0]: [_("Unknown field.")]})
            for name, value in data.items():
                field = fields.get(name)
                if field is None or field.read_only:
                    continue
                problem = json_type_problem(field, value)
                if problem:
                    raise serializers.ValidationError({name: [problem]})
        return super().to_internal_value(data)  # type: ignore[misc]


class TargetingModelSerializer(StrictJSONTypes, serializers.ModelSerializer):
    """Runs the model's ``clean()`` on the changed object and writes through Wagtail's actions."""

    #: Fields a caller may set on create only (templates, rules and reports refer to them).
    immutable_fields: tuple[str, ...] = ("slug",)
    #: Many-to-many and inline fields, set on the object apart from plain fields.
    relation_fields: tuple[str, ...] = ()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        self._publish = bool(attrs.pop("publish", False))
        if self.instance is not None:
            for name in self.immutable_fields:
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError(
                        {name: [_("Cannot be changed once created (other objects refer to it).")]}
                    )
        instance = self.instance if self.instance is not None else self.Meta.model()
        for name, value in attrs.items():
            if name not in self.relation_fields:
                setattr(instance, name, value)
        try:
            instance.full_clean(validate_unique=False, validate_constraints=False)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        self._prepared = instance
        return attrs

    def wants_publish(self) -> bool:
        return getattr(self, "_publish", False)

    def set_relations(self, instance: models.Model, attrs: dict[str, Any]) -> None:
        for name in self.relation_fields:
            if name in attrs:
                setattr(instance, name, attrs[name])

    def create(self, validated_data: dict[str, Any]) -> models.Model:
        instance = self._prepared
        self.set_relations(instance, validated_data)
        user = self.context["request"].user
        created = revisions.create(instance, user, publish=self.wants_publish())
        return self.reload(created)

    def update(self, instance: models.Model, validated_data: dict[str, Any]) -> models.Model:
        instance = self._prepared
        self.set_relations(instance, validated_data)
        user = self.context["request"].user
        edited = revisions.edit(instance, user, publish=self.wants_publish())
        return self.reload(edited)

    def reload(self, instance: models.Model) -> models.Model:
        # Publishing updates the row through a fresh copy of the object: answer with the row.
        return type(instance)._default_manager.get(pk=instance.pk)

    def to_representation(self, instance: models.Model) -> dict[str, Any]:
        # Show what the admin's edit form shows: the latest revision, drafts included.
        return super().to_representation(revisions.latest_version(instance))


class DraftStateFields(serializers.Serializer):
    """Read-only state of a draft-managed object, and the write-only ``publish`` switch."""

    live = serializers.BooleanField(
        read_only=True, help_text="Whether a published version is in use on the site."
    )
    has_unpublished_changes = serializers.BooleanField(
        read_only=True, help_text="The latest revision (shown here) is not published yet."
    )
    last_published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    publish = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Publish this revision at once (needs the publish permission). "
        "Without it the change is saved as a draft.",
    )


class SegmentSerializer(DraftStateFields, TargetingModelSerializer):
    """An audience: ``{"name", "slug", "description", "rule", "enabled"}`` (DESIGN.md)."""

    url = serializers.HyperlinkedIdentityField(
        view_name="targeting_api:segment-detail", lookup_field="slug"
    )
    rule = serializers.JSONField(
        help_text="The rule language (docs/rule-language.md), validated like the admin does."
    )

    class Meta:
        model = Segment
        fields = [
            "url",
            "id",
            "name",
            "slug",
            "description",
            "rule",
            "enabled",
            # Membership (issue 14 items 3 and 4), all optional: stays for the visit, a random
            # sample, a static audience and its frozen members' moment (refreshed in the admin).
            "stays_for_visit",
            "sample_percent",
            "is_static",
            "static_limit",
            "static_frozen_at",
            "live",
            "has_unpublished_changes",
            "last_published_at",
            "publish",
        ]
        read_only_fields = ["id", "static_frozen_at"]


class PlacementSerializer(TargetingModelSerializer):
    """A slot on the site's pages and its default content (not draft-managed)."""

    url = serializers.HyperlinkedIdentityField(
        view_name="targeting_api:placement-detail", lookup_field="slug"
    )

    class Meta:
        model = Placement
        fields = [
            "url",
            "id",
            "name",
            "slug",
            "description",
            "kind",
            "default_headline",
            "default_body",
            "default_link_label",
            "default_link_page",
            "default_link_url",
        ]
        read_only_fields = ["id"]

    def validate_default_body(self, value: str) -> str:
        return clean_rich_text(value)

    def validate_slug(self, value: str) -> str:
        # Slugs are unique per language now (the translations share them), which DRF does not
        # check for a field pair it cannot see: a taken slug is a 400 naming it, not a 500.
        taken = Placement.objects.in_default_locale().filter(slug=value)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError(_("A placement with this slug already exists."))
        return value


class CreativeSerializer(DraftStateFields, TargetingModelSerializer):
    """What a campaign shows: headline, short rich text, images, call to action."""

    immutable_fields = ()
    url = serializers.HyperlinkedIdentityField(view_name="targeting_api:creative-detail")

    class Meta:
        model = Creative
        fields = [
            "url",
            "id",
            "name",
            "headline",
            "body",
            "image",
            "mobile_image",
            "alt_text",
            "cta_label",
            "cta_page",
            "cta_url",
            "live",
            "has_unpublished_changes",
            "last_published_at",
            "publish",
        ]
        read_only_fields = ["id"]

    def validate_body(self, value: str) -> str:
        return clean_rich_text(value)


class CampaignCreativeSerializer(StrictJSONTypes, serializers.Serializer):
    """A creative in the campaign's rotation and its share of showings."""

    creative = serializers.PrimaryKeyRelatedField(queryset=Creative.objects.all())
    weight = serializers.IntegerField(min_value=1, default=1)


class CampaignSerializer(TargetingModelSerializer):
    """A campaign. Saved as a draft revision only: it goes live through compliance approval."""

    relation_fields = ("placements", "include_segments", "exclude_segments", "campaign_creatives")

    url = serializers.HyperlinkedIdentityField(
        view_name="targeting_api:campaign-detail", lookup_field="slug"
    )
    placements = serializers.SlugRelatedField(
        # i18n: a slot by its slug (its translations share the slug)
        many=True,
        slug_field="slug",
        queryset=Placement.objects.in_default_locale(),
    )
    include_segments = serializers.SlugRelatedField(
        many=True,
        slug_field="slug",
        queryset=Segment.objects.all(),
        required=False,
        help_text="Audiences shown to (any of them); empty shows to everyone.",
    )
    exclude_segments = serializers.SlugRelatedField(
        many=True, slug_field="slug", queryset=Segment.objects.all(), required=False
    )
    creatives = CampaignCreativeSerializer(many=True, source="campaign_creatives")
    hours = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=23),
        required=False,
        help_text="Local hours (0-23) it shows in; empty: all day.",
    )
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7),
        required=False,
        help_text="ISO weekdays (1 = Monday) it shows on; empty: every day.",
    )
    status = serializers.CharField(
        read_only=True,
        help_text="draft, awaiting_approval, scheduled, live, ended or paused.",
    )
    live = serializers.BooleanField(read_only=True)
    has_unpublished_changes = serializers.BooleanField(read_only=True)
    last_published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    publish = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Must be false or absent: campaigns go live only through the compliance "
        "approval workflow in the admin.",
    )

    class Meta:
        model = Campaign
        fields = [
            "url",
            "id",
            "name",
            "slug",
            "description",
            "placements",
            "creatives",
            "include_segments",
            "exclude_segments",
            "start_at",
            "end_at",
            "hours",
            "weekdays",
            "priority",
            "weight",
            "frequency_cap",
            "paused",
            "status",
            "live",
            "has_unpublished_changes",
            "last_published_at",
            "publish",
        ]
        read_only_fields = ["id"]

    def validate_publish(self, value: bool) -> bool:
        if value:
            raise serializers.ValidationError(
                _(
                    "Campaigns cannot be published through the API: submit the saved draft to "
                    "the compliance approval workflow in the admin."
                )
            )
        return value

    def validate_creatives(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not value:
            raise serializers.ValidationError(_("Give the campaign at least one creative."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        include = {s.slug for s in attrs.get("include_segments", [])}
        both = sorted(include & {s.slug for s in attrs.get("exclude_segments", [])})
        if both:
            raise serializers.ValidationError(
                {"exclude_segments": [_("%s is also in include_segments.") % both[0]]}
            )
        if "campaign_creatives" in attrs:
            rows = attrs["campaign_creatives"]
            if any("creative" not in row for row in rows):
                # PATCH validates nested rows partially: a row still needs its creative.
                raise serializers.ValidationError(
                    {"creatives": [_("Each row needs its creative.")]}
                )
            attrs["campaign_creatives"] = [
                CampaignCreative(creative=row["creative"], weight=row.get("weight", 1))
                for row in rows
            ]
        return super().validate(attrs)

    def wants_publish(self) -> bool:
        return False  # Never: compliance approves campaigns in the admin (validate_publish).


# --- Decisions and simulation -----------------------------------------------------------------


class DecisionCreativeSerializer(serializers.Serializer):
    """The winning creative as the slot shows it, with its rendered ``html``."""

    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    headline = serializers.CharField()
    body = serializers.CharField(help_text="Rich text as HTML.")
    image_desktop = serializers.CharField(allow_null=True)
    image_desktop_width = serializers.IntegerField(allow_null=True)
    image_desktop_height = serializers.IntegerField(allow_null=True)
    image_mobile = serializers.CharField(allow_null=True)
    image_mobile_width = serializers.IntegerField(allow_null=True)
    image_mobile_height = serializers.IntegerField(allow_null=True)
    alt = serializers.CharField(allow_blank=True)
    cta_label = serializers.CharField(allow_blank=True)
    cta_url = serializers.CharField(allow_blank=True)
    risk_level = serializers.CharField(
        allow_null=True,
        required=False,
        help_text="R1-R5 when the creative promotes a risk-rated product (its html then carries "
        "the risk notice); null otherwise.",
    )
    html = serializers.CharField(help_text="The slot's HTML, as the page would render it.")


class DecisionSerializer(serializers.Serializer):
    """What one placement shows; ``campaign`` and ``creative`` null mean its default content."""

    placement = serializers.CharField()
    campaign = serializers.CharField(allow_null=True, help_text="The campaign's slug.")
    campaign_name = serializers.CharField(required=False)
    creative = DecisionCreativeSerializer(allow_null=True)
    segments = serializers.ListField(
        child=serializers.CharField(),
        help_text="The placement's audiences this visitor is in (slugs).",
    )
    holdout = serializers.CharField(
        required=False,
        help_text=(
            "Only for a visitor in a campaign's holdout (the default content applies): the "
            'campaign\'s slug. Report its views as impressions with creative "holdout".'
        ),
    )


class ErrorsSerializer(serializers.Serializer):
    """A bad request: each offending field (``placement``, ``request.at``...) and why."""

    errors = serializers.DictField(child=serializers.CharField())


#: Strings of a described visitor: the simulation refuses every control character in them
#: (tab and line feed too, which the JSON parser lets through elsewhere).
NO_CONTROL_AT_ALL = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"


def _attribute_schema(attribute: Any) -> dict[str, Any]:
    """The JSON schema of a value ``attributes`` may give for one rule-language attribute."""
    text = {"type": "string", "maxLength": simulation.MAX_TEXT, "pattern": NO_CONTROL_AT_ALL}
    kinds: dict[str, dict[str, Any]] = {
        "str": text,
        "int": {"type": "integer", "minimum": -MAX_NUMBER, "maximum": MAX_NUMBER},
        "bool": {"type": "boolean"},
        "date": {"type": "string", "format": "date"},
        "list": {"type": "array", "maxItems": simulation.MAX_LIST, "items": text},
    }
    schema = dict(kinds[attribute.type])
    if attribute.choices is not None:
        # null ("unknown") is allowed: with nullable, OpenAPI 3.0 wants it listed in the enum too.
        schema["enum"] = [*attribute.choices, None]
    schema["nullable"] = True
    if attribute.keyed:
        # A keyed attribute (issue 14): an object of keys (parameter names, paths) to values.
        schema = {
            "type": "object",
            "maxProperties": MAX_KEYS,
            "additionalProperties": schema,
            "nullable": True,
        }
    if attribute.label:
        schema["description"] = str(attribute.label)
    return schema


def _attributes_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {name: _attribute_schema(attr) for name, attr in ATTRIBUTES.items()},
        "additionalProperties": False,
        "description": "Rule-language attribute names and values that override or add to the "
        'request\'s, e.g. {"profile.age": 30, "crm.segments": ["VIP"]}.',
    }


class SimulationCheckField(serializers.Field):
    """A field whose check is ``targeting.simulation``'s own, with its messages.

    The simulation's checks are the one definition of a valid description (the admin's preview
    runs them too); this field runs the check and keeps the value as sent, so the schema
    generated from the field is the contract the API enforces. A ``SimulationForbidden`` passes
    through ``is_valid()`` (the view answers 403).
    """

    def check(self, value: Any) -> None:
        raise NotImplementedError

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data is serializers.empty:
            return super().run_validation(data)  # absent: skipped (every part is optional)
        try:
            self.check(data)
        except simulation.SimulationError as exc:
            raise serializers.ValidationError(exc.message) from None
        return data


@extend_schema_field(
    {"type": "string", "maxLength": simulation.MAX_TEXT, "pattern": NO_CONTROL_AT_ALL}
)
class RequestTextField(SimulationCheckField):
    """``user_agent``, ``referrer``, ``url``: text without control characters."""

    def check(self, value: Any) -> None:
        if self.field_name == "url":
            simulation.request_url(value)
        else:
            simulation.request_text(str(self.field_name), value)  # bound: a declared field


@extend_schema_field({"type": "string", "oneOf": [{"format": "ipv4"}, {"format": "ipv6"}]})
class AddressField(SimulationCheckField):
    """An IPv4 or IPv6 address."""

    def check(self, value: Any) -> None:
        simulation.request_ip(value)


@extend_schema_field({"type": "string", "format": "date-time", "pattern": "^(19|2[01])[0-9]{2}-"})
class MomentField(SimulationCheckField):
    """An ISO 8601 date-time in the years the simulation accepts (1900 to 2199)."""

    def check(self, value: Any) -> None:
        simulation.request_at(value)


@extend_schema_field(
    {
        "type": "object",
        "maxProperties": simulation.MAX_HEADERS,
        "additionalProperties": {
            "type": "string",
            "maxLength": 200,
            "pattern": NO_CONTROL_AT_ALL,
        },
        "description": "A trusted CDN's geolocation headers (CF-IPCountry, "
        "CloudFront-Viewer-Country, CloudFront-Viewer-Country-Region, ...: the configured names "
        "only), believed before GeoIP as behind the site's trusted proxies.",
    }
)
class HeadersField(SimulationCheckField):
    """The CDN geo headers of a described request (issue 14 item 2)."""

    def check(self, value: Any) -> None:
        simulation.request_headers(value)


@extend_schema_field({"type": "string", "pattern": simulation.BROWSER_VISITOR_ID.pattern})
class VisitorField(SimulationCheckField):
    """A browser visitor id; reading its profile needs ``VISITOR_PROFILE_PERMISSION``."""

    def check(self, value: Any) -> None:
        may_read = bool(self.context.get("may_read_profiles"))
        simulation.request_visitor(value, may_read_profiles=may_read)


@extend_schema_field(_attributes_schema())
class AttributesField(SimulationCheckField):
    """Attribute overrides by rule-language name (schema generated from the attribute list)."""

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if isinstance(data, dict):
            # The first bad attribute, named as ``attributes.<name>`` (dots are in the names).
            for name, value in data.items():
                try:
                    simulation.attribute_value(name, value)
                except simulation.SimulationError as exc:
                    raise serializers.ValidationError({name: [exc.message]}) from None
        return super().run_validation(data)

    def check(self, value: Any) -> None:
        if not isinstance(value, dict):
            raise simulation.SimulationError("attributes", _("Expected an object."))


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class PlacementsField(SimulationCheckField):
    """Placement slugs; one that names no placement is a 404 (as in decide), not a 400."""

    def check(self, value: Any) -> None:
        simulation.placement_slugs(value)


class SimulationRequestSerializer(serializers.Serializer):
    """The described request; it goes through the same providers as a real one.

    Fields in the order the simulation checks them; the first bad one is the answer.
    """

    at = MomentField(
        required=False,
        help_text="ISO 8601, a year from 1900 to 2199; without an offset it is in the site's "
        "time zone.",
    )
    url = RequestTextField(required=False, help_text="The landing URL, or a path on the site.")
    ip = AddressField(required=False)
    visitor = VisitorField(
        required=False,
        help_text="A browser visitor id whose stored profile feeds behaviour.* (needs "
        "tracking.view_visitorprofile; customers' profiles are never read).",
    )
    referrer = RequestTextField(required=False)
    user_agent = RequestTextField(required=False)
    headers = HeadersField(required=False)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError(_("Expected an object."))
        try:
            simulation.request_keys(data)
        except simulation.SimulationError as exc:
            raise serializers.ValidationError({exc.field.split(".", 1)[1]: [exc.message]}) from None
        validated = {}
        for name, field in self.fields.items():
            if name in data:
                try:
                    validated[name] = field.run_validation(data[name])
                except serializers.ValidationError as exc:
                    raise serializers.ValidationError({name: exc.detail}) from None
        return validated


#: The body's parts and the JSON type each must have.
SIMULATION_PARTS = {"request": dict, "attributes": dict, "placements": list}


class SimulationSerializer(serializers.Serializer):
    """``POST /api/v1/simulate``: every part optional.

    Context ``may_read_profiles``: whether the caller holds ``VISITOR_PROFILE_PERMISSION``.
    """

    default_error_messages = {"invalid": gettext_lazy("Expected a JSON object.")}

    request = SimulationRequestSerializer(required=False)
    attributes = AttributesField(required=False)
    placements = PlacementsField(
        required=False, help_text="Default: every placement. An unknown one is a 404."
    )

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({unknown[0]: [_("Unknown key.")]})
            # Each part's JSON type before any part's content, as the API always answered.
            for name, kind in SIMULATION_PARTS.items():
                if name in data and not isinstance(data[name], kind):
                    message = _("Expected an object.") if kind is dict else _("Expected a list.")
                    raise serializers.ValidationError({name: [message]})
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.OBJECT)
class ExplainField(serializers.JSONField):
    """Why each segment and campaign matched or not (``segments``, ``campaigns``)."""


class SimulationAnswerSerializer(serializers.Serializer):
    """What the engine would do for the described visitor, and why."""

    attributes = serializers.DictField(child=serializers.JSONField())
    segments = serializers.ListField(child=serializers.CharField())
    decisions = serializers.DictField(child=DecisionSerializer())
    explain = ExplainField()


# --- CRM ------------------------------------------------------------------------------------


class StrictCharField(serializers.CharField):
    """A JSON string, kept as sent: a number is not coerced to text, spaces are not trimmed."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return data


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only (DRF's BooleanField would also take "yes", 1 and "on")."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class TooManyRows(Exception):
    """More CRM rows than one request may carry (the view answers 413)."""


#: Messages of a misshaped CRM row; such a row refuses the whole batch with a 400 naming it.
_ROW_STRING = {"invalid": "expected a string", "required": "required", "null": "required"}


class CrmMembershipRowSerializer(serializers.Serializer):
    """One CRM segment code held by a customer (as a row of the CRM's CSV export).

    Shape is the request's contract: a row that is not an object with string ``customer`` and
    ``code`` and an optional string or null ``expires`` refuses the batch. What a well-shaped
    row says (an unknown code, a date that is not one) is the CRM's data: such rows are reported
    in ``rejected`` by ``crm_bulk.upsert_memberships`` and the others are upserted.
    """

    default_error_messages = {"invalid": "expected an object with customer, code and expires"}

    customer = StrictCharField(
        allow_blank=True,
        error_messages=_ROW_STRING,
        help_text="The CRM's customer number (letters, digits, - and _; up to 40). A row with a "
        "number that is not one is reported in `rejected`.",
    )
    code = StrictCharField(
        allow_blank=True,
        error_messages=_ROW_STRING,
        help_text="Letters, digits, - and _ (up to 40); otherwise the row is reported in "
        "`rejected`.",
    )
    expires = StrictCharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        error_messages=_ROW_STRING,
        help_text="YYYY-MM-DD (end of that day, site time) or an ISO 8601 date-time.",
    )

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({unknown[0]: "unknown key"})
        return super().to_internal_value(data)


class CrmBulkSerializer(serializers.Serializer):
    """``POST /api/v1/crm/memberships``; raises ``TooManyRows`` past ``crm_bulk.MAX_ROWS``."""

    default_error_messages = {"invalid": gettext_lazy("Expected a JSON object.")}

    memberships = CrmMembershipRowSerializer(
        many=True,
        error_messages={
            key: gettext_lazy("Expected a list of memberships.")
            for key in ("required", "null", "not_a_list")
        },
    )
    replace = StrictBooleanField(
        required=False,
        default=False,
        error_messages={
            key: gettext_lazy("Expected true or false.") for key in ("invalid", "null")
        },
        help_text="Each customer named keeps only the codes listed for them.",
    )

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({unknown[0]: gettext_lazy("Unknown key.")})
            rows = data.get("memberships")
            if isinstance(rows, list) and len(rows) > MAX_ROWS:
                raise TooManyRows
        return super().to_internal_value(data)


def first_error(errors: Any, path: str = "") -> tuple[str, str]:
    """(field, why) of the first error in a serializer's ``errors``, the field as a dotted path
    with list indexes (``memberships[3].code``); the body itself is ``body``."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            if key == api_settings.NON_FIELD_ERRORS_KEY:
                return first_error(value, path or "body")
            if isinstance(key, int):  # a list's errors by item index
                return first_error(value, f"{path}[{key}]")
            return first_error(value, f"{path}.{key}" if path else str(key))
    if isinstance(errors, list) and errors:
        if all(isinstance(item, str) for item in errors):
            return path or "body", str(errors[0])
        for index, item in enumerate(errors):
            if item:
                return first_error(item, f"{path}[{index}]")
    return path or "body", str(errors)


class CrmRejectedRowSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the row in `memberships`.")
    reason = serializers.CharField()


class CrmBulkAnswerSerializer(serializers.Serializer):
    """What the upsert did."""

    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    removed = serializers.IntegerField(help_text="Memberships removed by `replace`.")
    rejected = CrmRejectedRowSerializer(many=True)
