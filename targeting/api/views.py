"""The targeting API: decide, simulate, targeting CRUD and the CRM bulk upsert.

Views only coordinate: parse, check permissions, call the domain (``targeting.rendering``,
``targeting.simulation``, Wagtail's actions via ``targeting.api.revisions``,
``targeting.api.crm_bulk``) and shape the answer. See docs/api.md.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from django.db import models
from django.http import HttpRequest, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException, AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api_schema import ProblemSerializer
from portal.apikeys.tokens import ApiTokenAuthentication
from targeting.api import crm_bulk, revisions, usage
from targeting.api.permissions import (
    CRM_REPLACE_PERMISSION,
    DECIDE_FOR_CUSTOMER_PERMISSION,
    CanSimulate,
    CanUpsertCrmMemberships,
    TargetingModelPermissions,
)
from targeting.api.serializers import (
    CampaignSerializer,
    CreativeSerializer,
    CrmBulkAnswerSerializer,
    CrmBulkSerializer,
    DecisionSerializer,
    ErrorsSerializer,
    PlacementSerializer,
    SegmentSerializer,
    SimulationAnswerSerializer,
    SimulationSerializer,
    TooManyRows,
    first_error,
)
from targeting.models import Campaign, Creative, Placement, Segment
from targeting.rendering import decide_slot, decision_as_dict
from targeting.simulation import (
    VISITOR_PROFILE_PERMISSION,
    SimulationForbidden,
    UnknownPlacement,
    simulate,
)
from targeting.snapshot import get_snapshot
from targeting.tracking.models import CustomerProfile

logger = logging.getLogger("targeting")

#: Systems send a token; the admin's pages use the session (with CSRF on writes). Token first,
#: so an anonymous call gets 401 with ``WWW-Authenticate: Token`` rather than a bare 403.
API_AUTHENTICATION = [ApiTokenAuthentication, SessionAuthentication]

#: What a decision depends on besides the audience key: the request headers the providers read.
DECISION_VARY = ("Cookie", "User-Agent", "Referer")

#: A CRM batch body above this is refused before it is read (5,000 rows fit well inside).
CRM_MAX_BODY_BYTES = 4 * 1024 * 1024


def errors(status_code: int, **fields: str) -> Response:
    """The API's error answer for a bad field: ``{"errors": {"<field>": "<why>"}}``."""
    return Response({"errors": fields}, status=status_code)


