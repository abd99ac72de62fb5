"""Settings for the city's content platform.

Everything that differs between a laptop, CI and production is read from environment
variables (see README "Configuration"). The defaults are safe for development only where
DEBUG is on; with DEBUG off, SECRET_KEY must be set and the security settings are enforced.
"""

from pathlib import Path

import environ
from csp.constants import NONCE as CSP_NONCE
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from csp.constants import UNSAFE_INLINE as CSP_UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from sitesearch.conf import SearchConfigError, search_backends

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (set DEBUG=true for local development).")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 (DEBUG only; production refuses to start without SECRET_KEY)

# Rotating SECRET_KEY: put the old one here until sessions and signed links made with it have
# expired (docs/security.md); Django then accepts both, signs with SECRET_KEY only.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

# ".localhost": the demo's sub-sites (donghu.localhost:8000, docs/sites.md); *.localhost is this machine.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", ".localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The page model domains put their column index pages under (as AUTH_USER_MODEL names the user model).
PORTAL_HOME_PAGE_MODEL = "portal.HomePage"

INSTALLED_APPS = [
    # Our apps first so their templates override Wagtail's where they need to.
    # site
    "cms",
    "portal",
    "theme",
    # domains
    "terminals",
    "ratings",
    "interaction",
    "appointments",
    "cases",
    "guides",
    "halls",
    "disclosure",
    "matters",
    # framework
    "sitesearch",
    "api",
    "jobs",
    "workdays",
    "permissions",
    "audit",
    "accounts",
    "core",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "permissions.apps.UsersConfig",  # wagtail.users with the membership-aware user form
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",  # the database backend's results table and `manage.py db_worker` (docs/tasks.md)
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_api_key",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served by the project, no CDN
    "guardian",
    "simple_history",
    "import_export",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # Outermost: ETags and 304s for every page; public portal pages marked for nginx's cache (theme/http_cache.py).
    "django.middleware.http.ConditionalGetMiddleware",
    "theme.http_cache.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before CommonMiddleware so preflight and error responses carry the CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The request being served, for audit events recorded from signals (audit/context.py).
    "audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.dashboard.ModerationMessageMiddleware",  # says what an approval did (docs/admin-language.md)
    # Second factor (accounts/middleware.py): django-otp marks verified sessions; ours end staff
    # sessions past their time limits, then keep password-only sessions out of the admin and API.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.StaffSessionMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After XFrameOptionsMiddleware: sets CSP and X-Frame-Options per area first (core/security_headers.py).
    "core.security_headers.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # The 区划 a portal page lists (request.portal_region): the visitor's switch, a sub-site's own (theme/regions.py).
    "theme.regions.PortalRegionMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Personal data no key decrypts: 503 with a message in Chinese, not a traceback (core/pii.py).
    "core.middleware.UndecryptableDataMiddleware",
    # Admin requests missing a field or naming no row: 400/404 with a message (core/admin_errors.py).
    "core.admin_errors.AdminBadRequestMiddleware",
    # Axes last: it turns a lockout raised during authentication into the lockout response.
    "axes.middleware.AxesMiddleware",
]

# make run: the portal's own error pages, not Django's debug pages (theme/middleware.py).
if DEBUG and not env.bool("DEBUG_ERROR_PAGES", default=False):
    MIDDLEWARE.insert(0, "theme.middleware.PortalErrorPagesMiddleware")

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: a SQLite file under var/ unless DATABASE_URL says otherwise (PostgreSQL in production).
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite ignores select_for_update(); IMMEDIATE transactions take the write lock up front
    # so concurrent writers queue (20 s) instead of failing, and WAL lets readers go on meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# Persistent connections: opening one per request costs several times the request itself.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # Per process only (production sets CACHE_URL=redis://…); room for every record's API JSON.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 50_000)
