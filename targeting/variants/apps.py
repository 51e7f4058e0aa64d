from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VariantsConfig(AppConfig):
    """Page variants: whole pages served to an audience instead of the canonical page."""

    name = "targeting.variants"
    label = "variants"
    verbose_name = _("Page variants")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # local: AppConfig.ready(), the models the receivers name exist only once apps are loaded
        from targeting.variants import signals

        signals.connect()
