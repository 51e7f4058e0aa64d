"""Admin actions of push marketing: re-queue a dead letter; a lead's outcome as an event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.log_actions import log

from targeting.push import outcomes
from targeting.push.models import Lead, PushMessage
from targeting.push.tasks import retry_dead

REQUEUE_PERMISSION = "push.requeue_pushmessage"
#: The audit entry of a re-queue (Wagtail's log: the message's history and Reports → Site history).
REQUEUE_ACTION = "push.requeue"


@require_POST
def requeue(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a dead letter again (after the channel was fixed); needs push.requeue_pushmessage.

    A POST with the CSRF token (the button on the message's page); audit-logged with who did it,
    the attempts so far and the last error."""
    if not request.user.has_perm(REQUEUE_PERMISSION):
        raise PermissionDenied
    message = get_object_or_404(PushMessage, pk=pk)
    if message.status != PushMessage.DEAD:
        messages.error(request, _("Only dead letters can be re-queued."))
    else:
        log(
            instance=message,
            action=REQUEUE_ACTION,
            user=request.user,
            data={"attempts": message.attempts, "last_error": message.last_error[:500]},
        )
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