elif CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
    # CACHE_URL=redis://host:6379/0 (or rediscache://, rediss://): django-redis with one connection
    # pool per process. Timeouts are short so a Redis outage fails a request quickly instead of
    # hanging a worker; errors are raised (not ignored), except where docs/api.md says otherwise
    # (throttles, rate limits and the API's version and key caches fall back and carry on).
    CACHES["default"].setdefault("KEY_PREFIX", env.str("CACHE_KEY_PREFIX", default="cms"))
    CACHES["default"].setdefault("TIMEOUT", env.int("CACHE_DEFAULT_TIMEOUT", default=300))
    _redis_options = CACHES["default"].setdefault("OPTIONS", {})
    _redis_options.setdefault("SOCKET_CONNECT_TIMEOUT", env.float("CACHE_CONNECT_TIMEOUT", default=1.0))
    _redis_options.setdefault("SOCKET_TIMEOUT", env.float("CACHE_SOCKET_TIMEOUT", default=1.0))
    _redis_options.setdefault(
        "CONNECTION_POOL_KWARGS",
        {"max_connections": env.int("CACHE_MAX_CONNECTIONS", default=50), "health_check_interval": 30},
    )
# A cache every process shares (Redis, Memcached) may hold what must agree across gunicorn workers:
# the API's collection versions and terminal key lookups (a 304 then costs no SQL query). A
# per-process cache (locmem) must not: one worker would answer from a version another worker bumped.
API_SHARED_CACHE = env.bool(
    "API_SHARED_CACHE",
    default=CACHES["default"]["BACKEND"].rpartition(".")[2] in {"RedisCache", "PyMemcacheCache", "PyLibMCCache"},
)
# How long each process keeps the versions it read from the shared cache (api/collections.py):
# a 304 then needs no round trip to Redis; another server's change reaches polls that much later.
API_VERSIONS_LOCAL_SECONDS = env.float("API_VERSIONS_LOCAL_SECONDS", default=1.0)
# The API throttles add a process's requests to the shared count in batches of up to this many
# while far below the limit (api/throttling.py); 1 counts every request at once.
API_THROTTLE_LOCAL_BATCH = env.int("API_THROTTLE_LOCAL_BATCH", default=10)
if API_SHARED_CACHE:
    # Sessions read from the shared cache (no query per request) and are written through to the
    # database, so a Redis restart or eviction signs nobody out.
    SESSION_ENGINE = env.str("SESSION_ENGINE", default="django.contrib.sessions.backends.cached_db")

