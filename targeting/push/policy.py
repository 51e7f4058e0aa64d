"""The contact policy: may this customer be contacted on this channel now, later, or not at all?

Checked for every send, in this order: marketing consent, the customer's opt-out of the channel, an address for the channel, caps (per customer per day and
week across channels, and per channel per day), then quiet hours (deferred to their end where the
offer allows, else dropped). The global control group is applied after arbitration (its
members' would-be sends are logged as suppressed, for lift). Staff channels (a relationship manager's lead, the queue screen at the
branch the customer is standing in) need consent but no address, opt-out or quiet hours.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from targeting.push.arbitration import ChannelVerdict
from targeting.push.models import (
    EMAIL,
    OPT_OUT_CHANNELS,
    QUEUE_SCREEN,
    RM_LEAD,
    SMS,
    WECHAT,
    ContactPreference,
    PushMessage,
    PushSettings,
)

STAFF_CHANNELS = (RM_LEAD, QUEUE_SCREEN)
#: Statuses that count against the caps (a suppressed or dead message reached nobody).
COUNTED = (PushMessage.PENDING, PushMessage.SENT, PushMessage.DELIVERED, PushMessage.FAILED)


@dataclass(frozen=True)
class Policy:
    daily_cap: int = 2
    weekly_cap: int = 5
    channel_daily_cap: int = 1
    quiet_start: int = 21
    quiet_end: int = 8
    control_percent: int = 5
    #: The marketer's expected rate counts as this many sends (the Beta prior's pseudo-count).
    prior_weight: int = 200

    @classmethod
    def load(cls) -> Policy:
        row = PushSettings.load()
        return cls(
            daily_cap=row.daily_cap,
            weekly_cap=row.weekly_cap,
            channel_daily_cap=row.channel_daily_cap,
            quiet_start=row.quiet_start,
            quiet_end=row.quiet_end,
            control_percent=row.control_percent,
            prior_weight=row.min_measured_sends,
        )


def in_control_group(user_id: int, percent: int) -> bool:
    """A stable 0-99 bucket from the user id (salted with the secret key, not guessable)."""
    salt = getattr(settings, "PUSH_CONTROL_SALT", settings.SECRET_KEY[:16])
    digest = hashlib.blake2b(f"{salt}|push-control|{user_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % 100 < percent


def in_quiet_hours(moment: datetime, policy: Policy) -> bool:
    hour = moment.astimezone(ZoneInfo(settings.TIME_ZONE)).hour
    start, end = policy.quiet_start, policy.quiet_end
    if start == end:
        return False
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def quiet_hours_end(moment: datetime, policy: Policy) -> datetime:
    """The first moment after ``moment`` outside quiet hours (site time)."""
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    end = local.replace(hour=policy.quiet_end, minute=0, second=0, microsecond=0)
    if end <= local:
        end += timedelta(days=1)
    return end


def consent_snapshot(
    pref: ContactPreference | None, user_id: int, policy: Policy
) -> dict[str, Any]:
    """The consent in force, stored with every send (compliance)."""
    return {
        "marketing_consent": bool(pref and pref.marketing_consent),
        "consent_changed_at": pref.consent_changed_at.isoformat()
        if pref and pref.consent_changed_at
        else None,
        "opted_out": list(pref.opted_out or []) if pref else [],
        "control_group": in_control_group(user_id, policy.control_percent),
    }


class ContactPolicy:
    """The policy for one customer at one moment; counts are read once and reused per offer."""

    def __init__(
        self,
        user_id: int,
        pref: ContactPreference | None,
        policy: Policy,
        now: datetime | None = None,
        branch: str = "",
    ) -> None:
        self.user_id = user_id
        self.pref = pref
        self.policy = policy
        self.now = now or timezone.now()
        self.branch = branch
        self.consent = consent_snapshot(pref, user_id, policy)
        self._counts: tuple[int, int, dict[str, int]] | None = None

    def counts(self) -> tuple[int, int, dict[str, int]]:
        if self._counts is None:
            local = timezone.localtime(self.now)
            day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
            week_start = self.now - timedelta(days=7)
            rows = list(
                PushMessage.objects.filter(
                    user_id=self.user_id, status__in=COUNTED, created_at__gte=week_start
                )
                .exclude(channel__in=STAFF_CHANNELS)
                .values_list("channel", "created_at")
            )
            today: dict[str, int] = {}
            for channel, created in rows:
                if created >= day_start:
                    today[channel] = today.get(channel, 0) + 1
            self._counts = (sum(today.values()), len(rows), today)
        return self._counts

    def verdict(self, channel: str, defer_allowed: bool) -> ChannelVerdict:
        pref = self.pref
        if not self.consent["marketing_consent"]:
            return ChannelVerdict(channel, "block", "no marketing consent")
        # The control group is applied after arbitration (decisions.decide_for): its members'
        # would-be offers are logged, unsent, so the lift of pushes can be measured.
        if channel in STAFF_CHANNELS:
            if channel == QUEUE_SCREEN and not self.branch:
                return ChannelVerdict(channel, "block", "customer is not at a branch")
            return ChannelVerdict(channel, "send", "staff channel")
        if channel in OPT_OUT_CHANNELS and pref is not None and channel in (pref.opted_out or []):
            return ChannelVerdict(channel, "block", "opted out of this channel")
        if channel == SMS and not (pref and pref.phone):
            return ChannelVerdict(channel, "block", "no mobile number")
        if channel == WECHAT and not (pref and pref.wechat_openid):
            return ChannelVerdict(channel, "block", "no WeChat account linked")
        if channel == EMAIL and not self._email():
            return ChannelVerdict(channel, "block", "no e-mail address")
        today, week, by_channel = self.counts()
        policy = self.policy
        if today >= policy.daily_cap:
            return ChannelVerdict(channel, "block", f"daily cap {policy.daily_cap} reached")
        if week >= policy.weekly_cap:
            return ChannelVerdict(channel, "block", f"weekly cap {policy.weekly_cap} reached")
        if by_channel.get(channel, 0) >= policy.channel_daily_cap:
            return ChannelVerdict(
                channel, "block", f"channel cap {policy.channel_daily_cap} per day reached"
            )
        if in_quiet_hours(self.now, policy):
            if defer_allowed:
                end = quiet_hours_end(self.now, policy)
                return ChannelVerdict(channel, "defer", "quiet hours", end.isoformat())
            return ChannelVerdict(channel, "block", "quiet hours (the offer may not wait)")
        return ChannelVerdict(channel, "send", "within policy")

    def _email(self) -> str:
        from django.contrib.auth import get_user_model

        return (
            get_user_model().objects.filter(pk=self.user_id).values_list("email", flat=True).first()
            or ""
        )
