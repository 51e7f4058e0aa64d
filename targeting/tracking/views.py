"""HTTP views of tracking: the event and visitor APIs, consent, and the customer's own pages.

Views only coordinate: identify the caller, apply limits, call ``ingestion`` / ``customers`` /
``privacy``, render.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import urlsplit

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import permissions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.apikeys.tokens import ApiTokenAuthentication, find
from targeting.tracking import customers, personal_data, privacy
from targeting.tracking.audit import record_request
from targeting.tracking.clientaddr import client_key
from targeting.tracking.consent import purposes
from targeting.tracking.documents import behaviour_view
from targeting.tracking.forms import CustomerProfileForm, EraseConfirmationForm
from targeting.tracking.ingestion import BatchError, Caller, ingest_batch, parse_batch
from targeting.tracking.models import CustomerProfile, PersonalDataRequest, VisitorProfile
from targeting.tracking.ratelimit import hit
from targeting.tracking.schema import MAX_BODY_BYTES
from targeting.tracking.visitors import set_visitor_cookie

ACCEPTED_CONTENT_TYPES = ("application/json", "text/plain")
#: What ``GET /api/v1/visitors/<id>`` accepts: a browser's id or a customer's merged profile.
VISITOR_OR_CUSTOMER = re.compile(r"^(?:[A-Za-z0-9]{32}|customer-[0-9]{1,12})\Z")
TOKEN_CACHE_SECONDS = 60


def _error(status: int, code: str, detail: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"error": code, "detail": detail}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _limited(retry_after: int, detail: str) -> JsonResponse:
    return _error(429, "rate_limited", detail, Retry_After=str(retry_after))


def _system_user(header: str) -> tuple[int, bool] | None:
    """(user id, may send for others) for ``Authorization: Token <key>``; None if unknown.

    Cached for a minute (keyed by a hash, never the token itself) so a busy channel system does
    not cost a query per batch; revoking a token or permission takes effect within the minute.
    """
    scheme, _sep, key = header.partition(" ")
    key = key.strip()
    if scheme.lower() != "token" or not key or len(key) > 64:
        return None
    cache_key = "trk:token:" + hashlib.sha256(key.encode()).hexdigest()
    cached = cache.get(cache_key)
    if cached is not None:
        return tuple(cached) if cached else None
    token = find(key)
    if token is None:
        cache.set(cache_key, [], TOKEN_CACHE_SECONDS)
        return None
    value = (token.user_id, token.user.has_perm("tracking.add_event"))
    cache.set(cache_key, list(value), TOKEN_CACHE_SECONDS)
    return value


def _same_origin(request: HttpRequest) -> bool:
    """A cookie-identified batch must come from our own pages (see docs/tracking.md, CSRF)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is not None and origin != "null":
        try:
            return urlsplit(origin).netloc == request.get_host()
        except Exception:  # DisallowedHost
            return False
    # Neither header: not a modern browser, so not a cross-site request riding on a cookie.
    return origin is None


def _address(request: HttpRequest) -> str:
    """The client behind our trusted proxies (``clientaddr``), not the proxy itself."""
    return client_key(request)


