from django.apps import AppConfig


class TargetingConfig(AppConfig):
    name = "targeting"
    verbose_name = "Targeting"
