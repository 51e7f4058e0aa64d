from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListeningConfig(AppConfig):
    """Social listening as its own app (label ``listening``): docs/listening.md.

    Posts from the portal's community and complaints and from imported outside sources go
    through one pipeline (normalise, mask, de-duplicate, filter noise, segment, classify,
    route); analysts and the teams that answer work in the Wagtail admin.
    """

    name = "community.listening"
    label = "listening"
    verbose_name = _("Social listening")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # local: ready(): models exist only once the app registry is loaded
        from community.listening import personal_data, receivers

        receivers.connect()
        personal_data.register()
