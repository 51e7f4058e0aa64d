"""The profile document: one JSON document per visitor id, and everything that shapes it.

Pure functions only (a document in, a document out; no database, no cache): how a page view and
every other event fold in, how two documents merge when a browser's history becomes a
customer's, the limits that keep a document one small cache value, and the read-only view of a
document that the engine's ``behaviour.*`` attributes and ``GET /api/v1/visitors/<id>`` show.
``targeting.tracking.folding`` does the I/O around it (locking rows, the cache, the raw log);
``targeting.profiles`` turns a stored document into engine attributes.

A document holds: ``visits`` (days with page views), ``sessions``, ``pageviews``, ``clicks``,
``categories`` {category: last seen}, ``tags`` {tag: last seen}, ``searches``,
``clicked_campaigns``, ``impressions`` {campaign: count}, ``forms_started``,
``forms_submitted``, ``channels`` {event type of another channel: last seen}, ``last_seen``,
``previous_seen``, ``session_started``, ``session_pageviews``, ``last_visit_day`` and
``last_page_type``. Applications are not in it: the application records of the products app are
the one place they are kept (``history.applications`` reads them, see docs/rule-language.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

#: A visit after this much inactivity starts a new session (the common web-analytics rule).
SESSION_GAP = timedelta(minutes=30)
#: Lists and maps kept in a document are bounded so a document stays one small cache value.
MAX_SEARCHES = 20
MAX_CLICKED = 50
MAX_TAGS = 50
#: How long a document stays in the cache after it was read or written.
BEHAVIOUR_TTL = 60 * 60 * 24

_COUNTERS = ("visits", "sessions", "pageviews", "clicks", "forms_started", "forms_submitted")
_RECENT_LISTS = {"searches": MAX_SEARCHES, "clicked_campaigns": MAX_CLICKED}
_LATEST_MAPS = ("categories", "tags", "channels")
_SESSION_STATE = (
    "last_seen",
    "previous_seen",
    "session_started",
    "session_pageviews",
    "last_visit_day",
)


def behaviour_key(visitor_id: str) -> str:
    """The cache key of a visitor's document (the cache key predates the tracking app)."""
    return f"targeting:behaviour:{visitor_id}"


def customer_profile_key(user_id: int) -> str:
    """The visitor id under which a customer's merged, cross-device document is kept."""
    return f"customer-{user_id}"


