"""Admin views of experiments: the list, one campaign's readout, and "declare a winner".

Reading needs ``measurement.view_report`` (marketers and compliance); declaring a winner also
needs ``targeting.change_campaign``, and only proposes the change: compliance approves it in the
campaign's workflow. The views coordinate; the numbers come from ``experiments``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from targeting.measurement import allocation, experiments, rollups, stats
from targeting.measurement.models import AllocationUpdate
from targeting.models import Campaign

VIEW_PERMISSION = "measurement.view_report"
CHANGE_PERMISSION = "targeting.change_campaign"
#: The longest period one readout may cover (a bound on the work one request causes).
MAX_DAYS = 366


def _require(request: HttpRequest, *permissions: str) -> None:
    user = request.user
    if not user.is_authenticated or not all(user.has_perm(p) for p in permissions):
        raise PermissionDenied


def _campaign(pk: Any) -> Campaign:
    try:
        return Campaign.objects.get(pk=int(pk))
    except (Campaign.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def parse_period(params: Any) -> tuple[date, date, list[str]]:
    """``from`` and ``to`` (YYYY-MM-DD) of the query, defaulting to the last 30 days; a bad
    value is reported by the field's name and the default used."""
    today = timezone.localdate()
    errors: list[str] = []
    values: dict[str, date | None] = {}
    for name in ("from", "to"):
        raw = params.get(name, "")
        values[name] = None
        if not raw:
            continue
        try:
            if len(raw) != 10 or "\x00" in raw:
                raise ValueError
            values[name] = date.fromisoformat(raw)
        except ValueError:
            errors.append(_("%(field)s: enter a date as YYYY-MM-DD.") % {"field": name})
    until = values["to"] or today
    since = values["from"] or until - timedelta(days=29)
    if since > until:
        errors.append(_("from: the start must not be after the end."))
        since = until - timedelta(days=29)
    if (until - since).days >= MAX_DAYS:
        errors.append(_("from: at most %(days)s days at a time.") % {"days": MAX_DAYS})
        since = until - timedelta(days=MAX_DAYS - 1)
    return since, until, errors


def _refresh_in_development(campaign: Campaign | None = None) -> None:
    """Without a broker no worker keeps rollups and allocations current: do it on read."""
    if not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return
    rollups.ensure_fresh()
    if campaign is not None and campaign.live:
        allocation.update_allocation(campaign)


@require_http_methods(["GET", "HEAD"])
def index(request: HttpRequest) -> HttpResponse:
    """Campaigns that are experiments, with where each stands."""
    _require(request, VIEW_PERMISSION)
    _refresh_in_development()
    since, until, errors = parse_period(request.GET)
    rows = []
    for campaign in Campaign.objects.order_by("-live", "name").prefetch_related(
        "campaign_creatives"
    ):
        if not experiments.is_experiment(campaign):
            continue
        result = experiments.readout(campaign, since, until)
        rows.append({"campaign": campaign, "readout": result})
    return render(
        request,
        "measurement/experiment_index.html",
        {"rows": rows, "since": since, "until": until, "errors": errors},
    )


@require_http_methods(["GET", "HEAD"])
def detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """One campaign's experiment: arms, statistics, plan progress, allocation history."""
    _require(request, VIEW_PERMISSION)
    campaign = _campaign(pk)
    _refresh_in_development(campaign)
    since, until, errors = parse_period(request.GET)
    result = experiments.readout(campaign, since, until)
    history = AllocationUpdate.objects.filter(campaign=campaign)[:20]
    can_declare = request.user.has_perm(CHANGE_PERMISSION)
    labels = {arm.key: arm.label for arm in result.arms}
    notes = list(result.notes)
    if campaign.holdout_percent and not _defaults_visible(campaign):
        notes.append(
            _(
                "A placement of this campaign has no default content: visitors in the holdout "
                "see nothing there, so their views cannot be counted."
            )
        )
    return render(
        request,
        "measurement/experiment.html",
        {
            "campaign": campaign,
            "readout": result,
            "arms": arm_rows(result),
            "leader_label": labels.get(result.leader or "", ""),
            "guidance": sample_size_guidance(result, campaign),
            "progress_pct": _pct(result.progress, 0) if result.progress is not None else None,
            "alpha_pct": _pct(result.alpha, 0),
            "notes": notes,
            "history": [
                {
                    "update": update,
                    "shares": ", ".join(
                        f"{labels.get(str(key), key)}: {_pct(share, 1)}"
                        for key, share in (update.weights or {}).items()
                        if isinstance(share, int | float)
                    ),
                }
                for update in history
            ],
            "since": since,
            "until": until,
            "errors": errors,
            "can_declare": can_declare and not campaign.workflow_in_progress,
            "awaiting": campaign.workflow_in_progress,
            "is_experiment": experiments.is_experiment(campaign),
        },
    )


