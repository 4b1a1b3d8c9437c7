"""Rumbo CRM settings, read from the environment (see the README's configuration table)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_secret, env_str
from config.mailers import mailers_from_environment

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

# Required outside debug (SECRET_KEY or SECRET_KEY_FILE); the tests set it as a deployment
# does (pyproject.toml, [tool.pytest_env]). An empty key is refused by Django itself the moment
# anything needs it (sessions, signing, `check --deploy`), so commands that never sign anything
# (makemigrations, compilemessages) still run without production secrets.
DEV_SECRET_KEY = "insecure-development-key-never-used-in-production"
SECRET_KEY = env_secret("SECRET_KEY", DEV_SECRET_KEY if DEBUG else "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "config.apps.RumboAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "django_filters",
    "guardian",
    "import_export",
    "config.apps.RumboAxesConfig",
    "config.apps.RumboTasksConfig",
    "accounts",
    "crm",
    "projects_ro",
    "contractors_ro",
    "documents",
    "dashboard",
    "devtools",
    "audit",
    "django_otp",
    "config.apps.RumboOTPTOTPConfig",
    "config.apps.RumboOTPStaticConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "accounts.middleware.CompanySettingsPerRequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.NoStoreForAuthenticatedMiddleware",
    "accounts.two_factor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# Database: an SQLite file by default, PostgreSQL (psycopg 3) through DATABASE_URL (or
# DATABASE_URL_FILE: the URL holds the password).
DATABASES = {
    "default": dj_database_url.parse(
        env_secret("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock at BEGIN, so read-compare-write in one transaction is safe.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: on the reports' and dashboard's aggregates at the reference volume PostgreSQL
    # spent 2.3 s compiling for 0.4 s of work (EXPLAIN ANALYZE); short OLTP queries never
    # win it back.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL := env_secret("REDIS_URL", ""):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }

# Authentication
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Two-factor sign-in (accounts/two_factor.py): the roles that must use an authenticator app.
# Administrador and Gerente Comercial in production; none with DEBUG, so the demo logins
# of seed_demo work at once (set OTP_REQUIRED_ROLES to try it locally). Anyone may enrol.
OTP_REQUIRED_ROLES = env_list(
    "OTP_REQUIRED_ROLES", "" if DEBUG else "Administrador,Gerente Comercial"
)
OTP_TOTP_ISSUER = "Rumbo CRM"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Sessions: 30 minutes idle, 12 hours absolute (accounts.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("SESSION_ABSOLUTE_HOURS", 12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes: lock a username after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The client address is REMOTE_ADDR unless a trusted reverse proxy is configured.
AXES_IPWARE_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0) or None
AXES_IPWARE_PROXY_TRUSTED_IPS = env_list("TRUSTED_PROXY_IPS") or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Security headers. HTTPS settings are on unless running locally (DEBUG) or turned off (the
# tests do, as a deployment without TLS would).
SECURE_HTTPS = env_bool("SECURE_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = SECURE_HTTPS
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
if env_int("TRUSTED_PROXY_COUNT", 0):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Internationalisation: the UI is Spanish whatever the browser asks for. Code and msgids are
# English; adding a language means a .po file, a LANGUAGES entry and LocaleMiddleware.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish"))]
# locale/: our catalogue (makemessages writes it). locale_vendor/: Spanish for the third-party
# labels an Administrador reads in admin that their packages do not translate (axes, tasks).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
TIME_ZONE = env_str("TIME_ZONE", "America/Caracas")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
# Grouping is asked for where a number is shown (floatformat:"2g", intcomma), never implied:
# ids in URLs and form values must stay plain digits.
USE_THOUSAND_SEPARATOR = False

# Static files are served by the app (whitenoise); user files live outside any public URL.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    # Uploaded documents and import previews: generated names, never under a public URL.
    # Point it at django-storages' S3 backend to keep them in an S3-compatible bucket.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Documents: the largest file accepted (refused while it streams in, before it fills the disk).
DOCUMENT_MAX_UPLOAD_BYTES = env_int("DOCUMENT_MAX_UPLOAD_MB", 25) * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "documents.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Email (Django 6.1 MAILERS): console by default, SMTP when EMAIL_HOST is set (config.mailers).
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Rumbo CRM <no-responder@rumbo.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAILERS = mailers_from_environment(BASE_DIR)
# Attempts of a queued email while the mail server refuses (accounts.tasks.retry_later).
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 5)

# Background work: run at once by default; a database queue + `manage.py db_worker` in production.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
    }
}

# Third-party apps.
FILTERS_EMPTY_CHOICE_LABEL = _("All")
GUARDIAN_RAISE_403 = False
GUARDIAN_MONKEY_PATCH_USER = False
ANONYMOUS_USER_NAME = None
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports each rendering step at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint.progress": {"level": "WARNING"}},
}

FORM_RENDERER = "config.forms.RumboFormRenderer"

# axes.W006 asks to add ip_address to the lockout parameters. The lockout is per username on
# purpose: a whole office behind one NAT address must not be locked out by one person's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Locally whitenoise serves straight from the source folders; otherwise (the tests too) the
# files `collectstatic` gathered in STATIC_ROOT, under their hashed names. Autorefresh looks
# each file up when asked instead of indexing STATIC_ROOT when the app starts (about 0.3 s):
# the tests set it, since every test client starts the app anew.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = env_bool("WHITENOISE_AUTOREFRESH", default=DEBUG)

# Absolute links in emails; required outside debug (the deploy check accounts.E001 says so).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

# Day-first dates also where code reads the global setting (django-import-export's widgets).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]
