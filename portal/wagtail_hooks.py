"""Admin pages of the portal itself: two-step sign-in enrolment for staff."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal import signin_views


@hooks.register("register_admin_urls")
def register_two_factor_url():
    return [path("two-factor/", signin_views.two_factor, name="portal_two_factor")]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    return {
        "url": reverse("portal_two_factor"),
        "label": _("Two-step sign-in"),
        "help_text": _("Use an authenticator app as well as your password."),
    }
