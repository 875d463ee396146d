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

# --- Secret key -----------------------------------------------------------------------------------
# With DEBUG off a missing or weak key stops every process at startup, with the fix in the message.
if not DEBUG:
    from wms.security import require_strong_secret_key

    require_strong_secret_key(SECRET_KEY)
# Old keys still accepted for signatures while a rotation settles (docs/operations.md).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
# --- end secret key -------------------------------------------------------------------------------

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

# --- Platform apps --------------------------------------------------------------------------------
# django_prometheus: request and query metrics.
INSTALLED_APPS += ["django_prometheus"]
# --- end platform apps ----------------------------------------------------------------------------

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# --- Platform middleware --------------------------------------------------------------------------
# Request ids outermost, so that every response (errors and 429s included) carries one and every
# log line of the request has it; the Prometheus pair brackets everything else; whitenoise serves
# the admin's static files right after the security headers; database outages become 503s.
MIDDLEWARE = [
    "wms.middleware.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    *MIDDLEWARE,
    "wms.middleware.DatabaseUnavailableMiddleware",
    # Inside the 503 handler and after authentication: which database a request reads from.
    "wms.replica.ReadYourWritesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
# Before anything asks whether the request is secure: proxy headers only from TRUSTED_PROXIES.
MIDDLEWARE.insert(1, "wms.ratelimit.UntrustedProxyHeadersMiddleware")
# --- end platform middleware ----------------------------------------------------------------------

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

# --- Database runtime: pool, timeouts, PgBouncer, read replica ------------------------------------
# On PostgreSQL: Django's native psycopg pool, one per process (so per gunicorn worker).
#   min_size     = DB_POOL_SIZE                    connections opened at start and kept
#   max_size     = DB_POOL_SIZE + DB_MAX_OVERFLOW  the ceiling under a burst
#   timeout      = DB_POOL_TIMEOUT                 wait for a free connection, then 503
#   max_lifetime = DB_POOL_RECYCLE                 connections are replaced after this age
#   check        = ConnectionPool.check_connection (CONN_HEALTH_CHECKS: tested before use)
# docs/operations.md has the sizing rule. DB_POOL_SIZE=0 turns the pool off.
# A sync worker uses one connection at a time: 1 + 1 per worker lets one instance with the default
# 5 workers take 10 connections, so several fit under PostgreSQL's default max_connections of
# 100. The guide's 20/10 stays available by setting the variables.
DB_POOL_SIZE = env.int("DB_POOL_SIZE", default=1)
DB_MAX_OVERFLOW = env.int("DB_MAX_OVERFLOW", default=1)
DB_POOL_RECYCLE = env.float("DB_POOL_RECYCLE", default=3600)
# The timeout budget (docs/operations.md), from the inside out, each bound below the next so
# that the application always answers before the layer around it gives up:
#   lock wait < statement (+ the client's margin) < gunicorn's worker timeout
#   pool wait and connect < gunicorn's worker timeout; health < the probes' 3 s
# A lock wait past DB_LOCK_TIMEOUT is a 409 `locked`, a statement past DB_STATEMENT_TIMEOUT a
# 503, both JSON with Retry-After. wms.checks refuses settings that break the order.
GUNICORN_TIMEOUT = env.int("GUNICORN_TIMEOUT", default=30)
DB_LOCK_TIMEOUT = env.float("DB_LOCK_TIMEOUT", default=3)
DB_STATEMENT_TIMEOUT = env.int("DB_STATEMENT_TIMEOUT", default=15)
# A server that stops answering (frozen, hung host) enforces no timeout: the client gives up on
# any wait this much longer than the statement timeout (wms.backends.postgresql).
DB_ANSWER_MARGIN = 2
DB_POOL_TIMEOUT = env.float("DB_POOL_TIMEOUT", default=10)
DB_CONNECT_TIMEOUT = env.int("DB_CONNECT_TIMEOUT", default=5)
# PgBouncer in transaction pooling mode: no server-side cursors, and no startup options (it
# refuses them): set statement_timeout, lock_timeout and jit=off on the database role instead.
DB_PGBOUNCER = env.bool("DB_PGBOUNCER", default=False)
# TLS to PostgreSQL for every alias (DATABASE_URL's own ?sslmode=&sslrootcert= win): in production
# verify-full with the CA that signed the server's certificate (docs/operations.md).
DB_SSLMODE = env.str("DB_SSLMODE", default="")
DB_SSLROOTCERT = env.str("DB_SSLROOTCERT", default="")
# A seconds bound for /health's database check, far below the pool's timeout.
HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=2)


