"""Customer-facing push pages (message centre, unsubscribe, tracked links) and the channel API.

Views only coordinate: check who asks and what, call the push domain modules, render.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.apikeys.tokens import ApiTokenAuthentication
from targeting.push import outcomes
from targeting.push.decisions import UNSUBSCRIBE_SALT
from targeting.push.models import (
    INBOX,
    OPT_OUT_CHANNELS,
    QUEUE_SCREEN,
    SMS,
    ContactPreference,
    PushMessage,
)

LINK_SALT = "targeting.push.link"
#: Replies that opt a number out of SMS (the gateway forwards them): 退订 / TD is the mainland
#: convention, STOP the international one.
STOP_KEYWORDS = frozenset({"TD", "T", "N", "STOP", "UNSUBSCRIBE", "退订", "退定", "取消"})
QUEUE_SCREEN_WINDOW = timedelta(minutes=15)
PHONE_RE = re.compile(r"^\+?[0-9]{5,15}$")


def inbox_messages(user: Any) -> QuerySet[PushMessage]:
    return PushMessage.objects.filter(
        user=user, channel=INBOX, status=PushMessage.DELIVERED
    ).select_related("offer")


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox_messages(user).filter(read_at__isnull=True).count()


@login_required
@never_cache
def message_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(inbox_messages(request.user), 20)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "push/message_list.html",
        {"page_obj": page, "unread": unread_count(request.user)},
    )


@login_required
@never_cache
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Another customer's message is a 404, never a 403 (no enumeration).
    message = get_object_or_404(inbox_messages(request.user), pk=pk)
    if message.read_at is None:
        outcomes.mark(message, "open")
    link = tracked_link(message) if message.offer and message.offer.link_url else ""
    return render(request, "push/message_detail.html", {"message": message, "link": link})


def tracked_link(message: PushMessage) -> str:
    from django.urls import reverse

    token = signing.dumps(message.pk, salt=LINK_SALT)
    return reverse("push:link", kwargs={"token": token})


def follow_link(request: HttpRequest, token: str) -> HttpResponse:
    """A tracked link of a message: record the click, go to the offer's approved link."""
    try:
        message_id = signing.loads(token[:300], salt=LINK_SALT, max_age=60 * 60 * 24 * 90)
    except signing.BadSignature:
        raise Http404 from None
    message = get_object_or_404(
        PushMessage.objects.select_related("offer", "trigger"), pk=message_id
    )
    if message.offer is None or not message.offer.link_url:
        raise Http404
    outcomes.mark(message, "click")
    # The target is the offer's own link, approved with it: never a URL from the request.
    return HttpResponseRedirect(message.offer.link_url)


@require_http_methods(["GET", "POST"])
@never_cache
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click opt-out from the link in a message (no sign-in: the token is the proof)."""
    try:
        data = signing.loads(token[:500], salt=UNSUBSCRIBE_SALT, max_age=60 * 60 * 24 * 365)
        user_id, channel = int(data["u"]), str(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return render(request, "push/unsubscribe.html", {"invalid": True}, status=400)
    if channel not in OPT_OUT_CHANNELS:
        return render(request, "push/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        opt_out(user_id, channel)
        done = True
    labels = dict(PushMessage._meta.get_field("channel").choices or [])
    return render(
        request,
        "push/unsubscribe.html",
        {"channel": labels.get(channel, channel), "done": done},
    )


def opt_out(user_id: int, channel: str) -> None:
    pref, _created = ContactPreference.objects.get_or_create(user_id=user_id)
    if channel not in (pref.opted_out or []):
        pref.opted_out = [*(pref.opted_out or []), channel]
        pref.save(update_fields=["opted_out", "updated_at"])
    PushMessage.objects.filter(
        user_id=user_id, channel=channel, status=PushMessage.DEFERRED
    ).update(status=PushMessage.SUPPRESSED, last_error="opted out")


# ---------------------------------------------------------------------------------------------
# Channel API


class HasPushPermission(BasePermission):
    """The view's ``required_permission`` (a channel system's token user holds it)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(view.required_permission))


