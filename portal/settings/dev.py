"""Local development: `make run`. SQLite, local memory cache and eager Celery unless told otherwise."""

import secrets

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, REDIS_URL, REST_FRAMEWORK, env

DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])


def _local_secret_key() -> str:
    """A per-checkout random key kept in var/ (git-ignored), so sessions survive restarts."""
    path = BASE_DIR / "var" / "dev-secret-key"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = env("SECRET_KEY", default="") or _local_secret_key()
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Without Redis, the cache lives in files under var/cache, shared by every process of the checkout:
# a CRM import or an approval in another process (manage.py, the shell) bumps the snapshot version
# and drops cached profiles where the running server sees them (local memory would keep its own
# copy until restart). Tests keep local memory (settings/test.py), production keeps Redis.
LOCAL_CACHE_DIR = env("LOCAL_CACHE_DIR", default=str(BASE_DIR / "var" / "cache"))
if not REDIS_URL:
    CACHES = {
        **CACHES,  # pagecache: "pages" stays in local memory
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": LOCAL_CACHE_DIR,
            # Culling may drop any key, the snapshot version too (then: one rebuild); keep it rare.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
    }

# api: the browsable API, for exploring locally only (production and tests render JSON only).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