def _postgres_runtime(database: dict) -> dict:
    """Pool and timeouts for one PostgreSQL alias (DATABASE_URL's own sslmode etc. are kept)."""
    database["ENGINE"] = "wms.backends.postgresql"
    options = database.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    for option, value in (("sslmode", DB_SSLMODE), ("sslrootcert", DB_SSLROOTCERT)):
        if value:
            options.setdefault(option, value)
    if DB_PGBOUNCER:
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
    else:
        # jit=off: JIT compiles a plan over the ledger's monthly partitions for seconds (15 s of
        # a 50 ms query at 29 partitions); short OLTP queries never win it back.
        options["options"] = (
            f"-c statement_timeout={DB_STATEMENT_TIMEOUT * 1000}"
            f" -c lock_timeout={round(DB_LOCK_TIMEOUT * 1000)} -c jit=off"
        )
    database["CONN_MAX_AGE"] = 0  # the pool keeps connections; Django must not
    database["CONN_HEALTH_CHECKS"] = True
    if DB_POOL_SIZE > 0:
        options["pool"] = {
            "min_size": DB_POOL_SIZE,
            "max_size": DB_POOL_SIZE + DB_MAX_OVERFLOW,
            "timeout": DB_POOL_TIMEOUT,
            "max_lifetime": DB_POOL_RECYCLE,
            # Give up on a failed reconnection soon, so the next request starts a fresh attempt
            # and the pool recovers quickly once the database is back: the pool's retries back
            # off exponentially (1, 2, 4, 8 s...), which after a 20 s outage left /health
            # unhealthy 8 s after the database was back. 4 s keeps the gaps at 1-2 s.
            "reconnect_timeout": 4,
        }
    return database


if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _postgres_runtime(DATABASES["default"])

# Optional read replica for reporting reads (wms.routers.ReplicaRouter); postings never go there.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = _postgres_runtime(env.db_url("DATABASE_REPLICA_URL"))
    # Tests use the primary's test database under the replica's name.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# Read-your-writes (wms.replica): a replica more than this many seconds behind is skipped; one
# that failed is tried again after DB_REPLICA_RETRY seconds; a client's last write position is
# remembered in the shared cache for DB_REPLICA_LSN_TTL seconds.
DB_REPLICA_MAX_LAG = env.float("DB_REPLICA_MAX_LAG", default=5)
DB_REPLICA_RETRY = env.float("DB_REPLICA_RETRY", default=5)
DB_REPLICA_LSN_TTL = 600
DATABASE_ROUTERS = ["wms.routers.ReplicaRouter"]
# --- end database runtime -------------------------------------------------------------------------

