"""Django settings for huiwu, read from the environment (see PRODUCT.md: HUIWU_*)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("HUIWU_DATA_DIR", "./var")).resolve()
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use HUIWU_SECRET_KEY, else a key generated once into the data dir (kept across restarts)."""
    if os.environ.get("HUIWU_SECRET_KEY"):
        return os.environ["HUIWU_SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(secrets.token_urlsafe(50))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # atomic: the first process to start wins
        except FileExistsError:
            pass
        tmp.unlink()
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("HUIWU_DEBUG", "") == "1"
#: the address people reach the site at, for links in e-mails sent from the queue
HUIWU_BASE_URL = os.environ.get("HUIWU_BASE_URL", "").rstrip("/")
_base = urlsplit(HUIWU_BASE_URL)
# the site answers to the host of its address (and to itself, for health checks on the machine)
ALLOWED_HOSTS = (os.environ["HUIWU_ALLOWED_HOSTS"].split(",") if os.environ.get("HUIWU_ALLOWED_HOSTS")
                 else [_base.hostname, "localhost", "127.0.0.1", "[::1]"] if _base.hostname else ["*"])
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("HUIWU_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
if _base.hostname:
    CSRF_TRUSTED_ORIGINS.append(f"{_base.scheme}://{_base.netloc}")
if _base.scheme == "https":
    # served over TLS (usually behind a proxy that says so): cookies only over https, and HSTS
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("HUIWU_HSTS_SECONDS", str(365 * 24 * 3600)))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "huiwu.core",
    "huiwu.accounts",
    "huiwu.audit",
    "huiwu.events",
    "huiwu.venues",
    "huiwu.receipts",
    "huiwu.notices",
    "huiwu.admission",
    "huiwu.rehearsals",
    "huiwu.seating",
    "huiwu.checkin",
    "huiwu.reports",
    "huiwu.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "huiwu.core.middleware.RequestIdMiddleware",
    "huiwu.core.middleware.CleanInputMiddleware",
    "huiwu.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "huiwu.core.middleware.CatalogueLocaleMiddleware",
    # Django's, passed by for API requests (huiwu/core/middleware.py: _PagesOnly)
    "huiwu.core.middleware.CommonMiddleware",
    "huiwu.core.middleware.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "huiwu.core.middleware.MessageMiddleware",
    "huiwu.core.middleware.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "huiwu.urls"
WSGI_APPLICATION = "huiwu.wsgi.application"

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

# --- database -------------------------------------------------------------
DATABASE_URL = os.environ.get("HUIWU_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'huiwu.sqlite3'}"
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
if _db["ENGINE"] == "django.db.backends.postgresql":
    _db["ENGINE"] = "huiwu.core.pgbackend"  # Django's, without a health check per request on a busy connection
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN,
        # so a transaction that reads a count and then writes cannot be overtaken (capacity).
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
    _db["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    # a test database per process, so two test runs on one machine never share one
    _db["TEST"] = {"NAME": f"test_huiwu_{os.getpid()}"}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- cache and queue ------------------------------------------------------
REDIS_URL = os.environ.get("HUIWU_REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "huiwu",
        "url": REDIS_URL,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "huiwu",
        "filename": str(DATA_DIR / "queue.sqlite3"),
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# tests run tasks in-process (huiwu/testenv.py sets this); `huiwu up` runs a real consumer
HUEY["immediate"] = os.environ.get("HUIWU_QUEUE_IMMEDIATE", "") == "1"

# --- mail -----------------------------------------------------------------
EMAIL_URL = os.environ.get("HUIWU_EMAIL_URL", "")
if EMAIL_URL.startswith("smtp://"):
    from urllib.parse import urlparse

    _mail = urlparse(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "127.0.0.1"
    EMAIL_PORT = _mail.port or 25
    EMAIL_HOST_USER = _mail.username or ""
    EMAIL_HOST_PASSWORD = _mail.password or ""
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "outbox")
DEFAULT_FROM_EMAIL = os.environ.get("HUIWU_FROM_EMAIL", "huiwu@localhost")

# --- i18n -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("HUIWU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"  # never served directly: documents go through permission-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600  # the data dir holds personal data: owner only
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
HUIWU_MAX_UPLOAD_BYTES = int(os.environ.get("HUIWU_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))

# --- auth -----------------------------------------------------------------
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_HTTPONLY = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email", "display_name")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
HUIWU_LOGIN_MAX_FAILURES = 5  # per username+address within the window below
HUIWU_LOGIN_WINDOW_SECONDS = 15 * 60
HUIWU_IDEMPOTENCY_HOURS = int(os.environ.get("HUIWU_IDEMPOTENCY_HOURS", "24"))
HUIWU_INVITATION_DAYS = 14
HUIWU_PURGE_AFTER_DAYS = int(os.environ.get("HUIWU_PURGE_AFTER_DAYS", "14"))
# Test-only switch used by the concurrency tests to show the race the venue lock removes.
HUIWU_CAPACITY_LOCK = os.environ.get("HUIWU_CAPACITY_LOCK", "1") != "0"

# --- logging: structured JSON on stderr -----------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "huiwu.core.middleware.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("HUIWU_LOG_LEVEL", "INFO")},
    "loggers": {"huey": {"level": "WARNING"}},
}
