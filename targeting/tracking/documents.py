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
``previous_seen``, ``session_started``, ``session_pageviews``, ``last_visit_day``,
``last_page_type`` and ``page_visits`` {path: [views, last seen]} (the 100 most recent paths). Applications are not in it: the application records of the products app are
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
#: Page paths whose views are counted (``behaviour.page_visits``); the least recent go first.
MAX_PAGE_PATHS = 100
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


def _count_page_visit(data: dict[str, Any], path: Any, at: datetime) -> None:
    """``page_visits`` {path: [views, last seen]}: the engine's ``behaviour.page_visits`` reads the
    views (normalising the path), the time decides which paths are dropped past the bound."""
    if not isinstance(path, str):
        return
    path = path.split("#", 1)[0].split("?", 1)[0][:500]
    if not path.startswith("/"):
        return
    visits = dict(data.get("page_visits") or {})
    entry = visits.get(path)
    count = entry[0] if isinstance(entry, list) and entry and isinstance(entry[0], int) else 0
    last = str(entry[1]) if isinstance(entry, list) and len(entry) > 1 else ""
    visits[path] = [count + 1, max(last, at.isoformat())]
    if len(visits) > MAX_PAGE_PATHS:
        keep = sorted(visits.items(), key=lambda kv: str(kv[1][1]))[-MAX_PAGE_PATHS:]
        visits = dict(keep)
    data["page_visits"] = visits


def fold_event(
    data: dict[str, Any], type_: str, at: datetime, properties: dict[str, Any]
) -> dict[str, Any]:
    """Fold one event into a document (pure)."""
    data = dict(fold_recent(data, type_, at, properties))
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
        _count_page_visit(data, properties.get("path"), at)
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


#: The recent-events window (``recent``): its bounds keep a document one small cache value.
RECENT_CARD_TRANSACTIONS = 10
RECENT_DAYS = 31  # day-keyed counts, for the 30-day windows of the rule language
RECENT_BRANCH_DAYS = 90
RECENT_VIEW_DAYS = 8
MAX_MCCS_PER_DAY = 20
MAX_VIEW_CATEGORIES = 20
#: What a card amount may be (the events API allows up to 1e12; anything else is not summed).
MAX_AMOUNT = 1e12
RECENT_TYPES = frozenset(
    {
        "card_transaction",
        "branch_queue_swipe",
        "app_open",
        "call_centre_contact",
        "page_view",
        "application",
    }
)


def _local_day(at: datetime) -> str:
    return timezone.localtime(at).date().isoformat()


def _oldest_day(at: datetime, days: int) -> str:
    return (timezone.localtime(at).date() - timedelta(days=days - 1)).isoformat()


def _kept_days(by_day: Any, oldest: str) -> dict[str, Any]:
    if not isinstance(by_day, dict):
        return {}
    return {day: value for day, value in by_day.items() if isinstance(day, str) and day >= oldest}


def _day_list(days: Any, day: str, oldest: str, limit: int) -> list[str]:
    kept = {d for d in (days if isinstance(days, list) else []) if isinstance(d, str)}
    kept.add(day)
    return sorted(d for d in kept if d >= oldest)[-limit:]