@csrf_exempt
@never_cache
def events_endpoint(request: HttpRequest) -> HttpResponse:
    """``POST /api/v1/events``: a batch of events; see docs/tracking.md for the contract.

    CSRF-exempt on purpose: the beacon posts with ``navigator.sendBeacon``, which cannot add a
    token header. A browser batch only ever writes into the profile of the caller's own signed
    visitor cookie and must come from our own origin (``Sec-Fetch-Site``/``Origin``); a channel
    system authenticates with a token, which a forged cross-site request cannot carry.
    """
    if request.method != "POST":
        return _error(405, "method_not_allowed", "Send the batch with POST.", Allow="POST")
    # Size first, before reading or parsing anything.
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return _error(413, "too_large", f"body: at most {MAX_BODY_BYTES} bytes per batch")
    content_type = request.content_type or ""
    if content_type not in ACCEPTED_CONTENT_TYPES:
        return _error(
            415, "unsupported_media_type", "body: send application/json or text/plain JSON"
        )
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return _error(413, "too_large", f"body: at most {MAX_BODY_BYTES} bytes per batch")

    authorization = request.headers.get("Authorization", "")
    if authorization:
        system = _system_user(authorization)
        if system is None:
            return _error(401, "not_authenticated", "Authorization: unknown or inactive token")
        user_id, allowed = system
        if not allowed:
            return _error(
                403, "permission_denied", "This token may not send events (tracking.add_event)."
            )
        retry = hit(f"u:{user_id}", settings.TRACKING_RATE_LIMIT_SYSTEM, 60)
        if retry:
            return _limited(retry, "Too many batches from this system; slow down.")
        caller = Caller.system(user_id)
    else:
        if not _same_origin(request):
            return _error(403, "cross_origin", "Browser batches are accepted from this site only.")
        retry = hit(f"a:{_address(request)}", settings.TRACKING_RATE_LIMIT_ADDRESS, 60)
        if retry:
            return _limited(retry, "Too many batches from this address; slow down.")
        visitor = getattr(request, "visitor", None)
        if visitor is None or not visitor.id:
            return _error(
                403,
                "consent_required",
                "No analytics consent (or Global Privacy Control / Do Not Track): nothing stored.",
            )
        retry = hit(f"v:{visitor.id}", settings.TRACKING_RATE_LIMIT_VISITOR, 60)
        if retry:
            return _limited(retry, "Too many batches from this visitor; slow down.")
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        caller = Caller.browser(visitor.id, user.pk if signed_in else None)
    try:
        raw_events = parse_batch(body)
    except BatchError as error:
        return _error(400, "bad_batch", error.message)
    result = ingest_batch(raw_events, caller)
    if result.all_rejected:
        # Nothing taken: a 400 naming every field, with the same per-event answer.
        return JsonResponse(
            {"error": "rejected", "detail": result.detail(), **result.as_dict()}, status=400
        )
    response = JsonResponse(result.as_dict(), status=200)
    visitor = getattr(request, "visitor", None)
    if not authorization and visitor is not None and visitor.is_new:
        # A consenting browser that lost its id gets it here, from the beacon's call, never
        # from a page: pages set no cookie, so they can be cached (issue 13).
        set_visitor_cookie(response, visitor.id)
    return response