class Conflict(APIException):
    """The object cannot be changed as asked in its current state (in use, in approval)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The object cannot be changed in its current state.")
    default_code = "conflict"


# --- Decide ---------------------------------------------------------------------------------


def _default_answer(placement: str, decision: Any = None) -> dict[str, Any]:
    return {
        "placement": placement,
        "campaign": None,
        "creative": None,
        "segments": list(decision.segments) if decision is not None else [],
    }


def _placement_exists(slug: str) -> bool | None:
    """Whether the placement exists; None when targeting cannot tell (then: default content)."""
    try:
        return slug in get_snapshot().placements
    except Exception:
        logger.exception("targeting: snapshot unavailable for the decide API")
    try:
        return Placement.objects.filter(slug=slug).exists()
    except Exception:
        logger.exception("targeting: placement %r could not be looked up", slug)
        return None


def decide_for_request(request: HttpRequest, placement: str) -> tuple[dict[str, Any], str]:
    """The decide answer and audience key, from the same code path as ``{% placement %}``."""
    result = decide_slot(request, placement)  # never raises; falls back to the default
    decision = result.decision
    if decision is None or decision.campaign is None or decision.creative is None:
        return _default_answer(placement, decision), getattr(decision, "audience_key", "")
    try:
        return decision_as_dict(get_snapshot(), placement, decision), decision.audience_key
    except Exception:
        logger.exception("targeting: decision of %r could not be shaped", placement)
        return _default_answer(placement), ""


#: A CRM customer number as ``customer_number`` stores it (the CRM bulk API's ``customer``).
CUSTOMER_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")


def _customer_user(value: str) -> Any | None:
    """The user whose CRM customer number is ``value``; None when nobody has it."""
    profile = (
        CustomerProfile.objects.select_related("user")
        .filter(customer_number=value, user__is_active=True)
        .first()
    )
    return profile.user if profile is not None else None


class DecideView(APIView):
    """``GET /api/v1/decide?placement=<slug>``: what the page would show this visitor.

    The visitor is the page's: Django's own session user (a signed-in customer sees their
    campaigns here as on the page). A channel system may add ``customer=<customer number>``
    with a token whose user holds ``targeting.decide_for_customer``.
    """

    # No DRF authentication: it would replace the page's user with AnonymousUser (its
    # authenticators run instead of Django's session middleware, and an empty list means
    # anonymous). The session is read lazily by Django, only when a rule asks about the
    # customer, so an anonymous visitor without a session costs no query; a token is read
    # only for ``customer`` (a stale token elsewhere does not stop a public decision).
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def perform_authentication(self, request: Request) -> None:
        """Keep ``request._request.user`` as Django's session middleware set it."""

    @extend_schema(
        operation_id="decide",
        summary="Decide a placement for the requesting visitor",
        parameters=[
            OpenApiParameter(
                "placement",
                {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "maxLength": 255},
                required=True,
                description="The placement's slug.",
            ),
            OpenApiParameter(
                "customer",
                {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"},
                required=False,
                description="Decide for this customer (their CRM customer number) instead of "
                "the requesting visitor. Only with `Authorization: Token ...` of a user "
                "holding `targeting.decide_for_customer`.",
            ),
        ],
        responses={
            200: OpenApiResponse(
                DecisionSerializer,
                description="The decision; `campaign` and `creative` are null for the "
                "placement's default content. Header `X-Audience-Key` names the audience.",
            ),
            400: OpenApiResponse(
                ErrorsSerializer, description="`placement` missing, or `customer` malformed."
            ),
            401: OpenApiResponse(
                ErrorsSerializer, description="`customer` with an invalid or expired token."
            ),
            403: OpenApiResponse(
                ErrorsSerializer,
                description="`customer` without a token, or with a token lacking "
                "`targeting.decide_for_customer`.",
            ),
            404: OpenApiResponse(
                ErrorsSerializer, description="Unknown placement, or no such `customer`."
            ),
        },
        tags=["decisions"],
    )
    def get(self, request: Request) -> Response:
        slugs = [s.strip() for s in request.query_params.getlist("placement")]
        if not slugs or not slugs[0]:
            return errors(400, placement=_("This query parameter is required."))
        if len(slugs) > 1:
            return errors(400, placement=_("Ask for one placement per request."))
        slug = slugs[0]
        on_behalf = "customer" in request.query_params
        if on_behalf:
            refused = self._act_for_customer(request)
            if refused is not None:
                return refused
        if _placement_exists(slug) is False:
            return errors(404, placement=_("Unknown placement %r.") % slug)
        answer, audience_key = decide_for_request(request._request, slug)
        response = Response(answer)
        # Decisions vary by audience, not by person: private to the browser here; a CDN in
        # front must key on X-Audience-Key (see docs/api.md) instead of caching this answer.
        patch_cache_control(response, private=True, max_age=0)
        patch_vary_headers(response, DECISION_VARY + (("Authorization",) if on_behalf else ()))
        if audience_key:
            response["X-Audience-Key"] = audience_key
        return response

    def _act_for_customer(self, request: Request) -> Response | None:
        """Make the named customer the visitor, or say why not (400, 401, 403 or 404)."""
        values = request.query_params.getlist("customer")
        if len(values) != 1 or not CUSTOMER_NUMBER.fullmatch(values[0]):
            return errors(
                400, customer=_("Give one customer number (letters, digits, - _ .; 40 at most).")
            )
        authentication = ApiTokenAuthentication()
        try:
            authenticated = authentication.authenticate(request)
        except AuthenticationFailed as failure:
            response = errors(401, customer=str(failure.detail))
            response["WWW-Authenticate"] = authentication.keyword  # what authenticate_header gives
            return response
        system = authenticated[0] if authenticated else None
        if system is None or not system.has_perm(DECIDE_FOR_CUSTOMER_PERMISSION):
            return errors(
                403,
                customer=_(
                    "Deciding for a customer needs an API token with the permission "
                    "targeting.decide_for_customer."
                ),
            )
        customer = _customer_user(values[0])
        if customer is None:
            return errors(404, customer=_("No customer has this customer number."))
        # The decision reads this customer's profile and CRM segments; the calling system's
        # own cookies (consent, visitor id) and session are not the customer's: drop them.
        django_request = request._request
        django_request.user = customer
        django_request.COOKIES = {}
        django_request.__dict__.pop("visitor", None)
        return None


# --- Simulate -------------------------------------------------------------------------------


class SimulateView(APIView):
    """``POST /api/v1/simulate``: what the engine would do for a described visitor, and why."""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [CanSimulate]

    @extend_schema(
        operation_id="simulate",
        summary="Simulate a described visitor",
        request=SimulationSerializer,
        responses={
            200: SimulationAnswerSerializer,
            400: OpenApiResponse(ErrorsSerializer, description="A field is invalid."),
            403: OpenApiResponse(
                ProblemSerializer,
                description="Needs targeting.view_segment; `request.visitor` also "
                "tracking.view_visitorprofile.",
            ),
            404: OpenApiResponse(ErrorsSerializer, description="An unknown placement."),
        },
        tags=["decisions"],
    )
    def post(self, request: Request) -> Response:
        may_read_profiles = request.user.has_perm(VISITOR_PROFILE_PERMISSION)
        serializer = SimulationSerializer(
            data=request.data, context={"may_read_profiles": may_read_profiles}
        )
        try:
            valid = serializer.is_valid()
        except SimulationForbidden as exc:
            return errors(403, **{exc.field: exc.message})
        if not valid:
            field, why = first_error(serializer.errors)
            return errors(400, **{field: why})
        body = serializer.validated_data
        try:
            answer = simulate(
                body.get("request"),
                body.get("attributes"),
                body.get("placements"),
                may_read_profiles=may_read_profiles,
            )
        except UnknownPlacement as exc:
            return errors(404, **{exc.field: exc.message})
        return Response(answer)


# --- Targeting CRUD -------------------------------------------------------------------------


class TargetingViewSet(viewsets.ModelViewSet):
    """Shared behaviour: model permissions on every method, writes through Wagtail's actions."""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [TargetingModelPermissions]
    #: What still uses an object (it cannot be deleted then).
    users_of: Callable[[Any], list[str]] | None = None

    def get_object(self) -> models.Model:
        # Edits apply to the latest revision, as in the admin's edit form.
        return revisions.latest_version(super().get_object())

    def perform_destroy(self, instance: models.Model) -> None:
        users = type(self).users_of(instance) if type(self).users_of else []
        if users:
            raise Conflict(_("Still used by %s; remove it from them first.") % ", ".join(users))
        revisions.delete(instance, self.request.user)


CRUD_TAGS = ["targeting"]


def _crud_schema(model_name: str, extra: str = "") -> dict[str, Any]:
    return {
        "list": extend_schema(summary=f"List {model_name}s", tags=CRUD_TAGS),
        "retrieve": extend_schema(summary=f"Read a {model_name}", tags=CRUD_TAGS),
        "create": extend_schema(summary=f"Create a {model_name}{extra}", tags=CRUD_TAGS),
        "update": extend_schema(summary=f"Replace a {model_name}{extra}", tags=CRUD_TAGS),
        "partial_update": extend_schema(summary=f"Change a {model_name}{extra}", tags=CRUD_TAGS),
        "destroy": extend_schema(
            summary=f"Delete a {model_name}",
            tags=CRUD_TAGS,
            responses={204: None, 409: OpenApiResponse(description="Still in use.")},
        ),
    }


def _apply(schemas: dict[str, Any]) -> Callable[[type], type]:
    from drf_spectacular.utils import extend_schema_view

    return extend_schema_view(**schemas)


@_apply(_crud_schema("segment", " (draft revision; live with publish=true)"))
class SegmentViewSet(TargetingViewSet):
    """Audiences. A write saves a revision; ``"publish": true`` makes it live."""

    queryset = Segment.objects.select_related("latest_revision")
    serializer_class = SegmentSerializer
    lookup_field = "slug"
    users_of = staticmethod(usage.segment_users)


@_apply(_crud_schema("placement"))
class PlacementViewSet(TargetingViewSet):
    """Slots on the site's pages and their default content."""

    # i18n: the slots; their translations (same slug, other locales) are edited in the admin
    queryset = Placement.objects.in_default_locale()
    serializer_class = PlacementSerializer
    lookup_field = "slug"
    users_of = staticmethod(usage.placement_users)


@_apply(_crud_schema("creative", " (draft revision; live with publish=true)"))
class CreativeViewSet(TargetingViewSet):
    """Creatives. A write saves a revision; ``"publish": true`` makes it live."""

    queryset = Creative.objects.select_related("latest_revision")
    serializer_class = CreativeSerializer
    users_of = staticmethod(usage.creative_users)


@_apply(_crud_schema("campaign", " (always a draft revision)"))
class CampaignViewSet(TargetingViewSet):
    """Campaigns, saved as drafts only: compliance approves them in the admin."""

    queryset = Campaign.objects.select_related("latest_revision").prefetch_related(
        "placements", "include_segments", "exclude_segments", "campaign_creatives"
    )
    serializer_class = CampaignSerializer
    lookup_field = "slug"

    def perform_update(self, serializer: CampaignSerializer) -> None:
        if serializer.instance is not None and serializer.instance.workflow_in_progress:
            # Approval publishes the latest revision: a change now would go live unreviewed.
            raise Conflict(
                _(
                    "The campaign is awaiting compliance approval; cancel the approval in the "
                    "admin before changing it."
                )
            )
        serializer.save()


# --- CRM ------------------------------------------------------------------------------------


class CrmMembershipBulkView(APIView):
    """``POST /api/v1/crm/memberships``: upsert up to 5,000 CRM memberships at once."""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [CanUpsertCrmMemberships]
    max_body_bytes = CRM_MAX_BODY_BYTES  # read by the JSON parser

    @extend_schema(
        operation_id="crm_memberships_upsert",
        summary="Upsert CRM segment memberships",
        request=CrmBulkSerializer,
        responses={
            200: CrmBulkAnswerSerializer,
            400: OpenApiResponse(
                ErrorsSerializer, description="The body or a row is not shaped as documented."
            ),
            403: OpenApiResponse(ProblemSerializer, description="Missing CRM permissions."),
            413: OpenApiResponse(
                ErrorsSerializer, description="More than 5,000 rows, or a body over 4 MiB."
            ),
        },
        tags=["crm"],
    )
    def post(self, request: Request) -> Response:
        too_big = errors(
            413,
            memberships=_("At most %d rows per request; split the batch.") % crm_bulk.MAX_ROWS,
        )
        try:
            length = int(request.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > CRM_MAX_BODY_BYTES:
            return too_big
        serializer = CrmBulkSerializer(data=request.data)
        try:
            valid = serializer.is_valid()
        except TooManyRows:
            return too_big
        if not valid:
            field, why = first_error(serializer.errors)
            return errors(400, **{field: why})
        rows = serializer.validated_data["memberships"]
        replace = serializer.validated_data["replace"]
        if replace and not request.user.has_perm(CRM_REPLACE_PERMISSION):
            self.permission_denied(
                request, message=_("replace needs targeting.delete_crmmembership."), code=None
            )
        report = crm_bulk.upsert_memberships(rows, replace=replace)
        return Response(CrmBulkAnswerSerializer(report).data)


@csrf_exempt  # it changes nothing; a CSRF refusal would be an HTML page
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other path under /api/v1/: a JSON 404, as the API's clients expect, not a web page."""
    return JsonResponse({"detail": _("Not found.")}, status=404)
