"""Community activity feeds targeting, so a forum reader can be shown a matching campaign.

Reading a board or topic is counted once, by the beacon: the views declare the board's product
category (`tracking_category` in the template context) and the page view event carries it.
Writing a topic or reply is recorded here, on the server, as one `community_post` event that adds
the category's recency to the visitor's profile without counting another page view.

Nothing is recorded without the visitor's analytics consent (no visitor id without it), and a
failure in targeting never breaks the community page.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.http import HttpRequest

from targeting.tracking.ingestion import record_server_event

if TYPE_CHECKING:
    from community.models import Board

logger = logging.getLogger("community")


def record_interest(request: HttpRequest, board: Board) -> bool:
    """Record that this visitor wrote on `board`; True when an event was recorded."""
    visitor_id = getattr(getattr(request, "visitor", None), "id", None)
    if not visitor_id:
        return False
    try:
        return record_server_event(
            "community_post",
            visitor_id=visitor_id,
            properties={"board": board.slug, "category": board.targeting_category},
        )
    except Exception:
        logger.exception("community: could not record activity on board %s", board.slug)
        return False
