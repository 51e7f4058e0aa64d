"""Request-wide sign-in policy: idle and absolute session limits, staff two-step sign-in.

The rules are in portal.signin; this only applies them to each signed-in request. Anonymous
requests pass untouched, so they never get a session cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import signin

# Staff areas: staff status is checked live there (elsewhere the flag stored at sign-in serves).
STAFF_AREAS = ("/admin/", "/django-admin/", "/api/")


class SignInPolicyMiddleware:
    """Ends sessions that sat idle or lived too long; keeps unverified staff out of staff work."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._apply(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _apply(self, request: HttpRequest, user) -> HttpResponse | None:
        session = request.session
        staff = session.get(signin.STAFF_KEY)
        if staff is None or request.path.startswith(STAFF_AREAS):
            staff = signin.is_staff_member(user)
            if session.get(signin.STAFF_KEY) != staff:
                session[signin.STAFF_KEY] = staff
        if signin.session_expired(request, staff):
            minutes = (
                settings.SESSION_IDLE_TIMEOUT_STAFF
                if staff
                else settings.SESSION_IDLE_TIMEOUT_CUSTOMER
            ) // 60
            logout(request)
            messages.info(
                request,
                _("You were signed out after %(minutes)s minutes without activity.")
                % {"minutes": minutes},
            )
            return None  # carry on as an anonymous visitor; protected pages ask to sign in
        signin.touch_session(request)
        if staff and not user.is_verified():
            return self._second_step(request, user)
        return None

    def _second_step(self, request: HttpRequest, user) -> HttpResponse | None:
        if signin.has_authenticator(user):
            # Signed in without the code (another login form): start again at the staff login.
            path = request.get_full_path()
            logout(request)
            messages.warning(
                request, _("Staff sign in at the staff login, with the code from your app.")
            )
            login_url = reverse("wagtailadmin_login")
            return HttpResponseRedirect(f"{login_url}?{urlencode({'next': path})}")
        if settings.STAFF_OTP_REQUIRED and not self._enrolment_path(request.path):
            return HttpResponseRedirect(reverse("portal_two_factor"))
        return None

    @staticmethod
    def _enrolment_path(path: str) -> bool:
        allowed = (
            reverse("portal_two_factor"),
            reverse("wagtailadmin_logout"),
            reverse("wagtailadmin_login"),
            settings.STATIC_URL,
            "/admin/jsi18n/",
        )
        return path.startswith(allowed)
