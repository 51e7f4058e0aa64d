"""Production: every secret and host from the environment; refuses to start without them."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    CONTENT_SECURITY_POLICY,
    CSP_AREA_POLICIES,
    INSTALLED_APPS,
    SECRET_KEY,
    SPECTACULAR_SETTINGS,
    env,
)

DEBUG = False

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the environment for production.")

# HTTPS everywhere, behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
# security: any http:// reference a page still holds is fetched over HTTPS, in every area.
CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"], "upgrade-insecure-requests": True},
}
CSP_AREA_POLICIES = {
    prefix: None if directives is None else {**directives, "upgrade-insecure-requests": True}
    for prefix, directives in CSP_AREA_POLICIES.items()
}
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="no-reply@localhost")

# The API schema documents /api/ only; Wagtail's internal admin API made `check --deploy` warn.
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "PREPROCESSING_HOOKS": ["portal.api_schema.only_public_api"],
}

# auth: a bank's defaults in production (docs/operations.md, "Sign-in and lockouts"): every
# staff member signs in with an authenticator code, and customers confirm their e-mail address
# before the portal relies on it (allauth "mandatory"). Both can be relaxed from the environment.
STAFF_OTP_REQUIRED = env.bool("STAFF_OTP_REQUIRED", default=True)
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")

# pagecache: a CDN in front of the site (docs/operations.md, "Page cache and CDN"). Wagtail's
# frontend cache purges a page's URLs from it when the page is published or unpublished.
# FRONTEND_CACHE=http with FRONTEND_CACHE_LOCATION (Varnish, Squid, nginx purge), cloudflare with
# FRONTEND_CACHE_BEARER_TOKEN and FRONTEND_CACHE_ZONEID, cloudfront with
# FRONTEND_CACHE_DISTRIBUTION_ID (AWS credentials from the usual boto3 environment).
FRONTEND_CACHE = env("FRONTEND_CACHE", default="")
_FRONTEND_CACHE_BACKENDS = {
    "http": ("wagtail.contrib.frontend_cache.backends.HTTPBackend", ["LOCATION"]),
    "cloudflare": (
        "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        ["BEARER_TOKEN", "ZONEID"],
    ),
    "cloudfront": (
        "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        ["DISTRIBUTION_ID"],
    ),
}
if FRONTEND_CACHE:
    if FRONTEND_CACHE not in _FRONTEND_CACHE_BACKENDS:
        raise ImproperlyConfigured(
            f"FRONTEND_CACHE: expected one of {', '.join(_FRONTEND_CACHE_BACKENDS)}"
        )
    _backend, _options = _FRONTEND_CACHE_BACKENDS[FRONTEND_CACHE]
    INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.contrib.frontend_cache"]
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": _backend,
            **{name: env(f"FRONTEND_CACHE_{name}") for name in _options},
        }
    }
