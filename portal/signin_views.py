"""Staff sign-in pages: the authenticator enrolment page and the Django admin's login redirect.

Views only coordinate; the policy lives in portal.signin, the forms in portal.signin_forms.
"""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import signin
from portal.signin_forms import ConfirmAuthenticatorForm

DEVICE_NAME = "authenticator"


def django_admin_login(request: HttpRequest) -> HttpResponseRedirect:
    """The Django admin signs staff in at the Wagtail login: one form, one lockout, one code."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    return redirect(
        f"{reverse('wagtailadmin_login')}?{urlencode({'next': next_url or '/django-admin/'})}"
    )


def _qr_svg(url: str) -> str:
    """The provisioning URL as an inline SVG QR code (no script, no image request)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg") :]


@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (TOTP): scan, then confirm with its first code."""
    user = request.user
    if signin.has_authenticator(user):
        return TemplateResponse(request, "portal/two_factor.html", {"enrolled": True})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    form = ConfirmAuthenticatorForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        otp_login(request, device)
        messages.success(
            request, _("Two-step sign-in is on. Give a code from the app each time you sign in.")
        )
        return redirect("wagtailadmin_home")
    context = {
        "enrolled": False,
        "form": form,
        # Only paths drawn by qrcode: the URL is encoded as modules, never written as text.
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308  # nosec B308, B703
        "secret": _grouped(device.config_url),
    }
    return TemplateResponse(request, "portal/two_factor.html", context)


def _grouped(config_url: str) -> str:
    """The base32 secret from the provisioning URL, in groups of four for typing by hand."""
    from urllib.parse import parse_qs, urlsplit

    secret = parse_qs(urlsplit(config_url).query).get("secret", [""])[0]
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
