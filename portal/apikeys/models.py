"""When API keys end. The keys themselves are Wagtail's ``APIToken`` (hashed, revocable).

Wagtail stores only an HMAC-SHA-256 digest of each key, shows the key once, records when it was
last used and revokes it; it has no expiry. A key ends ``API_TOKEN_LIFETIME_DAYS`` after it was
created unless a row here says otherwise (a key issued for another term, or the old key of a
rotation, kept working for a grace period).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TokenExpiry(models.Model):
    """The end of one key's term, where it differs from the default lifetime."""

    token = models.OneToOneField(
        "wagtailcore.APIToken",
        on_delete=models.CASCADE,
        related_name="expiry",
        verbose_name=_("API token"),
    )
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("API token expiry")
        verbose_name_plural = _("API token expiries")

    def __str__(self) -> str:
        return f"{self.token} → {self.expires_at:%Y-%m-%d %H:%M}"
