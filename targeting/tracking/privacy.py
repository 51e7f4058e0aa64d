"""Writing the visitor's consent choice (``targeting.tracking.consent`` reads it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from targeting.tracking.consent import CONSENT_COOKIE, NECESSARY
from targeting.tracking.visitors import (
    VISITOR_COOKIE,
    new_visitor_id,
    read_visitor_id,
    set_visitor_cookie,
)

ANALYTICS = "analytics"
MARKETING = "marketing"
#: The purposes a visitor can choose, with what each means, in the order the banner shows them.
OPTIONAL_PURPOSES = {
    ANALYTICS: _(
        "Remember the pages and products you looked at on this site, so we can show offers that "
        "match your interests and improve the site."
    ),
    MARKETING: _("Measure how our campaigns perform and show you our promotions on this site."),
}
CONSENT_COOKIE_AGE = 60 * 60 * 24 * 180


CHOICES = ("all", "necessary", "custom")
TICKED = ("on", "1", "true")
MAX_NEXT_LENGTH = 2000


def _has_control_characters(value: str) -> bool:
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in value)


def consent_errors(data: Any) -> dict[str, str]:
    """What is wrong with a submitted consent form, by field (empty when it is fine).

    The form only ever sends the banner's values; anything else is a forged or broken request
    and gets a 400 naming the field rather than a silent guess."""
    errors: dict[str, str] = {}
    choice = data.get("choice", "")
    if choice and choice not in CHOICES:
        errors["choice"] = str(_("expected one of: all, necessary, custom"))
    for purpose in OPTIONAL_PURPOSES:
        value = data.get(purpose)
        if value is not None and value not in (*TICKED, purpose):
            errors[purpose] = str(_("expected “on” when ticked"))
    target = data.get("next", "")
    if len(target) > MAX_NEXT_LENGTH:
        errors["next"] = str(_("at most %(limit)d characters") % {"limit": MAX_NEXT_LENGTH})
    elif _has_control_characters(target):
        errors["next"] = str(_("contains control characters"))
    return errors


def consent_choice(data: Any) -> frozenset[str]:
    """The purposes chosen in a submitted form (``choice=all|necessary``, or ticked boxes)."""
    choice = data.get("choice", "")
    if choice == "all":
        return frozenset({NECESSARY, *OPTIONAL_PURPOSES})
    if choice == "necessary":
        return frozenset({NECESSARY})
    chosen = {p for p in OPTIONAL_PURPOSES if data.get(p) in (*TICKED, p)}
    return frozenset({NECESSARY, *chosen})


def has_decided(request: HttpRequest) -> bool:
    """Whether the visitor has answered the banner (so it is not shown again)."""
    return bool(request.COOKIES.get(CONSENT_COOKIE))


def apply_consent(request: HttpRequest, response: Any, chosen: frozenset[str]) -> None:
    """Store the choice; with analytics, make sure the browser has a visitor id, and without it
    delete the id, so the very next event (sent without a reload) is identified or not sent."""
    ordered = [NECESSARY] + [p for p in OPTIONAL_PURPOSES if p in chosen]
    response.set_cookie(
        CONSENT_COOKIE,
        ",".join(ordered),
        max_age=CONSENT_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,  # the beacon reads it to decide whether to send anything
    )
    visitor = getattr(request, "visitor", None)
    if ANALYTICS in chosen:
        if not read_visitor_id(request):
            set_visitor_cookie(response, getattr(visitor, "id", None) or new_visitor_id())
    elif VISITOR_COOKIE in request.COOKIES or getattr(visitor, "id", None):
        response.delete_cookie(VISITOR_COOKIE, samesite="Lax")
    if visitor is not None:
        # The middleware decides about the vid cookie from the consent the request came with;
        # tell it the cookie is settled now, so it neither re-issues nor deletes it.
        visitor.consented = ANALYTICS in chosen
        visitor.is_new = False