AUTHENTICATION_BACKENDS = [
    # Axes must come first so a locked-out login is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
TIME_ZONE = "Asia/Shanghai"
# 账号设置 offers the one time zone staff work in, not 600 English zone names (docs/admin-language.md).
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Applicants' uploads: outside MEDIA_ROOT, read only through a permission-checked admin view.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = env.str("SITE_NAME", default="示范市政务服务与政务公开平台")
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Site search (docs/search.md): the database backend (SQLite FTS5 / PostgreSQL) by default,
# Elasticsearch or OpenSearch by SEARCH_BACKEND=elasticsearch8|opensearch2|… and SEARCH_URL.
try:
    WAGTAILSEARCH_BACKENDS = search_backends(
        env.str("SEARCH_BACKEND", default="database"),
        urls=env.list("SEARCH_URL", default=[]),
        index_prefix=env.str("SEARCH_INDEX_PREFIX", default="shifan_"),
        timeout=env.int("SEARCH_TIMEOUT", default=10),
    )
except SearchConfigError as error:
    raise ImproperlyConfigured(str(error)) from error
# Background tasks (docs/tasks.md): inline by default (ImmediateBackend: nothing more to run);
# TASKS_BACKEND=database queues them in the database for `manage.py db_worker --queue-name '*'`,
# and `manage.py run_scheduler` enqueues the periodic jobs. Queues: "default" (search index,
# Wagtail's own tasks), "periodic" (the clocks, the day close; long runs do not hold up indexing).
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_tasks_backend = env.str("TASKS_BACKEND", default="immediate")
if _tasks_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {sorted(_TASK_BACKENDS)}, not {_tasks_backend!r}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_tasks_backend], "QUEUES": ["default", "periodic"]}}
JOBS_MAX_ATTEMPTS = env.int("JOBS_MAX_ATTEMPTS", default=3)  # a failed task is tried this often in all
JOBS_RETRY_BACKOFF_SECONDS = env.int("JOBS_RETRY_BACKOFF_SECONDS", default=60)  # doubled each retry
JOBS_RETENTION_DAYS = env.int("JOBS_RETENTION_DAYS", default=30)
WAGTAILDOCS_EXTENSIONS = ["csv", "doc", "docx", "odt", "pdf", "rtf", "txt", "xls", "xlsx", "zip", "ofd"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Uploads typed by content (core.uploads, docs/security-uploads.md): Wagtail's forms check through
# the platform's forms; documents are always served as downloads through the checked view.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "core.upload_forms.DocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "core.upload_forms.ImageForm"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]  # never SVG
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.int("WAGTAILIMAGES_MAX_UPLOAD_SIZE", default=10 * 1024 * 1024)
UPLOAD_MAX_IMAGE_PIXELS = env.int("UPLOAD_MAX_IMAGE_PIXELS", default=40_000_000)
WAGTAILIMAGES_MAX_IMAGE_PIXELS = UPLOAD_MAX_IMAGE_PIXELS
# The matter import's workbook limits (core.workbooks), checked before calamine reads a file.
IMPORT_WORKBOOK_MAX_MEMBERS = env.int("IMPORT_WORKBOOK_MAX_MEMBERS", default=200)
IMPORT_WORKBOOK_MAX_UNCOMPRESSED_MB = env.int("IMPORT_WORKBOOK_MAX_UNCOMPRESSED_MB", default=100)
IMPORT_WORKBOOK_MAX_RATIO = env.int("IMPORT_WORKBOOK_MAX_RATIO", default=100)
IMPORT_WORKBOOK_MAX_ROWS = env.int("IMPORT_WORKBOOK_MAX_ROWS", default=50_001)
IMPORT_WORKBOOK_MAX_COLUMNS = env.int("IMPORT_WORKBOOK_MAX_COLUMNS", default=200)
IMPORT_WORKBOOK_MAX_CELLS = env.int("IMPORT_WORKBOOK_MAX_CELLS", default=2_000_000)
# The admin's 导出Excel renders up to this many matters in the request; more become a task (我的导出).
MATTERS_EXPORT_INLINE_LIMIT = env.int("MATTERS_EXPORT_INLINE_LIMIT", default=1000)
MATTERS_EXPORT_RETENTION_DAYS = env.int("MATTERS_EXPORT_RETENTION_DAYS", default=7)  # then the file is deleted
WAGTAILADMIN_USER_LOGIN_FORM = "wagtail.admin.forms.auth.LoginForm"
# No Gravatar: staff avatars would be fetched from www.gravatar.com with a hash of their e-mail address
# (personal data sent abroad; refused by the admin's Content-Security-Policy anyway). accounts.names draws them.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# django-guardian: no database row for the anonymous user; the policy answers "no" for them.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False
GUARDIAN_MONKEY_PATCH_GROUP = False

# django-simple-history
SIMPLE_HISTORY_REVERT_DISABLED = True  # revert goes through our own admin view, which records it

# django-axes: lock an account+address pair after repeated failures.
# Trusted reverse proxies in front of the app (core.http.client_address; DRF and axes agree).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None
# The address comes from core.http.client_address (PROXY_COUNT trusted proxies): without it axes
# reads REMOTE_ADDR, which behind a proxy is the proxy's, so anyone could lock any editor out.
AXES_CLIENT_IP_CALLABLE = "core.http.client_address"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)  # hours
# 5 failures → 30 minutes, for that user name from that address (GB/T 22239-2019 8.1.4.1 b)).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "theme/lockout.html"
AXES_VERBOSE = False

