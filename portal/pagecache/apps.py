from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PageCacheConfig(AppConfig):
    """Whole pages for anonymous visitors, cached by page, revision, language and audience."""

    name = "portal.pagecache"
    label = "pagecache"
    verbose_name = _("Page cache")

    def ready(self) -> None:
        # local: AppConfig.ready(), the models the receivers name exist only once apps are loaded
        from portal.pagecache import invalidation

        invalidation.connect()
