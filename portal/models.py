"""Site-wide pages and settings."""

from wagtail.models import Page


class HomePage(Page):
    """The portal's home page."""

    max_count = 1
    template = "portal/home_page.html"