# Django's ModelBackend, with a user's permissions read in one query (every API request checks one).
AUTHENTICATION_BACKENDS = ["wms.auth_backends.ModelBackendOneQuery"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# Our date formats (config/formats/en/): ISO-like, short enough for list columns.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# --- Static files in production -------------------------------------------------------------------
# whitenoise serves the admin's files from STATIC_ROOT (`manage.py collectstatic`), compressed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Where nothing was collected (development, tests) the files are served from the apps directly.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG or not STATIC_ROOT.is_dir()
# --- end static files -----------------------------------------------------------------------------

# --- Security -------------------------------------------------------------------------------------
# Secure by default whenever DEBUG is off; each can be switched by its own variable, e.g. to serve
# plain HTTP on purpose on a private network. /health, /healthz and /metrics are never
# redirected, so probes and scrapers can use plain HTTP inside the cluster.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health$", r"^healthz$", r"^metrics$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
SECURE_PROXY_SSL_HEADER = (
    tuple(env.list("SECURE_PROXY_SSL_HEADER")) if env.str("SECURE_PROXY_SSL_HEADER", "") else None
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# --- end security ---------------------------------------------------------------------------------

# --- Logging and metrics --------------------------------------------------------------------------
from wms.log import logging_config  # noqa: E402  (after the settings it does not need)

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOG_FORMAT = env.str("LOG_FORMAT", default="text").lower()
LOGGING = logging_config(level=LOG_LEVEL, fmt=LOG_FORMAT)
# /metrics is readable from these addresses or networks, or with a staff user's API token.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
# --- end logging and metrics ----------------------------------------------------------------------

# --- Metrics directory outside gunicorn -----------------------------------------------------------
# prometheus_client fails at its first metric when PROMETHEUS_MULTIPROC_DIR names a missing
# directory. gunicorn.conf.py makes it for the workers; a process that shares their environment
# but not their start (manage.py in the migration Job or compose's migrate service) makes it here.
if env.str("PROMETHEUS_MULTIPROC_DIR", default=""):
    Path(env.str("PROMETHEUS_MULTIPROC_DIR")).mkdir(parents=True, exist_ok=True)
# --- end metrics directory ------------------------------------------------------------------------

# --- Staff back office (Django admin) -------------------------------------------------------
# The admin is served by the WMS admin site (wms.admin_site): its titles and a login that is
# rate-limited with django-ratelimit in the `default` cache.
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.admin")] = "wms.admin_apps.WmsAdminConfig"
# Login attempts allowed per client address and, separately, per username: one limit shared by
# the admin and /api/auth/login/ (wms.login).
ADMIN_LOGIN_RATE = env.str("ADMIN_LOGIN_RATE", default="10/m")
# The phone's pick flow: when its last task is confirmed, post the pick list's documents with
# what was picked (on), or leave them reserved for a supervisor to check and post (off).
PICK_FLOW_POSTS = env.bool("PICK_FLOW_POSTS", default=True)
# The phone's count flow: when its last shelf is confirmed, post the count (on: stock is set to
# what was counted, for a counter who may post counts), or leave it a draft for a supervisor to
# check the differences and post (off). Off by default: a count corrects the books, a manager's
# decision, and clerks who count cannot post it anyway.
COUNT_FLOW_POSTS = env.bool("COUNT_FLOW_POSTS", default=False)
# A line quantity above this asks for a second "yes" before the document form saves or posts
# it (one limit for every product: a slip of a scanner is implausible for all of them).
QUANTITY_CONFIRM_ABOVE = env.int("QUANTITY_CONFIRM_ABOVE", default=10_000)

# --- Integrator API: REST framework, tokens, filters, pagination, errors, OpenAPI -------------
import ipaddress  # noqa: E402

from corsheaders.defaults import default_headers as default_cors_headers  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

import wms  # noqa: E402

INSTALLED_APPS += [
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
        "wms.tokens.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["wms.permissions.ModelPermissions"],
    "DEFAULT_PAGINATION_CLASS": "wms.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON only: a document and its lines are one nested body, which form encodings cannot carry.
    "DEFAULT_PARSER_CLASSES": ["wms.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "wms.renderers.BrowsableAPIRenderer",
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
    "VERSION": wms.__version__,
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
            # Keys of several sites (or test runs) sharing one Redis database stay apart.
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default=""),
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # The embedded default (SQLite, `make run`) is one process, where process-local counters
    # are exact. django-ratelimit's check refuses such a cache because every gunicorn worker
    # would count on its own (3 workers let 3 x the limit through); it is silenced for SQLite
    # only. On PostgreSQL without REDIS_URL every command fails, `check --deploy` included, with
    # wms.E003 (wms.checks), which names the variable to set instead of the library's words.
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
    else:
        SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003"]

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
CORS_ALLOW_HEADERS = (*default_cors_headers, "idempotency-key", "x-request-id", "x-wms-lsn")
CORS_EXPOSE_HEADERS = ["X-Request-ID", "Retry-After", "Idempotent-Replayed", "X-WMS-LSN"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
    "corsheaders.middleware.CorsMiddleware",
)
# After CORS, so that a refused request still carries the headers a browser needs to read it.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
    "wms.ratelimit.RateLimitMiddleware",
)

# --- OAuth2 for machines (django-oauth-toolkit, client credentials) -------------------------------
# POST /o/token/ with a client's id and secret (HTTP Basic) gives a Bearer token that expires;
# /o/revoke_token/ and /o/introspect/ take the same credentials. A client may ask only for the
# scopes it was created with (`manage.py create_oauth_client`); wms.oauth maps them onto the
# permissions every endpoint already checks.
INSTALLED_APPS += ["oauth2_provider"]
# Named so that migrations referring to the client model resolve it (the toolkit's default).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "SCOPES": {
        "read": "Read everything the client's user may see (every GET).",
        "write": "Create and change drafts, master data and webhook subscriptions.",
        "post": "Post, cancel, reserve and unreserve documents: move stock.",
        "introspection": "Ask /o/introspect/ about any client's token (not only its own).",
    },
    "OAUTH2_VALIDATOR_CLASS": "wms.oauth.Validator",
    "SCOPES_BACKEND_CLASS": "wms.oauth.ClientScopesBackend",
    "APPLICATION_ADMIN_CLASS": "wms.oauth_admin.ApplicationAdmin",
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OAUTH2_ACCESS_TOKEN_EXPIRE_SECONDS", default=3600),
    # The OAuth 2.0 Security BCP (RFC 9700) throughout: tokens stored hashed, only in headers,
    # none of the legacy grants. Only the client credentials grant is served (config/urls.py).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"][0] = "wms.oauth.TokenOrBearerAuthentication"
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"].insert(1, "wms.oauth.OAuth2ClientAuthentication")
SPECTACULAR_SETTINGS["DESCRIPTION"] = (
    "Products, warehouses, stock and the documents that move it. Authenticate with "
    "`Authorization: Token <key>`, or with an OAuth2 client's Bearer token from `POST /o/token/` "
    "(client credentials); see docs/api.md."
)
SPECTACULAR_SETTINGS["OAUTH2_FLOWS"] = ["clientCredentials"]
SPECTACULAR_SETTINGS["OAUTH2_TOKEN_URL"] = "/o/token/"
# --- end OAuth2 -----------------------------------------------------------------------------------

# --- Webhooks (integrations): the outbox and its delivery workers ---------------------------------
INSTALLED_APPS += ["integrations"]
# Loopback, private and link-local receivers are refused unless this is on (development, tests).
WEBHOOK_ALLOW_PRIVATE_URLS = env.bool("WEBHOOK_ALLOW_PRIVATE_URLS", default=False)
# Seconds to connect to a receiver, and again to read its answer.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5)
# Hours a failing delivery is retried (backoff from seconds to an hour) before it is given up.
WEBHOOK_RETRY_HOURS = env.float("WEBHOOK_RETRY_HOURS", default=24)
# Seconds an idle `manage.py webhook_worker` waits before looking for due deliveries again.
WEBHOOK_WORKER_POLL_SECONDS = env.float("WEBHOOK_WORKER_POLL_SECONDS", default=1)
# Subscriptions one webhook worker sends to at once, each in its own thread and database
# connection (count them in the pool budget): a receiver that hangs holds up only its own lane.
WEBHOOK_CONCURRENCY = env.int("WEBHOOK_CONCURRENCY", default=4)
# Days ahead `manage.py emit_lot_events` looks for lots with stock about to expire (lot.expiring).
WEBHOOK_LOT_EXPIRING_DAYS = env.int("WEBHOOK_LOT_EXPIRING_DAYS", default=30)
# --- end webhooks ---------------------------------------------------------------------------------

# --- Audit trail (audit): who changed what, and security events (docs/operations.md) ----------
INSTALLED_APPS += ["audit"]
OAUTH2_PROVIDER["SCOPES"]["audit"] = "Read the audit trail (with the user's audit permission)."
# --- end audit trail ------------------------------------------------------------------------------
