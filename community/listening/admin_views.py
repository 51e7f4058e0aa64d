"""Listening in the Wagtail admin: the dashboard, the teams' queues, one post, and imports.

* Dashboard (``listening.view_dashboard``): posts per topic per day, sentiment, hot words, top
  sources, alerts.
* Queues (``listening.respond_item``): a team sees the posts routed to it (and, for
  information, posts of topics it is told about); assign, change status, reply. A reply to a
  portal post is posted in its topic as an official answer.
* Authors: only posts from the portal have one, shown to ``listening.view_author``.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from community.listening import intake, replies, tasks, trends
from community.listening.models import (
    Alert,
    ListeningItem,
    QueueStatus,
    RoutingRule,
    Source,
    Status,
    Topic,
)
from community.posting import PostingError

DASHBOARD = "listening.view_dashboard"
RESPOND = "listening.respond_item"
AUTHOR = "listening.view_author"
IMPORT = "listening.add_listeningitem"
MAX_UPLOAD = 20 * 1024 * 1024
TOPIC_COLOURS = {
    "complaint": "#cd4444",
    "praise": "#1d7f4a",
    "incident": "#e9a100",
    "purchase_intent": "#2e6ad1",
    "campaign_feedback": "#8a4fc2",
    "fraud_warning": "#7a1f1f",
    "other": "#8a8a8a",
}


def _catch_up() -> None:
    """Without a broker (development), waiting posts are processed when the pages are read."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        tasks.process_all_pending(limit=5000)
        trends.check_spikes()


