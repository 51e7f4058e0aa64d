from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from portal.navigation import connect_menu_invalidation

        connect_menu_invalidation()

        from portal import signin

        signin.connect()
