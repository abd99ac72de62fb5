"""Settings for the test suite: the base settings with fast, isolated parts."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("PII_ENCRYPTION_KEYS", "dGVzdC1vbmx5LXBpaS1rZXktMzItYnl0ZXMtbG9uZyE=")
os.environ.setdefault("PII_HASH_KEY", "test-only-pii-hash-key")

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("CACHE_URL"):
    # The PostgreSQL run in CI sets CACHE_URL=redis://… (.ci/postgres-tests): the base settings'
    # django-redis, one Redis database per xdist worker, because every test clears the cache and
    # django-redis's clear() is FLUSHDB (a key prefix would not keep the workers apart).
    from urllib.parse import urlsplit, urlunsplit

    from django.core.exceptions import ImproperlyConfigured

    _worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    _number = int(_worker.removeprefix("gw") or urlsplit(CACHES["default"]["LOCATION"]).path.strip("/") or 0)
    if _number > 15:
        raise ImproperlyConfigured(f"Redis has databases 0-15: too many test workers for one server ({_worker}).")
    CACHES["default"]["LOCATION"] = urlunsplit(urlsplit(CACHES["default"]["LOCATION"])._replace(path=f"/{_number}"))
    CACHES["default"]["KEY_PREFIX"] = f"test{_worker}"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    API_SHARED_CACHE = False
# One process plays every server here: a test that changes a version in the shared cache behind
# this process's back expects the next request to see it (tests/api/test_shared_cache.py turns
# the local copy on where it is the subject).
API_VERSIONS_LOCAL_SECONDS = 0
API_BODY_LOCAL_BYTES = 0  # likewise for the bodies (tests/api/test_shared_cache.py turns it on)
MEDIA_ROOT = VAR_DIR / "test-media"
WAGTAILADMIN_BASE_URL = "http://testserver"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# Transactional tests with serialized_rollback restore the migrated rows by saving them again; the
# audit log refuses updates on PostgreSQL (a trigger: append-only), so its rows are not restored.
TEST_NON_SERIALIZED_APPS = ["audit"]
