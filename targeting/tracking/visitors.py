"""The visitor id: a first-party, signed cookie, set only with consent for analytics.

Tracking owns it because both tracking (events, consent, sign-in and sign-out) and targeting (the
request's visitor and its engine context, ``targeting.visitors``) need it. The cookie's name and
salt are unchanged since the id was targeting's, so every browser keeps its id.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest

VISITOR_COOKIE = "vid"
VISITOR_COOKIE_SALT = "targeting.visitor"
VISITOR_COOKIE_AGE = 60 * 60 * 24 * 365


def new_visitor_id() -> str:
    return uuid.uuid4().hex


def read_visitor_id(request: HttpRequest) -> str | None:
    """The visitor id from the signed cookie; a tampered or foreign value counts as none."""
    try:
        value = request.get_signed_cookie(VISITOR_COOKIE, default=None, salt=VISITOR_COOKIE_SALT)
    except signing.BadSignature:  # pragma: no cover - default=None already swallows it
        return None
    if value and len(value) == 32 and value.isalnum():
        return value
    return None


def set_visitor_cookie(response: Any, visitor_id: str) -> None:
    response.set_signed_cookie(
        VISITOR_COOKIE,
        visitor_id,
        salt=VISITOR_COOKIE_SALT,
        max_age=VISITOR_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
