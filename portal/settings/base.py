"""Settings shared by every environment, read from environment variables.

dev.py, test.py and production.py import this and change only what differs. Every value a
deployment may need to change comes from the environment (see README "Configuration").
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "portal"

env = environ.Env()
# A local .env file is read when present (never committed); real environments set variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal",
    "products",
    "targeting",
    "targeting.tracking",  # its own app (label "tracking"): docs/tracking.md
    "targeting.measurement",  # its own app (label "measurement"): docs/measurement.md
    "targeting.push",  # its own app (label "push"): triggers, offers, channels; docs/push.md
    "targeting.variants",  # its own app (label "variants"): page variants, docs/targeting.md
    "community",
    "community.listening",  # its own app (label "listening"): social listening, docs/listening.md
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",  # portal: the table block of page bodies (its editor assets)
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    # i18n: content translation in the admin (docs/i18n.md); its locales app replaces wagtail.locales
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    # api: Wagtail's hashed API tokens (Settings → API tokens; the v3 API's URLs are not mounted)
    # and their expiry (portal.apikeys), replacing rest_framework.authtoken's keys kept in clear.
    "wagtail.api.v3",
    "portal.apikeys",
    "portal.pagecache",  # whole pages for anonymous visitors, keyed by audience (issue 13)
    "drf_spectacular",
    "drf_spectacular_sidecar",  # api: Swagger UI / Redoc assets served locally
    "csp",  # security: django-csp's system checks and {% load csp %}
    "allauth",
    "allauth.account",
    "axes",  # auth: lockout after repeated failed sign-ins on every login form
    "django_otp",  # auth: two-step sign-in (TOTP) for staff
    "django_otp.plugins.otp_totp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.csp.AreaCSPMiddleware",  # security: Content-Security-Policy (see below)
    "django_permissions_policy.PermissionsPolicyMiddleware",  # security: browser features off
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # pagecache: Cache-Control and Vary of the final response (outside sessions, CSRF, cookies)
    "portal.pagecache.middleware.CacheHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # auth: request.user.is_verified()
    "targeting.middleware.VisitorMiddleware",  # targeting: request.visitor (after auth)
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.SignInPolicyMiddleware",  # auth: idle timeouts, staff two-step sign-in
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",  # auth: turns a lockout into the lockout page
    # pagecache: serves anonymous pages from the cache; innermost, once visitor and user are known
    "portal.pagecache.middleware.PageCacheMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "csp.context_processors.nonce",  # security: {{ CSP_NONCE }} for inline tags
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# SQLite is the embedded default for a first run; DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="portal"),
            "OPTIONS": {
                # The portal must keep serving when Redis is down: cache misses, not 500s.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# pagecache: whole pages (docs/performance.md). Redis in production, shared by every server; local
# memory without Redis (each process keeps its own pages; the generation that invalidates them is
# in the default cache, which every process shares).
CACHES["pages"] = (
    {**CACHES["default"], "KEY_PREFIX": CACHES["default"].get("KEY_PREFIX", "portal") + "-pages"}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": env.int("PAGECACHE_LOCAL_ENTRIES", default=500)},
    }
)
PAGECACHE_ENABLED = env.bool("PAGECACHE_ENABLED", default=True)
#: How long a stored page lives at most (publishing makes it unreachable at once).
PAGECACHE_TTL = env.int("PAGECACHE_TTL", default=600)
#: Cache-Control of anonymous pages without targeted slots: browsers revalidate, CDNs keep them.
PAGECACHE_BROWSER_MAX_AGE = env.int("PAGECACHE_BROWSER_MAX_AGE", default=0)
PAGECACHE_SHARED_MAX_AGE = env.int("PAGECACHE_SHARED_MAX_AGE", default=300)
#: The same for other anonymous views (forums, search), which nothing purges.
PAGECACHE_SHARED_MAX_AGE_VIEWS = env.int("PAGECACHE_SHARED_MAX_AGE_VIEWS", default=60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Chinese first, English available. Page URLs of the default language
# carry no prefix; English lives under /en/.
LANGUAGE_CODE = env("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATIC_URL = "/static/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Files customers send the bank (complaint attachments): outside MEDIA_ROOT, never served by the
# web server, read only through access-checked views (community/storage.py).
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Celery: CELERY_BROKER_URL, else REDIS_URL; with neither, tasks run eagerly in-process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {}
# Community: escalate complaints that passed their first-response or resolution time.
CELERY_BEAT_SCHEDULE["community-escalate-overdue-complaints"] = {
    "task": "community.tasks.escalate_overdue_complaints",
    "schedule": 15 * 60,
}

# Tracking (targeting.tracking, docs/tracking.md): the event stream lives in Redis when there is
# one; the raw event log is kept this many days once folded.
TRACKING_REDIS_URL = env("TRACKING_REDIS_URL", default=REDIS_URL)
TRACKING_STREAM_KEY = env("TRACKING_STREAM_KEY", default="portal:tracking:events")
TRACKING_STALE_PENDING_MS = env.int("TRACKING_STALE_PENDING_MS", default=60_000)
TRACKING_MAX_EVENT_AGE_DAYS = env.int("TRACKING_MAX_EVENT_AGE_DAYS", default=7)
# Batches per minute: per browser visitor, per client address, per channel-system token.
TRACKING_RATE_LIMIT_VISITOR = env.int("TRACKING_RATE_LIMIT_VISITOR", default=60)
TRACKING_RATE_LIMIT_ADDRESS = env.int("TRACKING_RATE_LIMIT_ADDRESS", default=600)
TRACKING_RATE_LIMIT_SYSTEM = env.int("TRACKING_RATE_LIMIT_SYSTEM", default=60_000)
# Off: page views come from the beacon only (on: the server also counts Wagtail page views).
TRACKING_SERVER_PAGEVIEWS = env.bool("TRACKING_SERVER_PAGEVIEWS", default=False)
RAW_EVENT_RETENTION_DAYS = env.int("RAW_EVENT_RETENTION_DAYS", default=90)
CELERY_BEAT_SCHEDULE["tracking-process-events"] = {
    "task": "targeting.tracking.process_events",
    "schedule": 5.0,
    "options": {"expires": 5},
}
CELERY_BEAT_SCHEDULE["tracking-purge-raw-events"] = {
    "task": "targeting.tracking.purge_raw_events",
    "schedule": 24 * 3600,
}
# Measurement (targeting.measurement, docs/measurement.md): rollups follow the raw event log every
# minute; each night yesterday and today are rebuilt from it (a straggler a run skipped counts).
# Conversions are attributed to the last click, else the last seen impression, this many days back;
# groups of fewer distinct visitors than MEASUREMENT_MIN_VISITORS are left out of exports and the API.
ATTRIBUTION_WINDOW_DAYS = env.int("ATTRIBUTION_WINDOW_DAYS", default=30)
MEASUREMENT_MIN_VISITORS = env.int("MEASUREMENT_MIN_VISITORS", default=5)
CELERY_BEAT_SCHEDULE["measurement-roll-up"] = {
    "task": "targeting.measurement.roll_up",
    "schedule": 60.0,
    "options": {"expires": 60},
}
CELERY_BEAT_SCHEDULE["measurement-reconcile"] = {
    "task": "targeting.measurement.reconcile",
    "schedule": crontab(hour=3, minute=17),
}
# PostgreSQL: the raw event log's monthly partitions created three months ahead (docs/measurement.md).
CELERY_BEAT_SCHEDULE["measurement-event-partitions"] = {
    "task": "targeting.measurement.event_partitions",
    "schedule": crontab(hour=2, minute=41),
}
# Push (targeting.push, docs/push.md): deferred sends leave quiet hours, schedule and CRM-date
# triggers run at their hour. Channel adapters: PUSH_CHANNEL_ADAPTERS = {"sms": "dotted.path"}.
# Push tasks (trigger evaluation, sends) have their own queue and worker, so a send never waits
# behind folding: run `celery -A portal worker -Q push` beside the default worker (docs/push.md).
# The folded events' evaluation (the safety net behind the accepted events' one) stays on the
# default queue with the folding, so it never delays a send.
CELERY_TASK_ROUTES = {
    "targeting.push.evaluate_events": {"queue": "celery"},
    "targeting.push.*": {"queue": "push"},
}
CELERY_BEAT_SCHEDULE["push-release-deferred"] = {
    "task": "targeting.push.release_deferred",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["push-run-scheduled"] = {
    "task": "targeting.push.run_scheduled",
    "schedule": crontab(minute=0),
}

# Social listening (community.listening, docs/listening.md): waiting posts are handed to workers
# every minute, spikes checked every five; posts are kept LISTENING_RETENTION_DAYS days. A topic
# spikes at LISTENING_ALERT_RATIO times its usual 15 minutes (and LISTENING_ALERT_MIN_POSTS posts).
LISTENING_RETENTION_DAYS = env.int("LISTENING_RETENTION_DAYS", default=365)
LISTENING_DUPLICATE_DAYS = env.int("LISTENING_DUPLICATE_DAYS", default=7)
LISTENING_ALERT_RATIO = env.float("LISTENING_ALERT_RATIO", default=5.0)
LISTENING_ALERT_MIN_POSTS = env.int("LISTENING_ALERT_MIN_POSTS", default=10)
LISTENING_INTENT_DAYS = env.int("LISTENING_INTENT_DAYS", default=30)
LISTENING_MAX_BATCH = env.int("LISTENING_MAX_BATCH", default=1000)
# Listening has its own queue: `celery -A portal worker -Q listening` (as many as the load needs).
CELERY_TASK_ROUTES["community.listening.*"] = {"queue": "listening"}
CELERY_BEAT_SCHEDULE["listening-dispatch-pending"] = {
    "task": "community.listening.dispatch_pending",
    "schedule": 60.0,
    "options": {"expires": 60},
}
CELERY_BEAT_SCHEDULE["listening-check-spikes"] = {
    "task": "community.listening.check_spikes",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["listening-purge"] = {
    "task": "community.listening.purge_old",
    "schedule": crontab(hour=4, minute=23),
}

# Suitability (products.suitability, docs/suitability.md): a risk assessment stays in force this
# many days, customers are reminded this many days before it expires, and an application for a
# product more than SUITABILITY_MAX_GAP levels above the customer's tolerance is refused.
RISK_ASSESSMENT_VALIDITY_DAYS = env.int("RISK_ASSESSMENT_VALIDITY_DAYS", default=365)
RISK_ASSESSMENT_REMINDER_DAYS = env.int("RISK_ASSESSMENT_REMINDER_DAYS", default=30)
SUITABILITY_MAX_GAP = env.int("SUITABILITY_MAX_GAP", default=1)
CELERY_BEAT_SCHEDULE["products-remind-risk-reassessment"] = {
    "task": "products.remind_risk_reassessment",
    "schedule": 24 * 3600,
}

# Customer accounts (django-allauth): customers sign up and in by username or email at
# /accounts/; staff keep the Wagtail admin login at /admin/.
AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in attempt (any form) while the username or address is locked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
# tracking: "Download my data" and "Erase my data" ask for the password again unless it was
# confirmed within this many seconds (allauth's reauthentication; default 5 minutes).
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("ACCOUNT_REAUTHENTICATION_TIMEOUT", default=300)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/community/"
# auth: allauth's own login rate limits count the client behind our trusted proxies
# (portal.signin.AccountAdapter.get_client_ip uses targeting.tracking.clientaddr).
ACCOUNT_ADAPTER = "portal.signin.AccountAdapter"
# Customers' sign-in and sign-up forms with plain labels and example placeholders (issue 12).
ACCOUNT_FORMS = {
    "login": "portal.signin_forms.CustomerLoginForm",
    "signup": "portal.signin_forms.CustomerSignupForm",
}

# Sign-in protection (docs/operations.md, "Sign-in and lockouts"). django-axes counts failed
# sign-ins on every login form (customers' /accounts/login/, staff's /admin/login/; the Django
# admin's login sends staff there) and locks a username, and separately a client address, after
# AXES_FAILURE_LIMIT failures for AXES_COOLOFF_TIME. Staff unlock with
# `manage.py axes_reset_username <name>` / `axes_reset_ip <address>` or in the Django admin.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15.0) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "targeting.tracking.clientaddr.client_ip"
AXES_USERNAME_CALLABLE = "portal.signin.attempted_username"
AXES_LOCKOUT_CALLABLE = "portal.signin.lockout_response"
AXES_RESET_ON_SUCCESS = False  # else a working account would wipe its address's failures
AXES_VERBOSE = False  # portal.signin logs each failure once, without the password
# Idle and absolute session limits, in seconds: a signed-in session ends after this long
# without a request (staff: the Wagtail admin; customers: everyone else), and in any case this
# long after signing in. Anonymous visitors never get a session.
SESSION_IDLE_TIMEOUT_STAFF = env.int("SESSION_IDLE_TIMEOUT_STAFF", default=15 * 60)
SESSION_IDLE_TIMEOUT_CUSTOMER = env.int("SESSION_IDLE_TIMEOUT_CUSTOMER", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
# Two-step sign-in for staff (TOTP, django-otp): staff who enrolled an authenticator app always
# give a code at /admin/login/; with STAFF_OTP_REQUIRED every staff member must enrol before
# using the admin (production turns it on; off here so `make run` signs in with a password).
STAFF_OTP_REQUIRED = env.bool("STAFF_OTP_REQUIRED", default=False)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Portal Bank")
WAGTAILADMIN_USER_LOGIN_FORM = "portal.signin_forms.StaffLoginForm"

# Wagtail
# i18n: the bank's name in the admin (title, dashboard, emails); the brand is Chinese.
WAGTAIL_SITE_NAME = env("WAGTAIL_SITE_NAME", default="锦程银行")
# The admin's preferences offer the site's languages and the bank's time zones, not every language
# and zone Wagtail knows (issue 12: the zh-hans account page listed dozens in English).
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei", "UTC"]
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "portal.apikeys.tokens.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # api: JSON only, hostile bodies refused with a 400 naming the field (portal/api_parsers.py).
    "DEFAULT_PARSER_CLASSES": ["portal.api_parsers.StrictJSONParser"],
    # api: JSON only; dev.py adds the browsable API for local exploring.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # api: every operation's error answers documented too (schemathesis checks them).
    "DEFAULT_SCHEMA_CLASS": "portal.api_schema.PortalAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "targeting.api.pagination.StrictLimitOffsetPagination",
    "PAGE_SIZE": 50,
}
# api: days an API key works (portal/apikeys/tokens.py); largest JSON body the API reads.
API_TOKEN_LIFETIME_DAYS = env.int("API_TOKEN_LIFETIME_DAYS", default=90)
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)
SPECTACULAR_SETTINGS = {
    "TITLE": "Portal Bank API",
    "DESCRIPTION": "Decisions, simulation, targeting administration and events.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # api: document /api/ only, in every environment (Wagtail's internal admin API breaks it).
    "PREPROCESSING_HOOKS": ["portal.api_schema.only_public_api"],
    # api: request bodies as strict as the JSON parser, in components of their own.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api_schema.tighten_requests",
        # api: the event API is a plain Django view; its operation is built from its rules.
        "targeting.tracking.openapi.add_event_api",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Targeting
_GEOLITE2_DEFAULT = ""
try:  # The development database shipped by the maxminddb-geolite2 package, if installed.
    import _maxminddb_geolite2

    _GEOLITE2_DEFAULT = str(Path(_maxminddb_geolite2.__file__).parent / "GeoLite2-City.mmdb")
except ImportError:  # pragma: no cover - the package is in requirements.txt
    pass
GEOIP_PATH = env("GEOIP_PATH", default=_GEOLITE2_DEFAULT)
# Proxies whose X-Forwarded-For is believed (CIDRs); the header is ignored from anyone else.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1/32", "::1/128"])
# targeting: False shows every slot's default content (personalisation off; benchmarks compare).
TARGETING_ENABLED = env.bool("TARGETING_ENABLED", default=True)
# Outside hosts creatives and slots may link to besides ALLOWED_HOSTS ("partner.example",
# ".partner.example" with subdomains); links elsewhere are refused when saved (issue 8).
TARGETING_LINK_HOSTS = env.list("TARGETING_LINK_HOSTS", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Wagtail's audit lines and background-task progress are noise on a console; the admin
        # keeps its own history of edits and publishes.
        "wagtail": {"level": env("WAGTAIL_LOG_LEVEL", default="WARNING")},
        "django_tasks": {"level": "WARNING"},
        "targeting": {"level": env("TARGETING_LOG_LEVEL", default="WARNING")},
        # auth: axes notes every sign-in; failures are logged by portal.signin with the address.
        "axes": {"level": "WARNING"},
    },
}

# Security headers (docs/security.md). Content-Security-Policy through django-csp: the public
# site runs only our own static scripts (an inline one needs the response's nonce), loads nothing
# from other hosts and may not be framed by other sites. portal/csp.py applies it.
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

_CSP_COMMON = {
    "default-src": [SELF],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    # 'self' rather than 'none': Wagtail's live preview frames our own pages.
    "frame-ancestors": [SELF],
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **_CSP_COMMON,
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # data: for the small SVG images that CSS and rich text inline; media is our own.
        "img-src": [SELF, "data:"],
    },
}
# Areas that run code we do not write, by path prefix; the longest prefix wins and None means
# the site policy. Wagtail 8's admin still renders inline <script> in its date pickers and
# inline panels (wagtail/wagtail#1288, #12940) and inline styles in widgets, so signed-in staff
# pages allow inline script and style (with no nonce: a nonce would switch 'unsafe-inline' off);
# everything else stays as strict as the site, and the login pages anyone can reach keep the
# site policy. blob: shows a chosen image before it is uploaded.
_CSP_ADMIN = {
    **_CSP_COMMON,
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
}
CSP_AREA_POLICIES: dict[str, dict | None] = {
    "/admin/": _CSP_ADMIN,
    "/admin/login/": None,
    "/admin/password_reset/": None,
    "/django-admin/": _CSP_ADMIN,
    "/django-admin/login/": None,
    # Redoc (the API reference) injects its styles at run time (styled-components).
    "/api/redoc/": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "style-src": [SELF, UNSAFE_INLINE],
        "worker-src": [SELF, "blob:"],
    },
}
# Wagtail's admin avatars come from gravatar.com by default: blocked in mainland China, and the
# URL leaks a hash of the staff member's e-mail. Wagtail shows its own default avatar instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Permissions-Policy (django-permissions-policy): browser features the portal never uses are off.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
}

# Self-learning allocation (targeting.measurement.allocation, docs/measurement.md): campaigns on
# automatic allocation get new creative shares from the rollups every five minutes.
CELERY_BEAT_SCHEDULE["measurement-update-allocations"] = {
    "task": "targeting.measurement.update_allocations",
    "schedule": 300.0,
    "options": {"expires": 300},
}