def _pct(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f} %"


def _pp(value: float | None) -> str:
    """A difference of rates in percentage points, signed."""
    return "—" if value is None else f"{value * 100:+.2f} pp"


def _p(value: float | None) -> str:
    if value is None:
        return "—"
    return "< 0.0001" if value < 0.0001 else f"{value:.4f}"


def arm_rows(result: experiments.Readout) -> list[dict[str, Any]]:
    """The arms as the page shows them: formatted figures and the interval bar's geometry."""
    top = max((a.interval[1] for a in result.arms if a.interval), default=0.0) or 1.0
    rows = []
    for arm in result.arms:
        bar = None
        if arm.interval and arm.rate is not None:
            bar = {
                "left": round(arm.interval[0] / top * 100, 2),
                "width": max(round((arm.interval[1] - arm.interval[0]) / top * 100, 2), 0.5),
                "mark": round(arm.rate / top * 100, 2),
            }
        sequential = None
        if arm.sequential_interval:
            low, high = arm.sequential_interval
            sequential = f"{_p(arm.sequential_p)} [{_pp(low)}, {_pp(high)}]"
        rows.append(
            {
                "arm": arm,
                "share": _pct(arm.intended_share, 1),
                "rate": _pct(arm.rate),
                "interval": (
                    f"{_pct(arm.interval[0])} – {_pct(arm.interval[1])}" if arm.interval else "—"
                ),
                "bar": bar,
                "difference": _pp(arm.difference),
                "relative": _pct(arm.relative, 1) if arm.relative is not None else "—",
                "p_value": _p(arm.p_value),
                "chance": _pct(arm.chance_to_beat, 1),
                "loss": _pp(arm.expected_loss) if arm.expected_loss is not None else "—",
                "sequential": sequential or "—",
                "best": _pct(arm.chance_to_be_best, 1),
                "declarable": arm.key != experiments.HOLDOUT and not arm.winner,
            }
        )
    return rows


#: Relative lifts the page sizes an experiment for when the campaign has no plan yet.
GUIDANCE_LIFTS = (0.1, 0.2, 0.5)


def sample_size_guidance(result: experiments.Readout, campaign: Campaign) -> list[dict[str, Any]]:
    """Without a plan: visitors per arm for a few lifts over the control's observed rate."""
    if result.required_per_arm:
        return []
    control = next((a for a in result.arms if a.control), None)
    if control is None or not control.rate or control.rate >= 0.5:
        return []
    rows = []
    for lift in GUIDANCE_LIFTS:
        try:
            needed = stats.sample_size_per_arm(
                control.rate,
                lift,
                float(campaign.experiment_alpha),
                float(campaign.experiment_power),
            )
        except ValueError:
            continue
        rows.append({"lift": _pct(lift, 0), "needed": needed})
    return rows


def _defaults_visible(campaign: Campaign) -> bool:
    return all(
        p.default_headline or p.default_body or p.default_link_label
        for p in campaign.placements.all()
    )


@require_POST
def declare_winner(request: HttpRequest, pk: Any) -> HttpResponse:
    """Propose a creative as the winner; compliance approves it in the campaign's workflow."""
    _require(request, VIEW_PERMISSION, CHANGE_PERMISSION)
    campaign = _campaign(pk)
    url = reverse("measurement_experiment", args=[campaign.pk])
    raw = request.POST.get("creative", "")
    try:
        creative_id = int(raw)
        if not 0 < creative_id < 2**63:
            raise ValueError
    except (TypeError, ValueError):
        messages.error(request, _("creative: choose one of the campaign's creatives."))
        return HttpResponseRedirect(url)
    try:
        state = experiments.declare_winner(campaign, creative_id, request.user)
    except experiments.WinnerError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(url)
    if state is None:
        messages.warning(
            request,
            _("The winner is saved as a draft of the campaign; no approval workflow applies."),
        )
    else:
        messages.success(
            request,
            _(
                "The winner was sent to compliance with the campaign. It shows on the site "
                "once approved."
            ),
        )
    return HttpResponseRedirect(url)


urlpatterns = [
    path("", index, name="measurement_experiments"),
    path("<str:pk>/", detail, name="measurement_experiment"),
    path("<str:pk>/winner/", declare_winner, name="measurement_declare_winner"),
]
