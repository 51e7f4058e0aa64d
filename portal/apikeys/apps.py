from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiKeysConfig(AppConfig):
    """API keys of systems: their expiry beside Wagtail's APIToken (label as when it was targeting's)."""

    name = "portal.apikeys"
    label = "targeting_api"
    verbose_name = _("API access")
    default_auto_field = "django.db.models.BigAutoField"
