"""Admin actions of push marketing: re-queue a dead letter; a lead's outcome as an event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from targeting.push import outcomes
from targeting.push.models import Lead, PushMessage
from targeting.push.tasks import retry_dead


@require_POST
def requeue(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a dead letter again (after the channel was fixed); needs push.requeue_pushmessage."""
    if not request.user.has_perm("push.requeue_pushmessage"):
        raise PermissionDenied
    message = get_object_or_404(PushMessage, pk=pk)
    if message.status != PushMessage.DEAD:
        messages.error(request, _("Only dead letters can be re-queued."))
    else:
        retry_dead.delay([message.pk])
        messages.success(request, _("The message was queued again."))
    return redirect("wagtailsnippets_push_pushmessage:inspect", message.pk)


def lead_outcome(lead: Lead) -> None:
    """A lead won is the offer's conversion; a lead declined is the customer's decline."""
    outcome: Any = {Lead.WON: "conversion", Lead.LOST: "decline"}.get(lead.status)
    if outcome is None:
        return
    message = PushMessage.objects.select_related("offer", "trigger").get(pk=lead.message_id)
    if message.response == outcome:
        return
    outcomes.mark(message, outcome)