class SmsInboundSerializer(serializers.Serializer):
    sender = serializers.CharField(
        max_length=20, help_text="The customer's number, e.g. +8613800000000"
    )
    text = serializers.CharField(max_length=500, allow_blank=True, trim_whitespace=False)

    def validate_sender(self, value: str) -> str:
        value = value.strip().replace(" ", "")
        if not PHONE_RE.match(value):
            raise serializers.ValidationError(_("Expected a phone number of 5 to 15 digits."))
        return value

    def validate_text(self, value: str) -> str:
        if "\x00" in value:
            raise serializers.ValidationError(_("Control characters are not allowed."))
        return value


def is_stop(text: str) -> bool:
    word = unicodedata.normalize("NFKC", text).strip().strip("。.!！ ").upper()
    return word in STOP_KEYWORDS


def _number_variants(number: str) -> set[str]:
    digits = number.lstrip("+")
    variants = {number, digits, "+" + digits}
    if digits.startswith("86") and len(digits) == 13:
        variants |= {digits[2:], "+86" + digits[2:]}
    elif len(digits) == 11:
        variants |= {"86" + digits, "+86" + digits}
    return variants


def field_errors(errors: Any) -> Response:
    """The API's error shape: ``{"errors": {"<field>": "<why>"}}`` (portal/api_parsers.py)."""
    flat = {
        name: str(messages[0]) if isinstance(messages, list) else str(messages)
        for name, messages in dict(errors).items()
    }
    return Response({"errors": flat}, status=400)


class SmsInboundView(APIView):
    """``POST /api/v1/push/sms/inbound``: the SMS gateway forwards a reply; STOP opts out."""

    # Token first: a machine without credentials is told to authenticate (401), not refused.
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [HasPushPermission]
    required_permission = "push.receive_sms"

    @extend_schema(
        request=SmsInboundSerializer,
        responses={
            200: OpenApiResponse(description='{"opted_out": <customers opted out of SMS>}'),
            400: OpenApiResponse(description="A field is invalid; the body names it."),
        },
        tags=["push"],
    )
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        wrong_type = {
            name: _("Expected a string.")
            for name in ("sender", "text")
            if name in data and not isinstance(data[name], str)
        }
        if wrong_type:
            return field_errors(wrong_type)
        serializer = SmsInboundSerializer(data=data)
        if not serializer.is_valid():
            return field_errors(serializer.errors)
        number = serializer.validated_data["sender"]
        if not is_stop(serializer.validated_data["text"]):
            return Response({"opted_out": 0, "stop": False})
        users = list(
            ContactPreference.objects.filter(phone__in=_number_variants(number)).values_list(
                "user_id", flat=True
            )
        )
        for user_id in users:
            opt_out(user_id, SMS)
        return Response({"opted_out": len(users), "stop": True})


class QueueGreetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    at = serializers.DateTimeField()


class QueueScreenView(APIView):
    """``GET /api/v1/push/queue-screen/<branch>``: greetings for customers who just queued."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [HasPushPermission]
    required_permission = "push.view_queue_screen"

    @extend_schema(
        responses={200: QueueGreetingSerializer(many=True)},
        tags=["push"],
    )
    def get(self, request: Request, branch: str) -> Response:
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", branch):
            return field_errors({"branch": _("Expected a branch code (letters, digits, _.-).")})
        since = timezone.now() - QUEUE_SCREEN_WINDOW
        rows = PushMessage.objects.filter(
            channel=QUEUE_SCREEN,
            branch=branch,
            status=PushMessage.DELIVERED,
            sent_at__gte=since,
        ).order_by("-sent_at")[:10]
        data = [{"id": m.pk, "text": m.text, "at": m.sent_at} for m in rows]
        return Response(QueueGreetingSerializer(data, many=True).data)
