from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasurementConfig(AppConfig):
    """Measurement as its own app (label ``measurement``): rollups, reports, experiments.

    Wagtail finds ``targeting.measurement.wagtail_hooks`` and Celery
    ``targeting.measurement.tasks`` through this app.
    """

    name = "targeting.measurement"
    label = "measurement"
    verbose_name = _("Measurement")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # local: ready(): models exist only once the app registry is loaded
        from targeting.measurement import personal_data, receivers

        receivers.connect()
        personal_data.register()  # the visitor marks in download and erasure (docs/privacy.md)
