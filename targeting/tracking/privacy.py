"""Writing the visitor's consent choice (``targeting.consent`` reads it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from targeting.consent import CONSENT_COOKIE, NECESSARY
from targeting.visitors import VISITOR_COOKIE, new_visitor_id, read_visitor_id, set_visitor_cookie

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


def consent_choice(data: Any) -> frozenset[str]:
    """The purposes chosen in a submitted form (``choice=all|necessary``, or ticked boxes)."""
    choice = data.get("choice", "")
    if choice == "all":
        return frozenset({NECESSARY, *OPTIONAL_PURPOSES})
    if choice == "necessary":
        return frozenset({NECESSARY})
    chosen = {p for p in OPTIONAL_PURPOSES if data.get(p) in ("on", "1", "true", p)}
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
