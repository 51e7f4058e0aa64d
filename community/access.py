"""Who may read and post on a board.

Restricted boards (the VIP wealth zone) are open to visitors in a targeting segment and/or
customers holding a CRM code. Both are answered by the targeting engine against the request's
visitor context (``request.visitor.context``), so the community has no rule system of its own.
When the visitor or the engine is unavailable, a restricted board stays closed.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest

from community.models import Access, Board
from targeting.snapshot import get_snapshot

logger = logging.getLogger("community")

MODERATOR_GROUP = "Moderators"
CUSTOMER_SERVICE_GROUP = "Customer service"
BANK_STAFF_GROUP = "Bank staff"


def is_moderator(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("community.moderate_post"))


def is_complaint_handler(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("community.handle_complaint"))


def is_bank_staff(user: Any) -> bool:
    """Staff answers carry the "official" badge."""
    if not (user and user.is_authenticated):
        return False
    return user.is_staff or user.groups.filter(name=BANK_STAFF_GROUP).exists()


def _visitor_context(request: HttpRequest) -> Any | None:
    visitor = getattr(request, "visitor", None)
    if visitor is None:
        return None
    try:
        return visitor.context
    except Exception:
        logger.exception("community: visitor context unavailable")
        return None


def _in_segment(context: Any, slug: str) -> bool:
    """Ask the targeting engine's live snapshot (the one campaigns use) whether the visitor is in
    the segment: its predicates are compiled once per publish, so this costs no query when warm.
    """
    predicate = get_snapshot().engine.segments.get(slug)
    return bool(predicate and predicate(context))


def _holds_crm_code(context: Any, code: str) -> bool:
    codes = context.get("crm.segments")
    return isinstance(codes, list | tuple | set | frozenset) and code in codes


def is_member(request: HttpRequest, board: Board) -> bool:
    """Whether the visitor belongs to the board's restricted audience."""
    user = getattr(request, "user", None)
    if is_moderator(user) or (user is not None and user.is_superuser):
        return True
    if not board.segment_id and not board.crm_code:
        return False
    context = _visitor_context(request)
    if context is None:
        return False
    try:
        if board.crm_code and _holds_crm_code(context, board.crm_code):
            return True
        if board.segment_id and _in_segment(context, board.segment.slug):
            return True
    except Exception:
        # A broken rule or provider closes the zone; it never breaks the page.
        logger.exception("community: membership check failed for board %s", board.slug)
    return False


def _allowed(request: HttpRequest, board: Board, access: str) -> bool:
    if access == Access.EVERYONE:
        return True
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return False
    if access == Access.SIGNED_IN:
        return True
    return is_member(request, board)


def can_read(request: HttpRequest, board: Board) -> bool:
    return _allowed(request, board, board.read_access)


def can_post(request: HttpRequest, board: Board) -> bool:
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return False
    return can_read(request, board) and _allowed(request, board, board.post_access)


def readable_boards(request: HttpRequest, boards: Any) -> list[Board]:
    return [board for board in boards if can_read(request, board)]