def parse_time(value: Any) -> datetime | None:
    """A stored ISO 8601 time as an aware datetime; None for anything unreadable."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def fold_pageview(data: dict[str, Any], category: str | None, now: datetime) -> dict[str, Any]:
    """Fold one page view into a document: sessions, visits, page views, categories."""
    data = dict(data)
    local_now = timezone.localtime(now)
    last_seen = parse_time(data.get("last_seen"))
    if last_seen is None or now - last_seen > SESSION_GAP:
        # The engine's "days since last visit" looks at the end of the previous session.
        data["previous_seen"] = data.get("last_seen")
        data["sessions"] = int(data.get("sessions", 0)) + 1
        data["session_started"] = now.isoformat()
        data["session_pageviews"] = 0
    today = local_now.date().isoformat()
    if data.get("last_visit_day") != today:
        # "visits" counts days with page views, the unit the rule editor describes.
        data["visits"] = int(data.get("visits", 0)) + 1
        data["last_visit_day"] = today
    data["pageviews"] = int(data.get("pageviews", 0)) + 1
    data["session_pageviews"] = int(data.get("session_pageviews", 0)) + 1
    if category:
        categories = dict(data.get("categories") or {})
        categories[category] = now.isoformat()
        data["categories"] = categories
    data.setdefault("searches", [])
    data.setdefault("clicked_campaigns", [])
    data["last_seen"] = now.isoformat()
    return data


def _push_recent(items: list[Any], value: Any, limit: int) -> list[Any]:
    """Append ``value`` as the most recent item, once, keeping the last ``limit``."""
    items = [item for item in items if item != value]
    items.append(value)
    return items[-limit:]


def _touch(data: dict[str, Any], at: datetime) -> None:
    """Non-page-view web activity keeps the session alive but counts no page view."""
    last_seen = parse_time(data.get("last_seen"))
    if last_seen is not None and at > last_seen and at - last_seen <= SESSION_GAP:
        data["last_seen"] = at.isoformat()


def _seen_category(data: dict[str, Any], category: str, at: datetime) -> None:
    categories = dict(data.get("categories") or {})
    if str(categories.get(category, "")) < at.isoformat():
        categories[category] = at.isoformat()
    data["categories"] = categories


def fold_event(
    data: dict[str, Any], type_: str, at: datetime, properties: dict[str, Any]
) -> dict[str, Any]:
    """Fold one event into a document (pure)."""
    data = dict(data)
    if type_ == "page_view":
        category = properties.get("category") or None
        last_seen = parse_time(data.get("last_seen"))
        if last_seen is not None and at < last_seen:
            # A late event (an older batch retried after a newer one): count it, but do not move
            # the session clock backwards.
            data["pageviews"] = int(data.get("pageviews", 0)) + 1
            if category:
                categories = dict(data.get("categories") or {})
                if str(categories.get(category, "")) < at.isoformat():
                    categories.setdefault(category, at.isoformat())
                data["categories"] = categories
        else:
            data = fold_pageview(data, category, at)
        tags = properties.get("tags") or []
        if tags:
            known = dict(data.get("tags") or {})
            for tag in tags:
                known[tag] = at.isoformat()
            data["tags"] = dict(sorted(known.items(), key=lambda kv: kv[1])[-MAX_TAGS:])
        if properties.get("page_type"):
            data["last_page_type"] = properties["page_type"]
    elif type_ == "click":
        _touch(data, at)
        data["clicks"] = int(data.get("clicks", 0)) + 1
        campaign = properties.get("campaign")
        if campaign:
            data["clicked_campaigns"] = _push_recent(
                list(data.get("clicked_campaigns") or []), campaign, MAX_CLICKED
            )
    elif type_ == "search":
        _touch(data, at)
        query = " ".join(str(properties.get("query", "")).split()).lower()
        if query:
            data["searches"] = _push_recent(list(data.get("searches") or []), query, MAX_SEARCHES)
    elif type_ == "impression":
        campaign = properties.get("campaign")
        if campaign:
            seen = dict(data.get("impressions") or {})
            seen[campaign] = int(seen.get(campaign, 0)) + 1
            data["impressions"] = seen
    elif type_ in ("form_start", "form_submit"):
        _touch(data, at)
        key = "forms_started" if type_ == "form_start" else "forms_submitted"
        data[key] = int(data.get(key, 0)) + 1
    elif type_ == "community_post":
        # Writing on a board shows interest in its product category, but is not a page view.
        _touch(data, at)
        category = properties.get("category") or None
        if category:
            _seen_category(data, category, at)
    elif type_ == "application":
        # Kept once, by the products app (its application records, which
        # ``history.applications`` reads); the event is the customer's interaction history.
        pass
    else:
        # Other channels (app, card, branch, call centre) are history, not web behaviour; keep
        # only when each channel was last used.
        channels = dict(data.get("channels") or {})
        channels[type_] = at.isoformat()
        data["channels"] = channels
    return data


def merge_documents(into: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """Combine two documents: counts add up, recency keeps the latest, lists union."""
    merged = dict(into)
    for key in _COUNTERS:
        if key in other or key in into:
            merged[key] = int(into.get(key, 0)) + int(other.get(key, 0))
    for key, limit in _RECENT_LISTS.items():
        items = [i for i in (into.get(key) or []) if i not in (other.get(key) or [])]
        merged[key] = (items + list(other.get(key) or []))[-limit:]
    for key in _LATEST_MAPS:
        combined = dict(into.get(key) or {})
        for name, when in (other.get(key) or {}).items():
            if str(when) > str(combined.get(name, "")):
                combined[name] = when
        if combined:
            merged[key] = combined
    impressions = dict(into.get("impressions") or {})
    for name, count in (other.get("impressions") or {}).items():
        impressions[name] = int(impressions.get(name, 0)) + int(count)
    if impressions:
        merged["impressions"] = impressions
    # The session and "last seen" state is the more recent document's.
    if str(other.get("last_seen") or "") > str(into.get("last_seen") or ""):
        for key in _SESSION_STATE:
            if key in other:
                merged[key] = other[key]
    return merged


def behaviour_view(data: dict[str, Any]) -> dict[str, Any] | None:
    """A stored document as the engine's behaviour provider reads it (None if empty)."""
    if not data:
        return None
    categories = data.get("categories") or {}
    if isinstance(categories, dict):
        # Most recently viewed first.
        categories = sorted(categories, key=lambda c: str(categories[c]), reverse=True)
    return {
        "visits": data.get("visits", 0),
        "sessions": data.get("sessions", 0),
        "pageviews": data.get("pageviews", 0),
        "categories": list(categories),
        "searches": list(data.get("searches") or []),
        "clicked_campaigns": list(data.get("clicked_campaigns") or []),
        "last_seen": data.get("previous_seen"),
        "session_pageviews": data.get("session_pageviews", 0),
    }
