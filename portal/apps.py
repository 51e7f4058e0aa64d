from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        # local: ready(): these modules use models, which exist only once the apps are loaded.
        from portal.navigation import connect_menu_invalidation

        connect_menu_invalidation()

        # local: ready(): models exist only once the app registry is loaded
        from portal import signin

        signin.connect()

        # local: ready(): models exist only once the app registry is loaded
        from portal import slugs

        slugs.connect()

        # local: ready(): page models exist only once the app registry is loaded
        from portal import page_forms

        page_forms.install()

        # local: ready(): patches model descriptors, which exist only once the apps are loaded
        from portal import display_names

        display_names.install()

        # local: ready(): wagtail-localize's views import its models, which need the registry
        from portal import localize_editor

        localize_editor.install()

        # local: ready(): wagtail-localize's views import its models, which need the registry
        from portal import localize_submit

        localize_submit.install()

        # local: ready(): Wagtail's chooser forms import its models, which need the registry
        from portal import chooser_labels

        chooser_labels.install()
