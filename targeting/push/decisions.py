"""From a fired trigger to a logged, queued message: the Django side of arbitration.

``decide_for`` builds the customer's engine context (the same providers pages use, plus the
``event.*`` attributes of the event at hand), the live offers as ``OfferCandidate``s, the contact
policy and the propensities, runs ``arbitration.arbitrate`` and writes one ``PushMessage`` with the
trigger, the explanation and the consent in force. The send itself is queued on commit.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.providers import DEFAULT_PROVIDERS
from targeting.engine.rules import RuleError, compile_rule
from targeting.measurement import queries as measurement
from targeting.profiles import load_behaviour, load_customer
from targeting.push import templating
from targeting.push.arbitration import (
    ChannelVerdict,
    OfferCandidate,
    Outcome,
    Propensity,
    arbitrate,
    beta_propensity,
)
from targeting.push.models import (
    EMAIL,
    QUEUE_SCREEN,
    SMS,
    ContactPreference,
    Offer,
    PushMessage,
    Trigger,
)
from targeting.push.policy import ContactPolicy, Policy
from targeting.snapshot import get_snapshot
from targeting.tracking.documents import customer_profile_key
from targeting.visitors import engine_config

logger = logging.getLogger("targeting.push")

UNSUBSCRIBE_SALT = "targeting.push.unsubscribe"
#: Event properties exposed to trigger conditions as ``event.<name>``.
EVENT_ATTRIBUTES = (
    "merchant_category_code",
    "amount",
    "currency",
    "terminal",
    "merchant",
    "branch",
    "service",
)
PROPENSITY_TTL = 300


@dataclass(frozen=True)
class Moment:
    """What a trigger fired on: the customer, the event (if any) and when."""

    user_id: int
    now: datetime
    event: Mapping[str, Any] | None = None
    event_ref: str = ""
    event_at: datetime | None = None

    @property
    def branch(self) -> str:
        if self.event and self.event.get("type") == "branch_queue_swipe":
            return str((self.event.get("properties") or {}).get("branch", ""))[:40]
        return ""


def event_overrides(event: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ``event.*`` attributes of an event (unknown values left out, never raising)."""
    if not event:
        return {}
    values: dict[str, Any] = {
        "event.type": event.get("type"),
        "event.channel": event.get("channel"),
    }
    properties = event.get("properties") or {}
    for name in EVENT_ATTRIBUTES:
        value = properties.get(name)
        if name == "amount":
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
        elif not isinstance(value, str):
            continue
        values[f"event.{name}"] = value
    return {k: v for k, v in values.items() if v is not None}


def customer_context(
    user: Any, moment: Moment, accounts: Mapping[int, Any] | None = None
) -> VisitorContext:
    """The engine's context for a customer who is not on the site (no request).

    ``user`` is a user or a user id: with an id the account is read only if a rule asks for the
    customer's attributes (a condition on ``event.*`` alone costs no query), from ``accounts``
    when a batch has already read it."""
    user_id = user if isinstance(user, int) else user.pk

    def load() -> Any:
        if not isinstance(user, int):
            account = user
        elif accounts is not None and user_id in accounts:
            account = accounts[user_id]
        else:
            account = customer(user_id)
        return load_customer(account, moment.now) if account is not None else None

    info = RequestInfo(
        now=moment.now,
        customer_id=str(user_id),
        timezone=settings.TIME_ZONE,
        behaviour_loader=lambda: load_behaviour(customer_profile_key(user_id)),
        customer_loader=load,
    )
    return VisitorContext(
        info,
        providers=DEFAULT_PROVIDERS,
        overrides=event_overrides(moment.event),
        config=engine_config(),
    )


def segment_lookup() -> Mapping[str, Any]:
    """Compiled live segments, so trigger and offer rules may refer to audiences."""
    try:
        return get_snapshot().engine.segments
    except Exception:  # targeting down: rules referring to segments simply do not match
        logger.exception("push: no targeting snapshot; segment references will not match")
        return {}


def compile_optional(rule: Any, lookup: Mapping[str, Any]) -> tuple[Any, str]:
    """A compiled rule (None for an empty one) and the error that kept it from compiling."""
    if not rule:
        return None, ""
    try:
        return compile_rule(rule, lookup), ""
    except (RuleError, RecursionError, TypeError, ValueError) as error:
        return None, f"invalid rule: {error}"