# Staff sessions (accounts/sessions.py, GB/T 22239-2019 8.1.4.1 b)): signed out after this long
# without a request, and this long after signing in whatever happens.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
STAFF_SESSION_ABSOLUTE_SECONDS = env.int("STAFF_SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
# django-otp: the name authenticator apps show beside the account.
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME

# Django REST framework
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "terminals.auth.TerminalKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["permissions.drf.PolicyPermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "NUM_PROXIES": PROXY_COUNT,
    # Anonymous clients per address, each terminal key, each signed-in user (api.throttling).
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/minute"),
        "terminal": env.str("API_THROTTLE_KEY", default="1200/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
    },
}
# The JSON API (docs/api.md): caching, sync and CORS.
API_VERSION = "v1"
# How long nginx and browsers may keep a public portal page before revalidating (0: never).
PORTAL_CACHE_SECONDS = env.int("PORTAL_CACHE_SECONDS", default=60)
API_CACHE_MAX_AGE = env.int("API_CACHE_MAX_AGE", default=60)  # seconds; never past a scheduled change
API_RESPONSE_CACHE_SECONDS = env.int("API_RESPONSE_CACHE_SECONDS", default=300)  # whole bodies, keyed by ETag
# Each process also keeps the bodies it served lately, up to this many bytes (0: off; api/caching.py).
API_BODY_LOCAL_BYTES = env.int("API_BODY_LOCAL_BYTES", default=32 * 1024 * 1024)
API_RECORD_CACHE_SECONDS = env.int("API_RECORD_CACHE_SECONDS", default=24 * 3600)  # per-record JSON
API_TOMBSTONE_RETENTION_DAYS = env.int("API_TOMBSTONE_RETENTION_DAYS", default=90)
# Security audit rows are kept this long, then `manage.py purge_audit_events` deletes them;
# never under 180 days (《网络安全法》第二十一条, checked: audit.E001). docs/security-audit.md.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
# Sync looks back this far before updated_since: a write stamps its rows before it commits.
API_SYNC_OVERLAP_SECONDS = env.int("API_SYNC_OVERLAP_SECONDS", default=300)
CORS_ALLOWED_ORIGINS = env.list("API_CORS_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = ["accept", "authorization", "content-type", "if-none-match", "if-modified-since", "x-api-key"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
SPECTACULAR_SETTINGS = {
    "TITLE": "示范市政务服务与政务公开平台 API",
    "DESCRIPTION": (
        "事项、办事指南、政府信息公开与服务大厅的数据接口（v1）。\n\n"
        "公开数据无需认证即可读取；终端使用接口密钥（请求头 Authorization: Api-Key <密钥>）获得独立的限流额度、"
        "读取需要密钥的数据订阅；部门业务系统以部门凭据写入本部门事项。每个 GET 响应带 ETag 和 Last-Modified，"
        "带 If-None-Match 再次请求，数据未变时返回 304。列表支持 updated_since 增量同步，第一页给出删除标记。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["api.schema.only_public_api"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.describe_identifiers"],
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "ENUM_NAME_OVERRIDES": {
        "MaterialSourceEnum": "matters.models.MaterialSource",
        "MatterStatusEnum": "matters.models.MatterStatus",
    },
}

# Security headers (docs/security-headers.md; GB/T 22239-2019 level 3, 8.1.4.4 入侵防范).
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # Wagtail's admin JavaScript reads the CSRF cookie
# DENY by default; the admin answers SAMEORIGIN for its preview panel (core.security_headers).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4): the public site's policy, and the admin's under its prefix.
SECURITY_ADMIN_PATH_PREFIX = "/admin/"
_csp_report_uri = env.str("CSP_REPORT_URI", default="")
_csp_common = {
    "default-src": [CSP_SELF],
    "img-src": [CSP_SELF, "data:"],
    "font-src": [CSP_SELF],
    "connect-src": [CSP_SELF],
    "media-src": [CSP_SELF],
    "object-src": [CSP_NONE],
    "base-uri": [CSP_SELF],
    "form-action": [CSP_SELF],
    "frame-src": [CSP_SELF],
    "worker-src": [CSP_SELF],
    "manifest-src": [CSP_SELF],
    **({"report-uri": [_csp_report_uri]} if _csp_report_uri else {}),
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **_csp_common,
        # No 'unsafe-inline', no 'unsafe-eval': an inline script or <style> runs only with the nonce.
        "script-src": [CSP_SELF, CSP_NONCE],
        "style-src": [CSP_SELF, CSP_NONCE],
        "frame-ancestors": [CSP_NONE],
    },
}
# Wagtail 8 renders inline <script> in its chooser/date/time widgets (without the request, so no
# nonce) and sets style attributes: the admin needs 'unsafe-inline' for both, nothing more.
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **_csp_common,
        "img-src": [CSP_SELF, "data:", "blob:"],
        "script-src": [CSP_SELF, CSP_UNSAFE_INLINE],
        "style-src": [CSP_SELF, CSP_UNSAFE_INLINE],
        "frame-ancestors": [CSP_SELF],  # the preview panel frames /admin/…/preview/
    },
}

