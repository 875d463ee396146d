"""Settings for the WMS: one module, every knob from the environment (django-environ).

A `.env` file beside manage.py is read when present; real environment variables win over it.
Unset, DATABASE_URL falls back to an embedded SQLite file so a newcomer needs nothing installed.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "wms",
    "warehouses",
    "inventory",
    "documents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# --- Integrator API: REST framework, tokens, filters, pagination, errors, OpenAPI -------------
import ipaddress  # noqa: E402

from corsheaders.defaults import default_headers as default_cors_headers  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

INSTALLED_APPS += [
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    # Installed for its system check, which refuses a cache that processes do not share.
    "django_ratelimit",
]
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header is what makes an anonymous request a 401, not a
    # 403. Sessions serve the browsable API to staff logged in to the admin.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["wms.permissions.ModelPermissions"],
    "DEFAULT_PAGINATION_CLASS": "wms.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON only: a document and its lines are one nested body, which form encodings cannot carry.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "wms.api_errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "WMS API",
    "DESCRIPTION": (
        "Products, warehouses, stock and the documents that move it. "
        "Authenticate with `Authorization: Token <key>`; see docs/api.md."
    ),
    "VERSION": "1.0.0",
    # Tags and operation ids by resource (products, documents), not by the /api/v1 prefix.
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Ids in paths (wms.api.IdConverter) are positive bigints.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
    "SERVE_INCLUDE_SCHEMA": False,
    # Separate request and response components, so read-only fields are never asked for.
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from this server, not a CDN: warehouses often sit on closed networks.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "DocTypeEnum": "documents.models.DocType",
        "DocumentStatusEnum": "documents.models.Status",
        "UnitEnum": "inventory.models.Unit",
    },
}
# How long an Idempotency-Key is remembered; `manage.py purge_idempotency_keys` deletes older
# ones. At least a day, so that a client retrying after an outage still finds its key.
IDEMPOTENCY_KEY_TTL_HOURS = max(24, env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24))

# --- Rate limiting and its shared cache -------------------------------------------------------
RATE_LIMIT_PER_MINUTE = env.int("RATE_LIMIT_PER_MINUTE", default=60)
# Addresses (or CIDR networks) of the reverse proxies in front of the app. Only a request that
# comes from one of them has its client taken from X-Forwarded-For; anyone else could forge it.
TRUSTED_PROXIES = [
    str(ipaddress.ip_network(entry, strict=False))
    for entry in env.list("TRUSTED_PROXIES", default=[])
]
RATELIMIT_IP_META_KEY = "wms.ratelimit.client_ip"
# A cache that cannot be reached must not take the API down with it: requests then pass
# uncounted (django-redis logs the error) instead of being refused.
RATELIMIT_FAIL_OPEN = True
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Every gunicorn worker and every instance counts in the same Redis.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    # The embedded default (SQLite, `make run`) is one process, where process-local counters
    # are exact. django-ratelimit's check refuses such a cache because it would undercount
    # across processes; it is silenced here and only here: any deployment sets REDIS_URL.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# --- CORS: browsers on these origins may call the API ----------------------------------------
CORS_ORIGINS = env.str("CORS_ORIGINS", default="").strip()
# The guide's JSON list (["https://a.example","https://b.example"]) or a comma separated list.
CORS_ALLOWED_ORIGINS = [
    origin.strip()
    for origin in (
        env.json("CORS_ORIGINS") if CORS_ORIGINS.startswith("[") else CORS_ORIGINS.split(",")
    )
    if origin.strip()
]
if "*" in CORS_ALLOWED_ORIGINS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "CORS_ORIGINS='*' is allowed only with DEBUG=True; list the origins instead."
        )
    CORS_ALLOWED_ORIGINS = []
    CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (*default_cors_headers, "idempotency-key", "x-request-id")
CORS_EXPOSE_HEADERS = ["X-Request-ID", "Retry-After", "Idempotent-Replayed"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
    "corsheaders.middleware.CorsMiddleware",
)
# After CORS, so that a refused request still carries the headers a browser needs to read it.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
    "wms.ratelimit.RateLimitMiddleware",
)
