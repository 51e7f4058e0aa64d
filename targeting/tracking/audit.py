"""The audit trail of personal-data requests: a ``PersonalDataRequest`` row and an entry in
Wagtail's site history (Reports → Site history), both naming the account by id only."""

from __future__ import annotations

from typing import Any

from wagtail.log_actions import log

from targeting.tracking.models import PersonalDataRequest

ACTIONS = {
    PersonalDataRequest.Kind.EXPORT: "tracking.personal_data.export",
    PersonalDataRequest.Kind.ERASE: "tracking.personal_data.erase",
}


def record_request(
    customer: Any,
    kind: str,
    *,
    staff: Any = None,
    reference: str = "",
    parts: list[str] | None = None,
) -> PersonalDataRequest:
    """Log that ``customer``'s data was downloaded or erased, by ``staff`` or by themselves."""
    channel = (
        PersonalDataRequest.Channel.CUSTOMER_SERVICE
        if staff is not None
        else PersonalDataRequest.Channel.SELF_SERVICE
    )
    entry = PersonalDataRequest.objects.create(
        kind=kind,
        channel=channel,
        customer=customer,
        staff=staff,
        reference=reference,
        parts=parts or [],
    )
    log(
        instance=entry,
        action=ACTIONS[PersonalDataRequest.Kind(kind)],
        user=staff,
        data={"customer": customer.pk, "channel": channel, "reference": reference},
    )
    return entry
