from django.apps import AppConfig


class TargetingConfig(AppConfig):
    name = "targeting"
    verbose_name = "Targeting"

    def ready(self) -> None:
        # local: ready(), not the top: they import the models, which exist only once the
        # app registry is ready (Django's place for connecting signals).
        from targeting import personal_data, signals

        signals.connect()
        personal_data.register()  # the CRM memberships' part of download and erasure
