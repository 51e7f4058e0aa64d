from django.apps import AppConfig


class TargetingConfig(AppConfig):
    name = "targeting"
    verbose_name = "Targeting"

    def ready(self) -> None:
        from targeting import personal_data, signals

        signals.connect()
        personal_data.register()  # the CRM memberships' part of download and erasure