def candidate(offer: Offer, now: datetime, lookup: Mapping[str, Any]) -> OfferCandidate:
    audience, error = compile_optional(offer.audience_rule, lookup)
    return OfferCandidate(
        slug=offer.slug,
        name=offer.name,
        priority=offer.priority,
        value=float(offer.value),
        prior_propensity=offer.prior_propensity,
        risk_level=offer.risk_level or None,
        channels=tuple(offer.channels or ()),
        audience=audience,
        live=offer.live,
        expired=bool(offer.valid_until and offer.valid_until <= now),
        rule_error=error,
    )


#: The longest audience key: measurement's rollup cells keep 80 characters of a segment.
AUDIENCE_MAX = 80


def audience_of(slugs: Iterable[str]) -> str:
    """The audience key of a set of segment slugs: sorted, comma-joined, at most 80 characters
    (a longer list keeps its start and a hash of the whole, so two audiences never share a key)."""
    joined = ",".join(sorted(slugs))
    if len(joined) <= AUDIENCE_MAX:
        return joined
    digest = hashlib.blake2b(joined.encode(), digest_size=8).hexdigest()
    return f"{joined[: AUDIENCE_MAX - 17]}~{digest}"


def audience_key(ctx: VisitorContext) -> str:
    """The audience propensities are measured in: the customer's matched live segments."""
    try:
        engine = get_snapshot().engine
        return audience_of(s for s in engine.segments if engine.matches(s, ctx))
    except Exception:
        return ""


def measured_outcomes(offer_slug: str, audience: str) -> tuple[int, int]:
    """(sends, conversions) of an offer in an audience from measurement's rollups, cached."""
    key = f"push:prop:{offer_slug}:{hashlib.blake2b(audience.encode(), digest_size=8).hexdigest()}"
    cached = cache.get(key)
    if cached is None:
        try:
            cached = measurement.offer_outcomes(offer_slug, audience)
        except Exception:  # measurement unreadable: the prior alone (and not cached)
            logger.exception("push: could not read the measured outcomes of %s", offer_slug)
            return (0, 0)
        cache.set(key, cached, PROPENSITY_TTL)
    return (int(cached[0]), int(cached[1]))


def propensity_for(audience: str, policy: Policy) -> Any:
    """Each offer's propensity in ``audience``: measured outcomes smoothed by its prior."""

    def propensity(candidate: OfferCandidate) -> Propensity:
        sends, conversions = measured_outcomes(candidate.slug, audience)
        return beta_propensity(candidate.prior_propensity, policy.prior_weight, sends, conversions)

    return propensity


def unsubscribe_url(user_id: int, channel: str) -> str:
    token = signing.dumps({"u": user_id, "c": channel}, salt=UNSUBSCRIBE_SALT, compress=True)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "push:unsubscribe", kwargs={"token": token}
    )


def display_name(user: Any) -> str:
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()


def render(offer: Offer, channel: str, user: Any, moment: Moment, notice: bool) -> dict[str, str]:
    """Subject, text and HTML of the message in the site's language."""
    properties = (moment.event or {}).get("properties") or {}
    name = display_name(user)
    if channel == QUEUE_SCREEN:
        # A screen in the banking hall: never the full name.
        name = name[:1] + "*" * max(len(name) - 1, 1)
    context = {
        "name": name,
        "offer": offer.name,
        "link": offer.link_url,
        "unsubscribe": unsubscribe_url(user.pk, channel),
        "merchant": str(properties.get("merchant", ""))[:100],
        "amount": properties.get("amount", ""),
        "branch": moment.branch,
    }
    with translation.override(settings.LANGUAGE_CODE):
        risk = _("Investment involves risk; read the risk disclosure.") if notice else ""
        subject = templating.render_text(
            offer.email_subject if channel == EMAIL and offer.email_subject else offer.title,
            context,
        )
        text = templating.render_text(offer.body, context)
        html = ""
        if channel == SMS:
            text = templating.render_text(offer.sms_text or offer.body, context)
            text = " ".join(part for part in (text, risk, _("Reply TD to unsubscribe")) if part)
        elif channel == EMAIL:
            html = templating.render_html(offer.email_html, context)
            if risk:
                html += f"<p><strong>{templating.render_html(risk, {})}</strong></p>"
            html += '<p><a href="{}">{}</a></p>'.format(
                context["unsubscribe"], templating.render_html(_("Unsubscribe"), {})
            )
        elif risk:
            text = f"{text}\n{risk}"
    return {"subject": subject[:200], "text": text, "html": html}


