"""The test suite. Uses DATABASE_URL and REDIS_URL when set (CI: real PostgreSQL and Redis)."""

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL, env

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105 - used by the test suite alone  # nosec B105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if REDIS_URL:
    # Tests share one Redis with anything else on the machine: keep to our own key space.
    CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="portal-test")
    CACHES["pages"]["KEY_PREFIX"] = CACHES["default"]["KEY_PREFIX"] + "-pages"
# pagecache: off, so a test that changes data without publishing sees it on its next request;
# tests/pagecache switches it on.
PAGECACHE_ENABLED = False
WAGTAILADMIN_BASE_URL = "http://testserver"
