"""Who may sign in where, and for how long: the portal's sign-in policy.

- Staff sign in at ``/admin/login/`` only (the Django admin's login sends them there); anyone
  without access to the Wagtail admin is refused there before a session exists, with the same
  message as a wrong password, and the attempt counts as a failure.
- django-axes counts failures on every login form by username and by client address
  (``attempted_username``; the address comes from ``targeting.tracking.clientaddr``).
- Staff who enrolled an authenticator app (TOTP) give its code with their password; with
  ``STAFF_OTP_REQUIRED`` every staff member must enrol first. A staff session that was not
  verified with a code (signed in some other way) is ended.
- Signed-in sessions end after ``SESSION_IDLE_TIMEOUT_STAFF`` / ``_CUSTOMER`` seconds without a
  request, and ``SESSION_ABSOLUTE_TIMEOUT`` seconds after signing in.
- Every failed sign-in is logged (``portal.signin``) with the username and client address,
  never the password.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse

from targeting.tracking.clientaddr import client_ip, client_key

logger = logging.getLogger("portal.signin")

STARTED_KEY = "_signin_started"  # when the session signed in (epoch seconds)
SEEN_KEY = "_signin_seen"  # the last request of the session (epoch seconds, coarse)
STAFF_KEY = "_signin_staff"  # whether the signed-in user is staff (sets the idle limit)
# The last-seen time is written at most this often, so a busy session is not saved per request.
SEEN_GRANULARITY = 60
USERNAME_MAX_LENGTH = 150


def is_staff_member(user: Any) -> bool:
    """Staff are the people who may use the Wagtail admin (superusers included)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm("wagtailadmin.access_admin")
    )


def attempted_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The account a sign-in attempt is for, as axes counts it.

    Forms name it differently (Wagtail and Django: ``username``; allauth: ``username`` or
    ``email`` from its ``login`` field), so one account has one counter whichever way it is
    named: lower case, and an e-mail address is mapped to its account's username.
    """
    credentials = credentials or {}
    name = credentials.get("username") or credentials.get("email") or credentials.get("login")
    if not name and request is not None:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        name = data.get("username") or data.get("login") or data.get("email")
    name = str(name or "").strip()[:254]
    if "@" in name:
        User = get_user_model()
        username = (
            User.objects.filter(email__iexact=name).values_list("username", flat=True).first()
        )
        if username:
            name = username
    return name.lower()[:USERNAME_MAX_LENGTH]


def log_failed_sign_in(request: HttpRequest | None, credentials: dict[str, Any]) -> None:
    """One warning per failed sign-in: who was tried, from where, on which form. No password."""
    address = client_ip(request) if request is not None else None
    path = request.path if request is not None else ""
    logger.warning(
        "failed sign-in username=%r address=%s path=%s",
        attempted_username(request, credentials),
        address or "unknown",
        path,
    )


def start_session(request: HttpRequest, user: Any) -> None:
    """Stamp a new signed-in session with its start, its last request and the user's kind."""
    now = int(time.time())
    request.session[STARTED_KEY] = now
    request.session[SEEN_KEY] = now
    request.session[STAFF_KEY] = is_staff_member(user)


def session_expired(request: HttpRequest, staff: bool, now: int | None = None) -> bool:
    """True when the signed-in session has been idle, or alive, for longer than allowed."""
    now = int(time.time()) if now is None else now
    session = request.session
    started = session.get(STARTED_KEY)
    seen = session.get(SEEN_KEY)
    idle_limit = (
        settings.SESSION_IDLE_TIMEOUT_STAFF if staff else settings.SESSION_IDLE_TIMEOUT_CUSTOMER
    )
    if isinstance(seen, int) and now - seen > idle_limit:
        return True
    return isinstance(started, int) and now - started > settings.SESSION_ABSOLUTE_TIMEOUT


def touch_session(request: HttpRequest, now: int | None = None) -> None:
    """Record activity, writing the session only when the stored time is getting old."""
    now = int(time.time()) if now is None else now
    session = request.session
    if STARTED_KEY not in session:  # signed in before this policy existed
        session[STARTED_KEY] = now
    seen = session.get(SEEN_KEY)
    if not isinstance(seen, int) or now - seen >= SEEN_GRANULARITY:
        session[SEEN_KEY] = now


def has_authenticator(user: Any) -> bool:
    """True when the user enrolled (and confirmed) an authenticator app."""
    from django_otp import user_has_device

    return bool(user_has_device(user, confirmed=True))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """The page shown instead of any login form's answer while axes has the sign-in locked."""
    from django.template.response import TemplateResponse

    minutes = 0
    if settings.AXES_COOLOFF_TIME:
        minutes = max(1, round(float(settings.AXES_COOLOFF_TIME) * 60))
    response = TemplateResponse(
        request, "portal/signin_locked.html", {"cooloff_minutes": minutes}, status=429
    )
    response.render()
    return response


class AccountAdapter(DefaultAccountAdapter):
    """allauth with the portal's client address (behind trusted proxies) for its rate limits."""

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_key(request)


def connect() -> None:
    """Connect the sign-in signals (called from PortalConfig.ready)."""
    from django.contrib.auth.signals import user_logged_in, user_login_failed

    def _failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any):
        log_failed_sign_in(request, credentials)

    def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        if request is not None and hasattr(request, "session"):
            start_session(request, user)

    user_login_failed.connect(_failed, dispatch_uid="portal.signin.failed", weak=False)
    user_logged_in.connect(_logged_in, dispatch_uid="portal.signin.logged_in", weak=False)
