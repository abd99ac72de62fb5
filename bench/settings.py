"""Settings for bench/api_bench.py: the base settings as production runs them, for a local load test.

DEBUG off (so SECRET_KEY, PII_ENCRYPTION_KEYS and PII_HASH_KEY must be in the environment; the
benchmark generates throwaway ones), no HTTPS redirect, plain static storage (no manifest to
build), room in the local-memory cache for every record, the API throttles raised out of the
way, Wagtail's own API v2 installed as a reference and ``bench.urls`` adding it and a static
file view in front of the site's URLs."""

import os

os.environ["DEBUG"] = "false"
os.environ.setdefault("API_THROTTLE_ANON", "100000000/minute")
os.environ.setdefault("API_THROTTLE_KEY", "100000000/minute")

from cms.settings.base import *  # noqa: F403
from cms.settings.base import CACHES, INSTALLED_APPS, STORAGES

DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.api.v2"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

# The default local-memory cache (CACHE_URL unset) keeps only 300 entries, far fewer than the
# records' JSON of 10,000 matters, so it would measure evictions. Production shares Redis; give
# each worker room for every record instead. A CACHE_URL from the environment is used as is.
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    CACHES["default"].setdefault("OPTIONS", {})["MAX_ENTRIES"] = 1_000_000

# Read by the API's throttles (whether from the environment or from settings).
API_THROTTLE_ANON = os.environ["API_THROTTLE_ANON"]
API_THROTTLE_KEY = os.environ["API_THROTTLE_KEY"]

# The pre-generated files served at /static/bench/ (see bench.urls).
BENCH_STATIC_DIR = os.environ.get("BENCH_STATIC_DIR", str(VAR_DIR / "bench-static"))  # noqa: F405
