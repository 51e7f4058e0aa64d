"""API keys for systems: Wagtail's ``APIToken`` with an expiry, rotation and DRF authentication.

Wagtail stores only an HMAC-SHA-256 digest of a key (keyed by ``SECRET_KEY``, with
``SECRET_KEY_FALLBACKS`` honoured), shows the key once (``manage.py create_api_token``, or
Settings → API tokens in the admin), records when it was last used and revokes it. This module
adds what a bank needs besides: keys end after ``API_TOKEN_LIFETIME_DAYS``; rotation issues a new
key and ends the old ones after a grace period; and DRF's ``Authorization: Token <key>`` scheme
checks all of that. ``last_used_at`` is written at most once a minute per key.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

#: Longest key considered at all (Wagtail's keys are 43 characters).
MAX_KEY_LENGTH = 64
#: ``last_used_at`` is written only when older than this.
LAST_USED_RESOLUTION = timedelta(seconds=60)


@dataclass(frozen=True)
class IssuedToken:
    """A newly issued token and its key: the only time the key exists in clear."""

    token: Any
    key: str
    expires_at: datetime


def default_lifetime() -> timedelta:
    return timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)


def expires_at(token: Any) -> datetime:
    """When ``token`` stops working (its own term, else created + the default lifetime)."""
    try:
        return token.expiry.expires_at
    except type(token).expiry.RelatedObjectDoesNotExist:
        return token.created + default_lifetime()


def issue(user: Any, *, name: str, days: int | None = None) -> IssuedToken:
    """A new key for ``user``, ending in ``days`` (default ``API_TOKEN_LIFETIME_DAYS``)."""
    from wagtail.log_actions import log
    from wagtail.models import APIToken

    # local: the DRF authentication class is loaded from settings, maybe before the app registry is ready
    from portal.apikeys.models import TokenExpiry

    with transaction.atomic():
        token, key = APIToken.create_token(user=user, name=name)
        lifetime = default_lifetime() if days is None else timedelta(days=days)
        expiry = TokenExpiry.objects.create(token=token, expires_at=token.created + lifetime)
        log(token, "wagtail.apitoken.create", data={"source": "create_api_token"})
    return IssuedToken(token=token, key=key, expires_at=expiry.expires_at)


def rotate(
    user: Any, *, name: str, grace: timedelta | None = None, days: int | None = None
) -> tuple[IssuedToken, int]:
    """Issue a new key for ``user``; their other keys end after ``grace`` (default: at once).

    During the grace period old and new keys both work, so a system switches without a gap.
    Answers the new key and how many old keys were ended.
    """
    from wagtail.models import APIToken

    # local: the DRF authentication class is loaded from settings, maybe before the app registry is ready
    from portal.apikeys.models import TokenExpiry

    now = timezone.now()
    with transaction.atomic():
        old = list(APIToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
        for token in old:
            if grace:
                end = min(expires_at(token), now + grace)
                TokenExpiry.objects.update_or_create(token=token, defaults={"expires_at": end})
            else:
                token.revoke()
        issued = issue(user, name=name, days=days)
    return issued, len(old)


def find(key: str, now: datetime | None = None) -> Any | None:
    """The usable token whose key is ``key``; None if unknown, revoked, expired or inactive.

    The row is found by the HMAC digest of the key (an attacker cannot steer the digest without
    the secret key, so the index lookup leaks nothing) and the digest is compared again in
    constant time. Marks the key used at most once a minute.
    """
    from wagtail.models import APIToken

    if not key or len(key) > MAX_KEY_LENGTH:
        return None
    now = now or timezone.now()
    digests = APIToken.candidate_key_hashes(key)
    found = None
    for token in APIToken.objects.select_related("user", "expiry").filter(
        key_hash__in=digests, revoked_at__isnull=True
    ):
        if any(hmac.compare_digest(token.key_hash, digest) for digest in digests):
            found = token
    if found is None or not found.user.is_active or expires_at(found) <= now:
        return None
    if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
        # Conditional: concurrent requests within the minute write once between them.
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
        APIToken.objects.filter(stale, pk=found.pk).update(last_used_at=now)
        found.last_used_at = now
    return found


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's ``Authorization: Token <key>`` scheme against Wagtail's hashed, expiring keys."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        token = find(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return (token.user, token)