class CanViewVisitorProfiles(permissions.BasePermission):
    """Folded behaviour is personal data: only staff with ``tracking.view_visitorprofile``."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(
            user and user.is_authenticated and user.has_perm("tracking.view_visitorprofile")
        )


class VisitorProfileSerializer(serializers.Serializer):
    """The answer of ``GET /api/v1/visitors/<visitor id>``."""

    visitor = serializers.CharField()
    updated_at = serializers.DateTimeField()
    behaviour = serializers.DictField(help_text="The behaviour attributes the engine reads.")
    profile = serializers.DictField(help_text="The folded profile as stored.")


#: api: the refusals of the visitors API as they are sent (DRF's own shapes).
VISITOR_ID_PROBLEM = inline_serializer("VisitorIdProblem", {"visitor": serializers.CharField()})
DETAIL_PROBLEM = inline_serializer("VisitorProblem", {"detail": serializers.CharField()})


class VisitorProfileView(APIView):
    """``GET /api/v1/visitors/<visitor id>``: the folded profile of one visitor."""

    # Token first, as on the report API: a bad token is a 401 even beside a signed-in session
    # (schemathesis' ST401 found a bad token answered 200 through the session).
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [CanViewVisitorProfiles]
    serializer_class = VisitorProfileSerializer

    @extend_schema(
        # api: the path's pattern, so schema-valid ids are exactly those the view accepts.
        parameters=[
            OpenApiParameter(
                "visitor_id",
                {"type": "string", "pattern": VISITOR_OR_CUSTOMER.pattern.replace("\\Z", "$")},
                OpenApiParameter.PATH,
            )
        ],
        responses={
            200: VisitorProfileSerializer,
            400: OpenApiResponse(
                VISITOR_ID_PROBLEM, description='Not a visitor id: {"visitor": why}.'
            ),
            403: OpenApiResponse(
                DETAIL_PROBLEM, description="Without tracking.view_visitorprofile."
            ),
            404: OpenApiResponse(DETAIL_PROBLEM, description="No profile for this visitor id."),
        },
        summary="A visitor's folded profile",
    )
    def get(self, request: Request, visitor_id: str) -> Response:
        if not VISITOR_OR_CUSTOMER.match(visitor_id):
            # Checked before the query: a NUL in the path is a 500 on PostgreSQL otherwise.
            raise ValidationError(
                {"visitor": _("expected a visitor id of 32 letters or digits, or customer-<id>")}
            )
        row = VisitorProfile.objects.filter(visitor_id=visitor_id).first()
        if row is None:
            raise NotFound("No profile for this visitor id.")
        return Response(
            {
                "visitor": row.visitor_id,
                "updated_at": row.updated_at.isoformat(),
                "behaviour": behaviour_view(row.data or {}) or {},
                "profile": row.data or {},
            }
        )


def _next_url(request: HttpRequest, fallback: str = "/") -> str:
    target = (
        request.POST.get("next") or request.GET.get("next") or request.headers.get("Referer", "")
    )
    if len(target) > privacy.MAX_NEXT_LENGTH or any(ord(c) < 0x20 for c in target):
        return fallback  # a forged Referer or link: never echo control characters back
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@csrf_exempt
@require_POST
def consent(request: HttpRequest) -> HttpResponse:
    """The banner's and the settings page's form: store the choice, then go back (or JSON).

    No CSRF token: the banner is on every page, and a token in it would give every anonymous
    page a cookie and keep it out of every cache (issue 13). A forged cross-site post is refused
    by the browser's own word instead (``Sec-Fetch-Site``, else ``Origin``), as for the beacon;
    the settings page's form still carries a token, which is simply not needed.
    """
    if not _same_origin(request):
        detail = _("Consent is given on this site only.")
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"error": "cross_origin", "detail": detail}, status=403)
        return HttpResponse(detail, status=403, content_type="text/plain; charset=utf-8")
    errors = privacy.consent_errors(request.POST)
    if errors:
        detail = "; ".join(f"{name}: {why}" for name, why in errors.items())
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse(
                {"error": "bad_request", "detail": detail, "errors": errors}, status=400
            )
        return HttpResponse(detail, status=400, content_type="text/plain; charset=utf-8")
    chosen = privacy.consent_choice(request.POST)
    if "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse({"purposes": sorted(chosen)})
    else:
        response = HttpResponseRedirect(_next_url(request))
    privacy.apply_consent(request, response, chosen)
    return response


@never_cache
def cookie_settings(request: HttpRequest) -> HttpResponse:
    """``/privacy/cookies/``: what each purpose means, and the current choice to change."""
    agreed = purposes(request) if privacy.has_decided(request) else frozenset()
    overridden = request.headers.get("Sec-GPC") == "1" or request.headers.get("DNT") == "1"
    return render(
        request,
        "targeting/tracking/cookie_settings.html",
        {
            "purposes": [
                {"name": name, "description": text, "checked": name in agreed}
                for name, text in privacy.OPTIONAL_PURPOSES.items()
            ],
            "browser_opt_out": overridden,
            "next": _next_url(request, fallback=request.path),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def customer_profile(request: HttpRequest) -> HttpResponse:
    """The signed-in customer's declared data, which they can read and change."""
    profile = CustomerProfile.objects.filter(user=request.user).first() or CustomerProfile(
        user=request.user, is_customer=False
    )
    form = CustomerProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("tracking:customer_profile")
    return render(
        request,
        "targeting/tracking/customer_profile.html",
        {"form": form, "profile": profile},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
@reauthentication_required
def download_my_data(request: HttpRequest) -> HttpResponse:
    """Everything kept about the signed-in customer, as a ZIP: ``data.json`` with one section per
    part of the portal, a README, and the files they gave us (complaint attachments).

    Only after the password was confirmed within ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` seconds
    (allauth's reauthentication): an unattended signed-in browser must not hand the file out."""
    record_request(request.user, PersonalDataRequest.Kind.EXPORT)
    return _archive_response(request.user, "my-data")


def _archive_response(user: Any, prefix: str) -> HttpResponse:
    response = HttpResponse(personal_data.export_archive(user), content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{prefix}-{stamp}.zip"'
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@reauthentication_required
def erase_my_data(request: HttpRequest) -> HttpResponse:
    """Erase the customer's data and close the account, after they confirm (and confirmed their
    password within ``ACCOUNT_REAUTHENTICATION_TIMEOUT``; a POST is resumed after it)."""
    form = EraseConfirmationForm(request.POST or None, username=request.user.get_username())
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        parts = customers.erase_customer(user)
        record_request(user, PersonalDataRequest.Kind.ERASE, parts=parts)
        messages.success(request, _("Your data was erased and your account closed."))
        response = redirect("/")
        # This browser's id was the customer's: the next visit starts as a new visitor.
        response.delete_cookie(privacy.VISITOR_COOKIE, samesite="Lax")
        return response
    return render(
        request,
        "targeting/tracking/erase_confirm.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
