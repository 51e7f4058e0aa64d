from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        # local: ready(): models exist only once the app registry is loaded
        from community import personal_data

        personal_data.register()  # the community's part of download and erasure