def _chart(days: list, lines: dict[str, list[int]]) -> dict[str, Any]:
    """Polylines for a small SVG line chart (viewBox 0 0 640 220)."""
    width, height, left, bottom, top = 640, 220, 40, 24, 10
    peak = max((max(v, default=0) for v in lines.values()), default=0) or 1
    plot_w, plot_h = width - left - 10, height - top - bottom
    count = max(len(days), 1)

    def x(i: int) -> float:
        return left + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)

    def y(v: int) -> float:
        return top + plot_h - plot_h * v / peak

    drawn = [
        {
            "key": key,
            "label": Topic(key).label if key in Topic.values else key,
            "colour": TOPIC_COLOURS.get(key, "#333"),
            "points": " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values)),
            "total": sum(values),
        }
        for key, values in lines.items()
    ]
    step = max(1, count // 7)
    ticks = [
        {"x": round(x(i), 1), "label": f"{d.month}/{d.day}"}
        for i, d in enumerate(days)
        if i % step == 0
    ]
    return {
        "lines": drawn,
        "ticks": ticks,
        "peak": peak,
        "peak_y": top,
        "base_y": top + plot_h,
        "left": left,
        "right": width - 10,
    }


@permission_required(DASHBOARD, raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    _catch_up()
    now = timezone.now()
    data = trends.series(days=14, now=now)
    week = now - timedelta(days=7)
    recent = ListeningItem.objects.filter(published_at__gte=week)
    by_source = Counter(
        dict(
            recent.filter(status=Status.DONE)
            .values_list("source")
            .annotate(n=Count("id"))
            .values_list("source", "n")
        )
    )
    status_counts = dict(
        recent.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    total_week = sum(data["total"][-7:])
    negative_week = sum(data["negative"][-7:])
    sentiment_days = [
        {
            "day": day,
            "total": total,
            "negative": neg,
            "positive": pos,
            "negative_pct": round(100 * neg / total) if total else 0,
            "positive_pct": round(100 * pos / total) if total else 0,
        }
        for day, total, neg, pos in zip(
            data["days"], data["total"], data["negative"], data["positive"], strict=True
        )
    ]
    context = {
        "page_title": _("Social listening"),
        "header_title": _("Social listening"),
        "header_icon": "view",
        "chart": _chart(data["days"], {k: v for k, v in data["by_topic"].items() if sum(v)}),
        "days": data["days"],
        "by_topic": [
            {"key": key, "label": Topic(key).label, "values": values, "total": sum(values)}
            for key, values in data["by_topic"].items()
            if key in Topic.values
        ],
        "sentiment_days": sentiment_days,
        "hot_words": trends.hot_words(hours=24, now=now),
        "sources": [{"label": Source(key).label, "count": n} for key, n in by_source.most_common()],
        "total_week": total_week,
        "negative_share": round(100 * negative_week / total_week) if total_week else 0,
        "waiting": status_counts.get(Status.PENDING, 0),
        "flagged": ListeningItem.objects.filter(status=Status.FLAGGED).count(),
        "noise_week": status_counts.get(Status.NOISE, 0),
        "duplicates_week": status_counts.get(Status.DUPLICATE, 0),
        "alerts": Alert.objects.select_related("team")[:10],
        "can_respond": request.user.has_perm(RESPOND),
    }
    return render(request, "listening/dashboard.html", context)


@require_POST
@permission_required(DASHBOARD, raise_exception=True)
def acknowledge_alert(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=pk)
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by_id = request.user.pk
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        messages.success(request, _("Alert acknowledged."))
    return redirect("listening_dashboard")


def _teams(request: HttpRequest) -> list[Any]:
    user = request.user
    routed = Group.objects.filter(
        pk__in=RoutingRule.objects.filter(active=True).values("team")
    ).order_by("name")
    if user.is_superuser:
        return list(routed)
    return list(routed.filter(pk__in=user.groups.values("pk")))


def queue_items(team: Any) -> QuerySet[ListeningItem]:
    """What a team sees: posts routed to it, and posts of topics it is told about."""
    informed = RoutingRule.objects.filter(active=True, team=team).values_list("topic", flat=True)
    return ListeningItem.objects.filter(status=Status.DONE).filter(
        Q(team=team) | Q(topic__in=list(informed), team__isnull=False)
    )


@permission_required(RESPOND, raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    _catch_up()
    teams = _teams(request)
    if not teams:
        return render(
            request,
            "listening/queue.html",
            {
                "page_title": _("Listening queues"),
                "header_title": _("Listening queues"),
                "header_icon": "tasks",
                "teams": [],
            },
        )
    try:
        team_id = int(request.GET.get("team") or teams[0].pk)
    except ValueError:
        team_id = teams[0].pk
    team = next((t for t in teams if t.pk == team_id), teams[0])
    items = queue_items(team).select_related("team", "assigned_to")
    status = request.GET.get("status", "open")
    if status == "open":
        items = items.filter(queue_status__in=[QueueStatus.NEW, QueueStatus.ASSIGNED])
    elif status in QueueStatus.values:
        items = items.filter(queue_status=status)
    topic = request.GET.get("topic", "")
    if topic in Topic.values:
        items = items.filter(topic=topic)
    if request.GET.get("mine") == "1":
        items = items.filter(assigned_to_id=request.user.pk)
    page = Paginator(items.order_by("-published_at", "-id"), 30).get_page(request.GET.get("p"))
    return render(
        request,
        "listening/queue.html",
        {
            "page_title": _("Listening queues"),
            "header_title": _("Listening queues"),
            "header_icon": "tasks",
            "teams": teams,
            "team": team,
            "page_obj": page,
            "statuses": QueueStatus.choices,
            "topics": Topic.choices,
            "filters": {"status": status, "topic": topic, "mine": request.GET.get("mine", "")},
            "query": urlencode({"team": team.pk, "status": status, "topic": topic}),
        },
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=gettext_lazy("Reply"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "For a community post the reply is posted in its topic as an official answer."
        ),
    )

    def clean_reply(self) -> str:
        value = self.cleaned_data["reply"]
        if "\x00" in value:
            raise forms.ValidationError(_("Holds a NUL character."))
        return value.strip()


def _may_see(request: HttpRequest, item: ListeningItem) -> bool:
    if request.user.is_superuser:
        return True
    return any(queue_items(team).filter(pk=item.pk).exists() for team in _teams(request))


@permission_required(RESPOND, raise_exception=True)
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ListeningItem.objects.select_related("team", "assigned_to"), pk=pk)
    if not _may_see(request, item):
        raise PermissionDenied
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "assign":
            item.assigned_to_id = request.user.pk
            item.queue_status = QueueStatus.ASSIGNED
            item.save(update_fields=["assigned_to", "queue_status"])
            messages.success(request, _("Assigned to you."))
            return redirect("listening_item", pk=item.pk)
        if action == "close":
            item.queue_status = QueueStatus.CLOSED
            item.save(update_fields=["queue_status"])
            messages.success(request, _("Closed."))
            return redirect("listening_item", pk=item.pk)
        if action == "reopen":
            item.queue_status = QueueStatus.ASSIGNED if item.assigned_to_id else QueueStatus.NEW
            item.save(update_fields=["queue_status"])
            return redirect("listening_item", pk=item.pk)
        if action == "reply" and form.is_valid():
            try:
                with transaction.atomic():
                    posted = replies.answer(item, form.cleaned_data["reply"], request.user)
            except PostingError as error:
                form.add_error("reply", str(error))
                posted = None
        if action == "reply" and form.is_valid():
            if posted:
                messages.success(request, _("Reply posted in the topic as an official answer."))
            else:
                messages.success(request, _("Reply recorded."))
            return redirect("listening_item", pk=item.pk)
    show_author = item.from_portal and request.user.has_perm(AUTHOR)
    complaint_url = ""
    # A complaint heard anywhere becomes a complaint to complete in the intake form (the
    # customer is reached first; an outside post names no one).
    if (
        item.topic == Topic.COMPLAINT
        and item.source != Source.COMPLAINT
        and item.routed_complaint_id is None
    ):
        complaint_url = (
            reverse("community_complaints:register") + "?" + urlencode({"listening": item.pk})
        )
    return render(
        request,
        "listening/item.html",
        {
            "page_title": _("Listened post"),
            "header_title": _("Listened post"),
            "header_icon": "doc-full",
            "item": item,
            "form": form,
            "show_author": show_author,
            "complaint_url": complaint_url,
            "statuses": QueueStatus,
        },
        status=400 if form.errors else 200,
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV with a header row (source, id, text, title, url, published_at, author) or "
            "JSON Lines with the same fields; UTF-8; at most 20 MB."
        ),
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Source of rows that name none"),
        required=False,
        choices=[("", "—")]
        + [
            (s.value, s.label)
            for s in Source
            if s.value not in (Source.PORTAL_TOPIC, Source.PORTAL_REPLY, Source.COMPLAINT)
        ],
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        name = upload.name.lower()
        if not name.endswith((".csv", ".jsonl", ".ndjson", ".json")):
            raise forms.ValidationError(_("Send a .csv or .jsonl file."))
        return upload


@permission_required(IMPORT, raise_exception=True)
def import_posts(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.add_error("file", _("The file is not UTF-8 text."))
        else:
            stream = io.StringIO(text, newline="")
            reader = intake.read_csv if upload.name.lower().endswith(".csv") else intake.read_jsonl
            outcome = intake.store(reader(stream), default_source=form.cleaned_data["source"])
            if outcome.ids and not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
                ids = outcome.ids
                transaction.on_commit(
                    lambda: [
                        tasks.process_items.delay(ids[i : i + tasks.BATCH])
                        for i in range(0, len(ids), tasks.BATCH)
                    ]
                )
    return render(
        request,
        "listening/import.html",
        {
            "page_title": _("Import posts"),
            "header_title": _("Import posts"),
            "header_icon": "upload",
            "form": form,
            "outcome": outcome,
            "errors": (outcome.errors[:200] if outcome else []),
        },
        status=400 if form.errors else 200,
    )