# Permissions-Policy (django-permissions-policy): no page may use these browser features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # HSTS: a year by default; subdomains included; preload only when the operator opts in (it is
    # hard to undo: browsers ship the list).
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preload is the operator's decision (every subdomain must serve HTTPS first, and leaving the
        # list takes months): `check --deploy` is not to fail on it (docs/security-headers.md).
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Demo accounts (manage.py load_demo)
# Mail: the console in development (never a connection error), SMTP from EMAIL_URL in production.
vars().update(env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="示范市政务服务平台 <noreply@shifan.gov.cn>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="Shifan@2026demo")
# The demo accounts' authenticator secret (base32), printed with them (accounts/demo.py).
DEMO_TOTP_SECRET = env.str("DEMO_TOTP_SECRET", default="SHIFANDEMOTOTPKEYSHIFANDEMOTOTPK")
# Where ``make run`` serves the demo: ``load_demo`` points the default Wagtail site here, so
# absolute links (the QR code on printed notices) open. Production sets its Site in the admin.
DEMO_SITE_URL = env.str("DEMO_SITE_URL", default="http://127.0.0.1:8000")

# Disclosure index numbers (索引号, domain.md §4): org_code is the issuing body's unified social
# credit code, serial runs per issuing body and year. Changing the pattern affects new numbers only.
DISCLOSURE_INDEX_PATTERN = env.str("DISCLOSURE_INDEX_PATTERN", default="{org_code}/{year}-{serial:05d}")
# Proactive disclosure within 20 working days of the information being formed (art. 26).
DISCLOSURE_PUBLISH_WORKING_DAYS = env.int("DISCLOSURE_PUBLISH_WORKING_DAYS", default=20)

# Applicants' ID and phone numbers are encrypted at rest (Fernet; several keys allow rotation,
# the first encrypts) with an HMAC-SHA256 keyed hash beside them for exact-match lookups.
# Required when DEBUG is off; development derives throwaway keys from SECRET_KEY.
PII_ENCRYPTION_KEYS = env.list("PII_ENCRYPTION_KEYS", default=[])
PII_HASH_KEY = env.str("PII_HASH_KEY", default="")
if not (PII_ENCRYPTION_KEYS and PII_HASH_KEY) and not DEBUG:
    raise ImproperlyConfigured(
        "PII_ENCRYPTION_KEYS and PII_HASH_KEY must be set when DEBUG is off "
        "(a key: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')."
    )

# Requests for disclosure (依申请公开): attachment size, and how often one client address may
# submit the web form or look up a status per hour.
DISCLOSURE_ATTACHMENT_MAX_BYTES = env.int("DISCLOSURE_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
DISCLOSURE_REQUESTS_PER_HOUR = env.int("DISCLOSURE_REQUESTS_PER_HOUR", default=5)
DISCLOSURE_STATUS_LOOKUPS_PER_HOUR = env.int("DISCLOSURE_STATUS_LOOKUPS_PER_HOUR", default=20)
# Applications one kiosk (terminal key with submit_requests) may submit per hour.
DISCLOSURE_KIOSK_REQUESTS_PER_HOUR = env.int("DISCLOSURE_KIOSK_REQUESTS_PER_HOUR", default=60)

# Cases (办件, docs/cases.md): the 电子监察 yellow light (working days left), the progress lookup's
# tries per client address and hour, hall-system pushes per key and minute, online uploads'
# size, and the SMS gateway (a dotted path to a ``cases.notify.SmsGateway``; empty: none).
CASES_WARNING_DAYS = env.int("CASES_WARNING_DAYS", default=2)
CASES_LOOKUPS_PER_HOUR = env.int("CASES_LOOKUPS_PER_HOUR", default=20)
CASES_APPLICATIONS_PER_HOUR = env.int("CASES_APPLICATIONS_PER_HOUR", default=10)
CASES_PUSH_RATE = env.str("CASES_PUSH_RATE", default="1200/min")
CASES_MATERIAL_MAX_BYTES = env.int("CASES_MATERIAL_MAX_BYTES", default=10 * 1024 * 1024)
CASES_SMS_GATEWAY = env.str("CASES_SMS_GATEWAY", default="")
# How long the public rates (/api/v1/cases/rates/) may be served from the cache at most.
CASES_RATES_CACHE_SECONDS = env.int("CASES_RATES_CACHE_SECONDS", default=300)

# 好差评 (docs/ratings.md, 国办发〔2019〕51号): working days a department has to verify and rectify a
# 差评 (some cities use 5), the 回访 (callback) that follows, and ratings one address may post per hour.
RATINGS_RECTIFY_DAYS = env.int("RATINGS_RECTIFY_DAYS", default=15)
RATINGS_CALLBACK_DAYS = env.int("RATINGS_CALLBACK_DAYS", default=5)
RATINGS_PER_HOUR = env.int("RATINGS_PER_HOUR", default=20)

# 咨询、投诉、建议 (docs/interaction.md): the reply period per kind in working days, the yellow light
# (working days left), and submissions and lookups per client address and hour.
INTERACTION_REPLY_DAYS = env.json(
    "INTERACTION_REPLY_DAYS", default={"consultation": 5, "complaint": 10, "suggestion": 10}
)
INTERACTION_WARNING_DAYS = env.int("INTERACTION_WARNING_DAYS", default=2)
INTERACTION_SUBMISSIONS_PER_HOUR = env.int("INTERACTION_SUBMISSIONS_PER_HOUR", default=5)
INTERACTION_LOOKUPS_PER_HOUR = env.int("INTERACTION_LOOKUPS_PER_HOUR", default=20)

# 预约 (docs/appointments.md): no-shows within a period block new bookings for a while; bookings and
# lookups per client address and hour.
APPOINTMENTS_NO_SHOW_LIMIT = env.int("APPOINTMENTS_NO_SHOW_LIMIT", default=3)
APPOINTMENTS_NO_SHOW_PERIOD_DAYS = env.int("APPOINTMENTS_NO_SHOW_PERIOD_DAYS", default=90)
APPOINTMENTS_BLOCK_DAYS = env.int("APPOINTMENTS_BLOCK_DAYS", default=30)
APPOINTMENTS_BOOKINGS_PER_HOUR = env.int("APPOINTMENTS_BOOKINGS_PER_HOUR", default=10)
APPOINTMENTS_LOOKUPS_PER_HOUR = env.int("APPOINTMENTS_LOOKUPS_PER_HOUR", default=20)

# The statutory clock of requests (《政府信息公开条例》, docs/requests.md). Third parties have 15
# working days to answer a consultation (art. 32); at most that much is excluded from the reply
# period (a setting, as some provinces read art. 32 more strictly).
DISCLOSURE_CONSULTATION_MAX_EXCLUDED_DAYS = env.int("DISCLOSURE_CONSULTATION_MAX_EXCLUDED_DAYS", default=15)
# The amendment period offered by default in 补正告知书 (art. 30 leaves it to the agency).
DISCLOSURE_AMENDMENT_DEFAULT_DAYS = env.int("DISCLOSURE_AMENDMENT_DEFAULT_DAYS", default=15)
# Information-processing fees (国办函〔2020〕109号): per request, per applicant and calendar month —
# free up to FREE, then RATE yuan each up to FIRST_BAND_END, then +STEP yuan per further BAND requests;
# per page — free up to the first bound, then the rate of each band (pages up to, yuan per page).
DISCLOSURE_FEE_PER_REQUEST = env.json(
    "DISCLOSURE_FEE_PER_REQUEST", default={"free": 10, "rate": 100, "first_band_end": 30, "band": 10, "step": 100}
)
DISCLOSURE_FEE_PER_PAGE = env.json("DISCLOSURE_FEE_PER_PAGE", default=[[30, 0], [100, 10], [200, 20], [None, 40]])
# The applicant pays within 20 working days from the day after receiving the fee notice (109号).
DISCLOSURE_FEE_PAYMENT_DAYS = env.int("DISCLOSURE_FEE_PAYMENT_DAYS", default=20)
# Letters (补正/延期/征求意见/收费/答复): one number sequence per department and year.
# {agency}: the department's short name; {year}; {serial}.
DISCLOSURE_LETTER_NUMBER = env.str("DISCLOSURE_LETTER_NUMBER", default="{agency}依申请公开〔{year}〕{serial}号")
# The body that hears administrative reconsideration of the agencies' replies (《行政复议法》 art. 24),
# named in reply letters; empty leaves it out ("依法申请行政复议").
DISCLOSURE_REVIEW_BODY = env.str("DISCLOSURE_REVIEW_BODY", default="示范市人民政府")
