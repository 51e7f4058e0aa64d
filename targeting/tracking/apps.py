from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    """Behaviour tracking as its own app (label ``tracking``).

    Its models keep the tables they had while they belonged to targeting (``targeting_*``);
    Wagtail finds ``targeting.tracking.wagtail_hooks`` and Celery ``targeting.tracking.tasks``
    through this app, and the sign-in and sign-out receivers are connected here.
    """

    name = "targeting.tracking"
    label = "tracking"
    verbose_name = _("Tracking")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # local: ready(): models exist only once the app registry is loaded
        from targeting.tracking import customers, receivers

        receivers.connect()
        customers.register_parts()  # tracking's own parts of the personal-data registry
