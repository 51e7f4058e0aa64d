from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        # Local imports: these modules use models, which exist only once the apps are loaded.
        from portal.navigation import connect_menu_invalidation

        connect_menu_invalidation()

        from portal import signin

        signin.connect()

        from portal import slugs

        slugs.connect()
