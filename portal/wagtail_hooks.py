"""Admin pages of the portal itself: two-step sign-in enrolment for staff."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal import signin_views
from portal.site_settings_views import SiteSettingsEditView


@hooks.register("register_admin_urls")
def register_site_settings_url():
    # Before wagtail.contrib.settings' own (portal comes first in INSTALLED_APPS), at the same
    # address: Settings → Site settings in the language the editor chooses.
    return [
        path(
            "settings/portal/sitesettings/<int:pk>/",
            SiteSettingsEditView.as_view(),
            {"app_name": "portal", "model_name": "sitesettings"},
            name="portal_site_settings_edit",
        )
    ]


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