def fold_recent(
    data: dict[str, Any], type_: str, at: datetime, properties: dict[str, Any]
) -> dict[str, Any]:
    """Fold one event into the document's window of recent channel events (pure).

    Kept under ``recent`` in a compact, bounded form the engine reads (see
    ``targeting.engine.providers.channels`` for the shape): the last card transactions and card
    spend by local day and merchant code, branch swipes, app opens, call-centre contacts,
    product-page views by category and day, and the day of the last application per category.
    Events older than their window are not kept; a value of the wrong shape is dropped, never
    trusted.
    """
    recent = data.get("recent")
    recent = dict(recent) if isinstance(recent, dict) else {}
    day = _local_day(at)
    # Windows are bounded from the newest event seen, so a late, old event cannot widen them.
    newest = parse_time(recent.get("newest"))
    if newest is None or at > newest:
        newest = at
    if type_ in RECENT_TYPES:
        recent["newest"] = newest.isoformat()
    at_bound = newest
    if type_ == "card_transaction":
        mcc = properties.get("merchant_category_code")
        if not (isinstance(mcc, str) and len(mcc) == 4 and mcc.isascii() and mcc.isdigit()):
            return data
        amount = properties.get("amount")
        value = 0.0
        if isinstance(amount, int | float) and not isinstance(amount, bool):
            # NaN and infinities fail the range test: the transaction counts, no money does.
            value = float(amount) if 0 <= amount <= MAX_AMOUNT else 0.0
        oldest = _oldest_day(at_bound, RECENT_DAYS)
        if day < oldest:
            return data
        transactions = [
            t
            for t in _as_list(recent.get("card"))
            if isinstance(t, list) and len(t) == 3 and str(t[0]) >= oldest
        ]
        transactions.append([at.isoformat(), mcc, value])
        transactions.sort(key=lambda t: str(t[0]))
        recent["card"] = transactions[-RECENT_CARD_TRANSACTIONS:]
        days = _kept_days(recent.get("card_days"), oldest)
        cells = dict(_as_dict(days.get(day)))
        if mcc not in cells and len(cells) >= MAX_MCCS_PER_DAY:
            mcc = "0000"  # an unusual day: the rest counts as "other"
        cell = cells.get(mcc)
        count, total = (
            cell
            if isinstance(cell, list)
            and len(cell) == 2
            and isinstance(cell[0], int)
            and isinstance(cell[1], int | float)
            else (0, 0.0)
        )
        cells[mcc] = [count + 1, round(float(total) + value, 2)]
        days[day] = cells
        recent["card_days"] = days
    elif type_ == "branch_queue_swipe":
        branch = properties.get("branch")
        if not isinstance(branch, str) or not branch:
            return data
        last = recent.get("branch")
        if not (isinstance(last, list) and len(last) == 2 and str(last[0]) > at.isoformat()):
            recent["branch"] = [at.isoformat(), branch[:40]]
        oldest = _oldest_day(at_bound, RECENT_BRANCH_DAYS)
        recent["branch_days"] = _day_list(recent.get("branch_days"), day, oldest, 90)
    elif type_ == "app_open":
        oldest = _oldest_day(at_bound, RECENT_DAYS)
        recent["app_days"] = _day_list(recent.get("app_days"), day, oldest, RECENT_DAYS)
    elif type_ == "call_centre_contact":
        days = _kept_days(recent.get("call_days"), _oldest_day(at_bound, RECENT_DAYS))
        count = days.get(day)
        days[day] = (count if isinstance(count, int) else 0) + 1
        recent["call_days"] = days
        reason = properties.get("reason")
        if isinstance(reason, str) and reason.strip():
            recent["call_reason"] = reason.strip()[:200]
    elif type_ == "page_view":
        category = properties.get("category")
        if not isinstance(category, str) or not category:
            return data
        oldest = _oldest_day(at_bound, RECENT_VIEW_DAYS)
        stored = _as_dict(recent.get("views"))
        views: dict[str, dict[str, Any]] = {
            c: days_kept
            for c, by_day in stored.items()
            if (days_kept := _kept_days(by_day, oldest))
        }
        if day >= oldest:
            by_day = dict(views.get(category) or {})
            count = by_day.get(day)
            by_day[day] = (count if isinstance(count, int) else 0) + 1
            views[category] = by_day
        if len(views) > MAX_VIEW_CATEGORIES:
            latest_first = sorted(views, key=lambda c: max(views[c]), reverse=True)
            views = {c: views[c] for c in latest_first[:MAX_VIEW_CATEGORIES]}
        recent["views"] = views
    elif type_ == "application":
        # Only the day per category, for "viewed without applying" windows: the applications
        # themselves are the products app's records (``history.applications``).
        category = properties.get("product_type")
        if not isinstance(category, str) or not category:
            return data
        applied = recent.get("applied")
        applied = dict(applied) if isinstance(applied, dict) else {}
        oldest = _oldest_day(at_bound, RECENT_VIEW_DAYS)
        applied = {c: d for c, d in applied.items() if isinstance(d, str) and d >= oldest}
        if day >= oldest and str(applied.get(category, "")) < day:
            applied[category] = day
        recent["applied"] = dict(list(applied.items())[-MAX_VIEW_CATEGORIES:])
    else:
        return data
    data = dict(data)
    data["recent"] = recent
    return data


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def merge_recent(into: Any, other: Any) -> dict[str, Any] | None:
    """Combine two ``recent`` windows (a browser's anonymous one into a customer's); values of
    the wrong shape are dropped, never trusted."""
    a, b = _as_dict(into), _as_dict(other)
    if not a and not b:
        return None
    merged: dict[str, Any] = {}
    cards = [t for t in _as_list(a.get("card")) + _as_list(b.get("card")) if _card_item(t)]
    if cards:
        merged["card"] = sorted(cards, key=lambda t: str(t[0]))[-RECENT_CARD_TRANSACTIONS:]
    for key, limit in (("branch_days", RECENT_BRANCH_DAYS), ("app_days", RECENT_DAYS)):
        days = {d for d in _as_list(a.get(key)) + _as_list(b.get(key)) if isinstance(d, str)}
        if days:
            merged[key] = sorted(days)[-limit:]
    branches = [
        x
        for x in (a.get("branch"), b.get("branch"))
        if isinstance(x, list) and len(x) == 2 and all(isinstance(i, str) for i in x)
    ]
    if branches:
        merged["branch"] = max(branches, key=lambda x: x[0])
    calls: dict[str, int] = {}
    for source in (a, b):
        for day, count in _as_dict(source.get("call_days")).items():
            if isinstance(count, int) and not isinstance(count, bool):
                calls[day] = calls.get(day, 0) + count
    if calls:
        merged["call_days"] = calls
    reason = b.get("call_reason") or a.get("call_reason")
    if isinstance(reason, str):
        merged["call_reason"] = reason
    views: dict[str, dict[str, int]] = {}
    card_days: dict[str, dict[str, list[Any]]] = {}
    for source in (a, b):
        for category, by_day in _as_dict(source.get("views")).items():
            for day, count in _as_dict(by_day).items():
                if isinstance(count, int) and not isinstance(count, bool):
                    cell = views.setdefault(category, {})
                    cell[day] = cell.get(day, 0) + count
        for day, by_mcc in _as_dict(source.get("card_days")).items():
            for mcc, value in _as_dict(by_mcc).items():
                if not (isinstance(value, list) and len(value) == 2):
                    continue
                count, amount = value
                if not (isinstance(count, int) and isinstance(amount, int | float)):
                    continue
                have = card_days.setdefault(day, {}).get(mcc, [0, 0.0])
                card_days[day][mcc] = [have[0] + count, round(have[1] + float(amount), 2)]
    if views:
        merged["views"] = views
    if card_days:
        merged["card_days"] = card_days
    applied: dict[str, str] = {}
    for source in (a, b):
        for category, day in _as_dict(source.get("applied")).items():
            if isinstance(day, str) and day > applied.get(category, ""):
                applied[category] = day
    if applied:
        merged["applied"] = applied
    newest = [x for x in (a.get("newest"), b.get("newest")) if isinstance(x, str)]
    if newest:
        merged["newest"] = max(newest)
    return merged