def policy_for(
    contact: ContactPolicy, offer_by_slug: Mapping[str, Offer], channels: Iterable[str]
) -> Any:
    allowed = tuple(channels)

    def policy(candidate: OfferCandidate) -> list[ChannelVerdict]:
        offer = offer_by_slug[candidate.slug]
        usable = [c for c in candidate.channels if not allowed or c in allowed]
        return [contact.verdict(c, offer.defer_in_quiet_hours) for c in usable]

    return policy


def arbitrate_for(
    user: Any,
    offers: list[Offer],
    moment: Moment,
    *,
    channels: Iterable[str] = (),
    policy: Policy | None = None,
    ctx: VisitorContext | None = None,
    contact: ContactPolicy | None = None,
) -> tuple[Outcome, ContactPolicy, str]:
    """Run arbitration for one customer (also used by the simulate hook: nothing is written)."""
    policy = policy or Policy.load()
    ctx = ctx or customer_context(user, moment)
    if contact is None:
        pref = ContactPreference.objects.filter(user_id=user.pk).first()
        contact = ContactPolicy(user.pk, pref, policy, moment.now, moment.branch)
    lookup = segment_lookup()
    offer_by_slug = {o.slug: o for o in offers}
    audience = audience_key(ctx)
    tolerance = ctx.get("profile.risk_tolerance")
    outcome = arbitrate(
        [candidate(o, moment.now, lookup) for o in offers],
        ctx,
        tolerance=tolerance,
        policy=policy_for(contact, offer_by_slug, channels),
        propensity=propensity_for(audience, policy),
        preferred_channels=tuple(channels),
    )
    return outcome, contact, audience


def decide_for(
    user: Any,
    trigger: Trigger,
    moment: Moment,
    idempotency_key: str,
    *,
    policy: Policy | None = None,
    contact: ContactPolicy | None = None,
    ctx: VisitorContext | None = None,
    checked: bool = False,
    queue: bool = True,
) -> PushMessage | None:
    """Arbitrate for a fired trigger and log the result; queue the send when there is one.

    ``checked``: the caller has already looked the idempotency key up (a batch does it in one
    query); the unique constraint stays the final word either way. ``queue=False``: the caller
    sends the queued message itself (a batch, once its transaction has committed)."""
    if not checked and PushMessage.objects.filter(idempotency_key=idempotency_key).exists():
        return None  # this trigger already handled this moment (a retried task, a re-fold)
    # Unapproved offers are kept in so the explanation says why they were not sent. The trigger
    # index prefetched them (sorted here, so the prefetch is used).
    offers = sorted(trigger.offers.all(), key=lambda offer: offer.pk)
    outcome, contact, audience = arbitrate_for(
        user, offers, moment, policy=policy, contact=contact, ctx=ctx
    )
    record: dict[str, Any] = {**outcome.as_dict(), "audience": audience, "trigger": trigger.slug}
    offer = next((o for o in offers if outcome.offer and o.slug == outcome.offer.slug), None)
    verdict = outcome.channel
    status = PushMessage.SUPPRESSED
    rendered = {"subject": "", "text": "", "html": ""}
    not_before = None
    channel = ""
    if offer is not None and verdict is not None:
        channel = verdict.channel
        if contact.consent["control_group"]:
            record["suppressed"] = "global control group"
        else:
            rendered = render(offer, channel, user, moment, outcome.suitability_notice)
            if verdict.action == "defer":
                status = PushMessage.DEFERRED
                not_before = datetime.fromisoformat(verdict.not_before or moment.now.isoformat())
            else:
                status = PushMessage.PENDING
    try:
        with transaction.atomic():
            message = PushMessage.objects.create(
                idempotency_key=idempotency_key,
                user=user,
                channel=channel,
                offer=offer,
                trigger=trigger,
                status=status,
                branch=moment.branch,
                subject=rendered["subject"],
                text=rendered["text"],
                html=rendered["html"],
                event_ref=moment.event_ref,
                audience=audience,
                event_at=moment.event_at,
                arbitration=record,
                consent=contact.consent,
                not_before=not_before,
                created_at=moment.now if moment.now <= timezone.now() else timezone.now(),
            )
    except IntegrityError:
        return None  # another worker logged the same moment first
    if status == PushMessage.PENDING:
        contact._counts = None  # the next offer for this customer sees this one in the caps
        if queue:
            queue_send(message.pk)
    return message


def queue_send(message_id: int) -> None:
    # local: a circle: tasks imports triggers, which imports this module
    from targeting.push import tasks

    transaction.on_commit(lambda: tasks.send_message.delay(message_id))


def customer(user_id: int) -> Any | None:
    return (
        get_user_model()
        .objects.select_related("contact_preference")
        .filter(pk=user_id, is_active=True)
        .first()
    )
