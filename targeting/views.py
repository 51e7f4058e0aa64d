"""Admin views of targeting: preview as a visitor, audience estimate. They only coordinate."""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from targeting.audiences import estimate, freeze_members
from targeting.engine.rules import RuleError
from targeting.forms import PreviewForm
from targeting.models import Campaign, Placement, Segment
from targeting.rule_messages import rule_error_text
from targeting.simulation import (
    VISITOR_PROFILE_PERMISSION,
    SimulationError,
    SimulationForbidden,
    named_reasons,
    preview_snapshot,
    simulate,
)

PREVIEW_PERMISSION = "targeting.view_segment"
#: Previewing a campaign that is not live (awaiting approval, a draft): marketers and reviewers.
CAMPAIGN_PREVIEW_PERMISSION = "targeting.change_campaign"
CAMPAIGN_ID = re.compile(r"[0-9]{1,10}")
MAX_ID = 2**31 - 1


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def preview_as_visitor(request: HttpRequest) -> HttpResponse:
    """What the site would show a described visitor, and why."""
    _require(request, PREVIEW_PERMISSION)

    included = None
    if "campaign" in request.GET:
        # A campaign not live yet, decided as if approved (in a throwaway snapshot).
        _require(request, CAMPAIGN_PREVIEW_PERMISSION)
        raw = request.GET["campaign"]
        if not CAMPAIGN_ID.fullmatch(raw) or int(raw) > MAX_ID:
            return HttpResponseBadRequest(_("campaign: expected a campaign id"))
        included = Campaign.objects.filter(pk=int(raw)).first()
        if included is None:
            raise Http404(_("campaign: no such campaign"))
    form = PreviewForm(request.GET if "run" in request.GET else None)
    result: dict[str, Any] | None = None
    if form.is_bound and form.is_valid():
        request_spec, attributes = form.to_simulation()
        try:
            result = simulate(
                request_spec,
                attributes,
                None,
                may_read_profiles=request.user.has_perm(VISITOR_PROFILE_PERMISSION),
                snapshot=preview_snapshot(included) if included is not None else None,
            )
        except (SimulationError, SimulationForbidden) as exc:
            # A stored visitor's behaviour is personal data: the visitors API's permission.
            form.add_error("visitor" if exc.field == "request.visitor" else None, str(exc))
        else:
            # A marketer knows a slot by its name (首页头图), not only by its slug (home-hero).
            names = dict(Placement.objects.in_default_locale().values_list("slug", "name"))
            # ...and a campaign by its name (年末理财推广), the slug in small text beside it.
            campaign_names = dict(Campaign.objects.values_list("slug", "name"))
            if included is not None:
                campaign_names[included.slug] = _("%(name)s (not live)") % {"name": included.name}
            for slug, decision in result["decisions"].items():
                decision["why"] = named_reasons(result, slug, campaign_names)
                decision["placement_name"] = names.get(slug, "")
            result["explain_segments_text"] = json.dumps(
                result["explain"]["segments"], ensure_ascii=False, indent=2, default=str
            )
    # Chinese text joins a name and its reason with a full-width colon.
    separator = "：" if (get_language() or "").startswith("zh") else ": "
    return render(
        request,
        "targeting/admin/preview.html",
        {
            "form": form,
            "result": result,
            "reason_separator": separator,
            "included": included,
            "included_pending": included is not None and included.workflow_in_progress,
        },
    )


@require_POST
def audience_estimate(request: HttpRequest) -> JsonResponse:
    """How many known profiles a rule matches (the rule editor's "Estimate audience" button)."""
    _require(request, PREVIEW_PERMISSION)

    raw = request.POST.get("rule", "")
    try:
        rule = json.loads(raw or "{}")
    except ValueError:
        return JsonResponse({"error": _("rule: not valid JSON")}, status=400)
    try:
        answer = estimate(rule)
    except RuleError as exc:
        return JsonResponse({"error": rule_error_text(exc)}, status=400)
    return JsonResponse(answer)


@require_POST
def refresh_static_members(request: HttpRequest, pk: int) -> HttpResponse:
    """Freeze a static audience's members anew from the stored profiles (by hand, in the admin)."""
    _require(request, "targeting.change_segment")
    segment = get_object_or_404(Segment, pk=pk)
    if not segment.is_static:
        messages.error(request, _("Only a static audience has members to refresh."))
    else:
        try:
            count = freeze_members(segment)
        except RuleError as exc:
            messages.error(request, rule_error_text(exc))
        else:
            messages.success(
                request,
                _("%(name)s now has %(count)d members.") % {"name": segment.name, "count": count},
            )
    return redirect("wagtailsnippets_targeting_segment:edit", pk)
