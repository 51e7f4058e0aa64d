"""Gives each request a ``request.visitor`` (see ``targeting.visitors``)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from targeting.audiences import record_page_view
from targeting.tracking.visitors import VISITOR_COOKIE, set_visitor_cookie
from targeting.visitors import VISIT_COOKIE, VISIT_COOKIE_SALT, VISIT_MAX_AGE, Visitor

logger = logging.getLogger("targeting")


@functools.cache
def admin_prefix() -> str:
    """Where the Wagtail admin lives: staff at work there are not the site's visitors."""
    try:
        return reverse("wagtailadmin_home")
    except NoReverseMatch:
        return "/admin/"


class VisitorMiddleware:
    """Attach the visitor; delete the ``vid`` cookie of a visitor without analytics consent.

    The id is issued by the consent form and by the beacon's call (``tracking.views``), never
    by a page, so pages set no cookie and can be cached (issue 13); without consent a previously
    issued id is deleted, so withdrawing consent stops the tracking at the next page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            visitor = Visitor(request)
        except Exception:
            logger.exception("targeting: could not build the visitor")
            visitor = None
        request.visitor = visitor  # type: ignore[attr-defined]
        response = self.get_response(request)
        if visitor is None:
            return response
        if not visitor.consented and VISITOR_COOKIE in request.COOKIES:
            response.delete_cookie(VISITOR_COOKIE, samesite="Lax")
        if visitor.consented and getattr(visitor, "rotated", False) and visitor.id:
            # Sign-out gave the shared browser a fresh id (tracking.receivers): set it now, on
            # the sign-out's own (uncached) response, so the next person inherits nothing.
            set_visitor_cookie(response, visitor.id)
        if not visitor.consented and VISIT_COOKIE in request.COOKIES:
            response.delete_cookie(VISIT_COOKIE, samesite="Lax")
        try:
            visit = visitor.visit_cookie()
        except Exception:  # marketing never breaks a page
            logger.exception("targeting: could not keep the visit's arrival")
            visit = None
        if (
            visitor.consented
            and request.method == "GET"
            and response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
            and not request.path.startswith(admin_prefix())
        ):
            # Audience sizes (issue 14 item 7): the visitor counted in each live audience it
            # matches today, and about one consenting view in 20 joins the recent sample. After
            # the page's own decisions (the visit cookie above is theirs); one Redis pipeline,
            # no query.
            record_page_view(visitor)
        if visit is not None:
            # The arrival and sticky segments of the visit (issue 14 item 3): set only when they
            # change, so most pages set no cookie and stay cacheable.
            response.set_signed_cookie(
                VISIT_COOKIE,
                visit,
                salt=VISIT_COOKIE_SALT,
                max_age=VISIT_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
