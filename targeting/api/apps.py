from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetingApiConfig(AppConfig):
    """The /api/v1/ API's own models: API tokens (hashed, expiring, rotatable)."""

    name = "targeting.api"
    label = "targeting_api"
    verbose_name = _("API access")
    default_auto_field = "django.db.models.BigAutoField"
