"""Pages of tracking (inside ``i18n_patterns``): consent, cookie settings, the customer's data."""

from django.urls import path

from targeting.tracking import views

app_name = "tracking"
urlpatterns = [
    path("privacy/consent/", views.consent, name="consent"),
    path("privacy/cookies/", views.cookie_settings, name="cookie_settings"),
    path("account/profile/", views.customer_profile, name="customer_profile"),
    path("account/profile/download/", views.download_my_data, name="download_my_data"),
    path("account/profile/erase/", views.erase_my_data, name="erase_my_data"),
]