def _card_item(item: Any) -> bool:
    return (
        isinstance(item, list)
        and len(item) == 3
        and isinstance(item[0], str)
        and isinstance(item[1], str)
        and isinstance(item[2], int | float)
    )


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
    recent = merge_recent(into.get("recent"), other.get("recent"))
    if recent:
        merged["recent"] = recent
    visits = _merge_page_visits(into.get("page_visits"), other.get("page_visits"))
    if visits:
        merged["page_visits"] = visits
    # The session and "last seen" state is the more recent document's.
    if str(other.get("last_seen") or "") > str(into.get("last_seen") or ""):
        for key in _SESSION_STATE:
            if key in other:
                merged[key] = other[key]
    return merged


def _merge_page_visits(first: Any, second: Any) -> dict[str, list[Any]]:
    combined: dict[str, list[Any]] = {}
    for source in (first, second):
        for path, entry in (source if isinstance(source, dict) else {}).items():
            if not (isinstance(entry, list) and len(entry) > 1 and isinstance(entry[0], int)):
                continue
            count, last = combined.get(path, [0, ""])
            combined[path] = [count + entry[0], max(str(last), str(entry[1]))]
    keep = sorted(combined.items(), key=lambda kv: str(kv[1][1]))[-MAX_PAGE_PATHS:]
    return dict(keep)


def page_visit_counts(data: dict[str, Any]) -> dict[str, int] | None:
    """Views by path for the engine; None for a document folded before paths were counted."""
    visits = data.get("page_visits")
    if not isinstance(visits, dict):
        return {} if data.get("pageviews") == 0 else None
    return {
        path: entry[0]
        for path, entry in visits.items()
        if isinstance(entry, list) and entry and isinstance(entry[0], int)
    }


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
        # The window of recent channel events (engine: providers.channels).
        "recent": data.get("recent"),
        "page_visits": page_visit_counts(data),
    }
