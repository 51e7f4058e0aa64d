"""Push's part of a customer's personal data: messages sent, leads, trigger states, contact
preferences (channel addresses and marketing consent).

Registered with tracking's registry (``targeting.tracking.personal_data``) from
``PushConfig.ready``. Erasure deletes the leads, trigger states and contact preferences, and
keeps each message as an anonymous send record (channel, offer, trigger, status, times, response,
conversion) so campaign results and contact-policy counts stay true; its text, the triggering
event, the arbitration and consent snapshots and the link to the customer go (docs/privacy.md).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from targeting.push.models import ContactPreference, Lead, PushMessage, TriggerState
from targeting.tracking import personal_data


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_push(subject: personal_data.Subject) -> dict[str, Any]:
    user_id = subject.user_id
    preference = ContactPreference.objects.filter(user_id=user_id).first()
    return {
        "contact_preferences": {
            "marketing_consent": preference.marketing_consent,
            "consent_changed_at": _iso(preference.consent_changed_at),
            "opted_out": list(preference.opted_out or []),
            "mobile_phone": preference.phone,
            "wechat_openid": preference.wechat_openid,
        }
        if preference
        else None,
        "messages": [
            {
                "channel": m.channel,
                "offer": str(m.offer) if m.offer_id else None,
                "status": m.status,
                "subject": m.subject,
                "text": m.text,
                "created_at": _iso(m.created_at),
                "sent_at": _iso(m.sent_at),
                "read_at": _iso(m.read_at),
                "response": m.response,
            }
            for m in PushMessage.objects.filter(user_id=user_id)
            .select_related("offer")
            .order_by("created_at", "id")
        ],
        "leads": [
            {
                "offer": str(lead.offer),
                "branch": lead.branch,
                "status": lead.status,
                "created_at": _iso(lead.created_at),
            }
            for lead in Lead.objects.filter(customer_id=user_id).select_related("offer")
        ],
    }


def erase_push(subject: personal_data.Subject) -> None:
    user_id = subject.user_id
    Lead.objects.filter(customer_id=user_id).delete()
    TriggerState.objects.filter(user_id=user_id).delete()
    ContactPreference.objects.filter(user_id=user_id).delete()
    for pk in PushMessage.objects.filter(user_id=user_id).values_list("pk", flat=True):
        # The idempotency key names the customer: it becomes the row's own id.
        PushMessage.objects.filter(pk=pk).update(
            user=None,
            idempotency_key=f"erased-{pk}",
            subject="",
            text="",
            html="",
            event_ref="",
            arbitration={},
            consent={},
            last_error="",
        )


def register() -> None:
    personal_data.register(
        "push",
        label=_("Offers we sent you, your marketing consent and contact channels"),
        export=export_push,
        erase=erase_push,
        order=100,
    )
