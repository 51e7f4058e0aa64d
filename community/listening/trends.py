"""Counts over time, hot words and spike alerts.

* ``TrendCount``: posts per topic and source per 5-minute window, with how many were negative
  (sentiment below -0.2) and positive (above 0.2).
* ``WordCount``: words per hour.
* Hot words: words of the last ``hours`` whose count is far above their hourly average over
  the week before (a smoothed ratio, so rare words need real volume to rank).
* Alerts: a topic whose posts in the last 15 minutes reach ``LISTENING_ALERT_RATIO`` times its
  average 15 minutes of the week before (and at least ``LISTENING_ALERT_MIN_POSTS``) raises one
  alert per topic and window, sent to the team its routing rule names.

Counts are added with ``INSERT … ON CONFLICT … DO UPDATE`` (PostgreSQL and SQLite), so
parallel workers never lose an increment.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from community.listening.models import (
    Alert,
    ListeningItem,
    RoutingRule,
    Topic,
    TrendCount,
    WordCount,
)

log = logging.getLogger(__name__)
TREND_MINUTES = 5
ALERT_MINUTES = 15
BASELINE_DAYS = 7
NEGATIVE = -0.2
POSITIVE = 0.2


def _utc_window(moment: datetime, minutes: int) -> datetime:
    moment = moment.astimezone(UTC)
    return moment.replace(minute=moment.minute - moment.minute % minutes, second=0, microsecond=0)


def _upsert(table: str, keys: list[str], columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Add ``rows`` to the counts: one ``INSERT … VALUES (…), (…) … ON CONFLICT … DO UPDATE``
    per 1,000 rows on PostgreSQL (one round trip instead of one per row); one statement per row
    elsewhere. The caller gives each key once, sorted, so parallel workers lock rows in the same
    order and never deadlock."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in keys + columns)
    updates = ", ".join(
        f"{quote(c)} = {quote(table)}.{quote(c)} + excluded.{quote(c)}" for c in columns
    )
    conflict = ", ".join(quote(k) for k in keys)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # local: psycopg2 is the PostgreSQL driver, present only where PostgreSQL is used
            from psycopg2.extras import execute_values  # type: ignore[import-untyped]

            # Table and column names are this app's own model's, quoted; values are parameters.
            sql = (
                f"INSERT INTO {quote(table)} ({names}) VALUES %s "  # noqa: S608  # nosec B608
                f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
            )
            execute_values(cursor.cursor, sql, rows, page_size=1000)
            return
        placeholders = ", ".join(["%s"] * (len(keys) + len(columns)))
        # Table and column names are this app's own model's, quoted; values are parameters.
        sql = (
            f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders}) "  # noqa: S608  # nosec B608
            f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
        )
        cursor.executemany(sql, rows)


def count(items: list[ListeningItem], words: dict[int, list[str]]) -> None:
    """Add processed posts to the trend and word counts."""
    cells: Counter[tuple[datetime, str, str]] = Counter()
    negative: Counter[tuple[datetime, str, str]] = Counter()
    positive: Counter[tuple[datetime, str, str]] = Counter()
    hourly: Counter[tuple[datetime, str]] = Counter()
    for item in items:
        key = (_utc_window(item.published_at, TREND_MINUTES), item.topic, item.source)
        cells[key] += 1
        if item.sentiment is not None and item.sentiment < NEGATIVE:
            negative[key] += 1
        elif item.sentiment is not None and item.sentiment > POSITIVE:
            positive[key] += 1
        hour = _utc_window(item.published_at, 60).replace(minute=0)
        for word in set(words.get(item.pk, ())):
            if 2 <= len(word) <= 40:
                hourly[(hour, word)] += 1
    _upsert(
        TrendCount._meta.db_table,
        ["window", "topic", "source"],
        ["posts", "negative", "positive"],
        [(*key, n, negative[key], positive[key]) for key, n in sorted(cells.items())],
    )
    _upsert(
        WordCount._meta.db_table,
        ["window", "word"],
        ["count"],
        [(*key, n) for key, n in sorted(hourly.items())],
    )


def hot_words(
    *, hours: int = 24, limit: int = 20, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Words of the last ``hours`` ranked by (recent + 1) / (expected + 1)."""
    now = now or timezone.now()
    start = now - timedelta(hours=hours)
    base_start = start - timedelta(days=BASELINE_DAYS)
    recent = dict(
        WordCount.objects.filter(window__gte=start)
        .values_list("word")
        .annotate(n=Sum("count"))
        .order_by("-n")
        .values_list("word", "n")[:500]
    )
    if not recent:
        return []
    before = dict(
        WordCount.objects.filter(window__gte=base_start, window__lt=start, word__in=list(recent))
        .values_list("word")
        .annotate(n=Sum("count"))
        .values_list("word", "n")
    )
    scale = hours / (BASELINE_DAYS * 24)
    ranked = []
    for word, n in recent.items():
        expected = before.get(word, 0) * scale
        ranked.append(
            {
                "word": word,
                "count": n,
                "expected": round(expected, 1),
                "lift": round((n + 1) / (expected + 1), 2),
            }
        )
    ranked.sort(key=lambda r: (-r["lift"], -r["count"]))
    return [r for r in ranked if r["count"] >= 3][:limit]


