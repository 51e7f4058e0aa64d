"""The visitor's consent, read from the ``consent`` cookie the consent banner sets.

The cookie holds a comma list of purposes, e.g. ``necessary,analytics,marketing``. A browser that
sends Global Privacy Control (``Sec-GPC: 1``) or Do Not Track (``DNT: 1``) is taken as a "no" to
everything but what is necessary, whatever the cookie says.
"""

from __future__ import annotations

from django.http import HttpRequest

CONSENT_COOKIE = "consent"
NECESSARY = "necessary"


def purposes(request: HttpRequest) -> frozenset[str]:
    """The purposes the visitor agreed to (``necessary`` always)."""
    if (
        request.headers.get("Sec-GPC", "").strip() == "1"
        or request.headers.get("DNT", "").strip() == "1"
    ):
        return frozenset({NECESSARY})
    raw = request.COOKIES.get(CONSENT_COOKIE, "")
    agreed = {p.strip().lower() for p in raw.split(",") if p.strip()}
    return frozenset(agreed | {NECESSARY})


def has_consent(request: HttpRequest, purpose: str) -> bool:
    """True when the visitor agreed to ``purpose`` (e.g. "analytics") and sends no opt-out."""
    return purpose in purposes(request)
