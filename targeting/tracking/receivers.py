"""Signal receivers of tracking: sign-in and sign-out (allauth's and the admin's alike)."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out

from targeting.tracking.customers import merge_visitor_into_customer
from targeting.tracking.visitors import new_visitor_id

logger = logging.getLogger("targeting.tracking")


def merge_on_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """The browser's anonymous history becomes the customer's (only with analytics consent)."""
    visitor = getattr(request, "visitor", None) if request is not None else None
    visitor_id = getattr(visitor, "id", None)
    if not visitor_id:
        return

    try:
        merge_visitor_into_customer(visitor_id, user)
    except Exception:  # signing in must never fail because of marketing data
        logger.exception("tracking: could not merge visitor %s into user %s", visitor_id, user.pk)


def new_visitor_on_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A shared browser: whoever uses it next must not inherit the customer's behaviour, so the
    browser gets a fresh visitor id (the middleware sets its cookie on this very response)."""
    visitor = getattr(request, "visitor", None) if request is not None else None
    if visitor is None or not visitor.consented:
        return
    visitor.id = new_visitor_id()
    visitor.is_new = True
    # Pages issue no visitor id (issue 13), but this one must replace the customer's at once.
    visitor.rotated = True


def connect() -> None:
    """Called from ``TrackingConfig.ready()``; the dispatch uids keep a second call harmless."""
    user_logged_in.connect(merge_on_sign_in, dispatch_uid="tracking-merge-visitor-on-sign-in")
    user_logged_out.connect(
        new_visitor_on_sign_out, dispatch_uid="tracking-new-visitor-on-sign-out"
    )