def series(*, days: int = 14, now: datetime | None = None) -> dict[str, Any]:
    """Posts per day and topic, and average sentiment share per day, for the dashboard."""
    now = now or timezone.now()
    start = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = TrendCount.objects.filter(window__gte=start).values_list(
        "window", "topic", "posts", "negative", "positive"
    )
    local = timezone.get_current_timezone()
    days_list = [(start + timedelta(days=n)).astimezone(local).date() for n in range(days)]
    by_topic: dict[str, Counter] = {t: Counter() for t in Topic.values}
    negative: Counter = Counter()
    positive: Counter = Counter()
    total: Counter = Counter()
    for window, topic, posts, neg, pos in rows:
        day = window.astimezone(local).date()
        by_topic.setdefault(topic, Counter())[day] += posts
        negative[day] += neg
        positive[day] += pos
        total[day] += posts
    return {
        "days": days_list,
        "by_topic": {t: [c[d] for d in days_list] for t, c in by_topic.items()},
        "total": [total[d] for d in days_list],
        "negative": [negative[d] for d in days_list],
        "positive": [positive[d] for d in days_list],
    }


def check_spikes(now: datetime | None = None) -> list[Alert]:
    """Raise an alert for each topic whose last 15 minutes are a spike (at most one per window)."""
    now = now or timezone.now()
    ratio = float(getattr(settings, "LISTENING_ALERT_RATIO", 5.0))
    minimum = int(getattr(settings, "LISTENING_ALERT_MIN_POSTS", 10))
    end = _utc_window(now, TREND_MINUTES)
    start = end - timedelta(minutes=ALERT_MINUTES)
    base_start = start - timedelta(days=BASELINE_DAYS)
    recent = dict(
        TrendCount.objects.filter(window__gte=start, window__lt=end)
        .values_list("topic")
        .annotate(n=Sum("posts"))
        .values_list("topic", "n")
    )
    before = dict(
        TrendCount.objects.filter(window__gte=base_start, window__lt=start)
        .values_list("topic")
        .annotate(n=Sum("posts"))
        .values_list("topic", "n")
    )
    windows = BASELINE_DAYS * 24 * 60 / ALERT_MINUTES
    raised = []
    for topic, n in recent.items():
        if topic in ("", Topic.OTHER):
            continue
        baseline = before.get(topic, 0) / windows
        if n < minimum or n < ratio * baseline:
            continue
        rule = RoutingRule.objects.filter(topic=topic, active=True).order_by("priority").first()
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    topic=topic,
                    window_start=start,
                    window_end=end,
                    count=n,
                    baseline=round(baseline, 2),
                    team_id=rule.team_id if rule else None,
                )
        except IntegrityError:
            continue  # already raised for this window
        raised.append(alert)
        _notify(alert)
    return raised


def _notify(alert: Alert) -> None:
    """E-mail the alert's team (each member with an address); the dashboard shows it too."""
    if alert.team is None:
        return
    recipients = [
        u.email for u in alert.team.user_set.filter(is_active=True).exclude(email="") if u.email
    ]
    if not recipients:
        return
    subject = _("Listening alert: %(topic)s at %(ratio)s times its usual level") % {
        "topic": alert.get_topic_display(),
        "ratio": round(alert.count / max(alert.baseline, 0.1), 1),
    }
    body = _(
        "%(count)s posts about %(topic)s in the 15 minutes from %(start)s; usually %(baseline)s."
    ) % {
        "count": alert.count,
        "topic": alert.get_topic_display(),
        "start": timezone.localtime(alert.window_start).strftime("%Y-%m-%d %H:%M"),
        "baseline": alert.baseline,
    }
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # an alert is on the dashboard even if mail fails
        log.exception("listening: alert mail failed")
