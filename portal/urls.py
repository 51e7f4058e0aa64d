from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from portal import account_views, signin_views
from portal import views as portal_views
from portal.sitemaps import PortalSitemap

urlpatterns = [
    # auth: staff sign in at the Wagtail login (lockout and two-step sign-in in one place).
    path("django-admin/login/", signin_views.django_admin_login),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # i18n: every language's pages, with their translations as hreflang alternates
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PortalSitemap}}, name="sitemap"),
    path("robots.txt", portal_views.robots_txt, name="robots_txt"),
    path("healthz", portal_views.healthz, name="healthz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # security: API docs without inline scripts or third-party fonts (Content-Security-Policy).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="portal/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="api-schema", template_name="portal/redoc.html"),
        name="api-redoc",
    ),
    path("api/v1/", include("targeting.tracking.api_urls")),  # tracking: events, visitors
    path("api/v1/", include("targeting.measurement.api_urls")),  # measurement: reports
    path("api/v1/", include("targeting.push.api_urls")),  # push: SMS replies, queue screens
    path("api/v1/", include("community.listening.api_urls")),  # listening: outside posts
    path("api/v1/", include("targeting.api.urls")),
    # i18n: no /i18n/setlang/: the language switcher is plain links (docs/i18n.md)
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Pages and site features, with the language prefix for English (/en/...) and none for Chinese.
urlpatterns += i18n_patterns(
    path("search/", portal_views.search, name="search"),
    path("products/", include("products.urls")),
    path("community/", include("community.urls")),
    # Following a complaint by its number, at the address of the complaints entry page
    # (/complaints/) where customers look for it; the form lives with the complaints.
    path(
        "complaints/lookup/",
        RedirectView.as_view(pattern_name="community:complaint_lookup", query_string=True),
        name="complaint_lookup_alias",
    ),
    path("accounts/", include("allauth.urls")),
    path("account/", account_views.account_home, name="account_home"),
    path("account/applications/", account_views.my_applications, name="my_applications"),
    path("", include("targeting.push.urls")),  # push: message centre, unsubscribe
    path("", include("targeting.tracking.urls")),  # tracking: consent, cookies, my data
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
