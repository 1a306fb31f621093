"""Django settings for Jaring, read strictly from the environment (see jaring/env.py).

Variables (all optional on a developer machine):
  JARING_SECRET_KEY      required when JARING_DEBUG is off, unless the data folder is a demo's (demo mode:
                         `jaring demo` wrote a random key to $JARING_DATA_DIR/demo-secret-key); keys published
                         with Jaring (demo, test, benchmark) are refused outside demo and debug mode
  JARING_DEBUG           1/0, default 0
  JARING_ALLOWED_HOSTS   comma-separated, default 127.0.0.1,localhost
  DATABASE_URL           postgresql://user:pass@host:port/name; SQLite file when unset
  JARING_DATA_DIR        where the SQLite file and uploaded documents live, default ./var
  JARING_MEDIA_ROOT      uploaded documents, default $JARING_DATA_DIR/media (never under static)
  JARING_TIME_ZONE       default Asia/Makassar (WITA)
  JARING_LOGIN_ATTEMPTS  failed log-ins allowed per username and address in 15 minutes, default 5 (a username
                         from all addresses together: 10 times that; one address for all usernames: 4 times)
  JARING_TRUSTED_PROXIES  comma-separated IPs/CIDRs of reverse proxies whose X-Forwarded-For is believed; none
  JARING_UPLOAD_MAX_MB   largest document accepted, default 5
  JARING_PUBLIC_SUBMISSIONS_PER_HOUR  self-registrations per address per hour, default 20
  JARING_PUBLIC_SUBMISSIONS_PER_NIK   self-registration attempts per NIK per day, default 5
  JARING_STATUS_CHECKS_PER_HOUR       public status look-ups per address per hour, default 60
  JARING_IMPORT_MAX_ROWS  largest applicant list accepted by the bulk import, in rows, default 200000
  JARING_IMPORT_MAX_MB    largest applicant list file accepted, in MB, default 50
  JARING_INVOICE_MAX_ROWS  largest BPJS invoice reconciled, in rows, default 2000000
  JARING_INVOICE_MAX_MB    largest BPJS invoice file accepted, in MB, default 200
  JARING_PUBLIC_BASE_URL  public address printed in card QR codes, default http://127.0.0.1:8000
  JARING_CARD_CHECKS_PER_HOUR  public card checks per client address per hour, default 600
  JARING_MEMBER_LOOKUPS_PER_HOUR  member look-ups (POST /api/v1/members/lookup) per partner token per hour,
                                  default 500
  JARING_HTTPS           served over HTTPS: Secure cookies, HSTS; default on unless debug or demo mode
  JARING_HSTS_SECONDS    Strict-Transport-Security max-age, default 31536000 with JARING_HTTPS, else 0
  JARING_PROXY_SSL_HEADER  believe X-Forwarded-Proto: https from the proxy, default as JARING_HTTPS
  JARING_NOTIFICATION_SENDERS        channel=dotted.path pairs, comma-separated (sms, whatsapp, email);
                                     default: every channel written to the log and the outbox only
  JARING_NOTIFICATION_PHONE_CHANNEL  sms or whatsapp: how applicants with a phone number are told, default sms
  JARING_WAITLIST_SWEEP_MINUTES      how often the worker admits waitlists into free places, default 60
  JARING_LOGO_MAX_KB     largest funder logo accepted (PNG or JPEG), in KB, default 1024
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from jaring.env import PUBLISHED_KEYS, Env, Networks, SettingError, demo_key_read

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

env = Env()

try:
    DEBUG = env.bool("JARING_DEBUG", False)
    DATA_DIR = env.path("JARING_DATA_DIR", PROJECT_DIR / "var")
    # Demo mode: no JARING_SECRET_KEY, and the data folder is a demo's (`jaring demo` wrote its random key
    # there), so the README's commands work against the demo's data. Anywhere else a missing key stops start-up.
    demo_key = None if "JARING_SECRET_KEY" in env.environ else demo_key_read(DATA_DIR)
    DEMO_MODE = demo_key is not None
    SECRET_KEY = env.string("JARING_SECRET_KEY", demo_key or ("insecure-development-key-do-not-use" if DEBUG else None))
    if not DEBUG and len(SECRET_KEY) < 32:
        raise SettingError("JARING_SECRET_KEY must be at least 32 characters long")
    if not DEBUG and not DEMO_MODE and SECRET_KEY in PUBLISHED_KEYS:
        raise SettingError(
            "JARING_SECRET_KEY is a demo/test key published with Jaring; anyone could forge card tokens and "
            "sessions with it. Generate your own: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    ALLOWED_HOSTS = env.list("JARING_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
    MEDIA_ROOT = env.path("JARING_MEDIA_ROOT", DATA_DIR / "media")
    TIME_ZONE = env.timezone("JARING_TIME_ZONE", "Asia/Makassar")
    DATABASES = {"default": env.database("DATABASE_URL", DATA_DIR / "jaring.sqlite3")}
    LOGIN_ATTEMPTS_ALLOWED = env.int("JARING_LOGIN_ATTEMPTS", 5, minimum=1, maximum=100)
    # Behind the town hall's reverse proxy every request comes from the proxy: only for these peers is the
    # client read from X-Forwarded-For (jaring.core.http.client_ip). Default none: the peer is the client.
    TRUSTED_PROXIES: Networks = env.networks("JARING_TRUSTED_PROXIES")
    UPLOAD_MAX_MB = env.int("JARING_UPLOAD_MAX_MB", 5, minimum=1, maximum=50)
    # Public self-registration and status look-ups, counted in the database (no third-party service).
    PUBLIC_SUBMISSIONS_PER_HOUR = env.int("JARING_PUBLIC_SUBMISSIONS_PER_HOUR", 20, minimum=1, maximum=10_000)
    PUBLIC_SUBMISSIONS_PER_NIK_PER_DAY = env.int("JARING_PUBLIC_SUBMISSIONS_PER_NIK", 5, minimum=1, maximum=1000)
    PUBLIC_STATUS_CHECKS_PER_HOUR = env.int("JARING_STATUS_CHECKS_PER_HOUR", 60, minimum=1, maximum=10_000)
    # Bulk import of applicant lists (Kutai Timur alone covers 150,000 people).
    IMPORT_MAX_ROWS = env.int("JARING_IMPORT_MAX_ROWS", 200_000, minimum=1, maximum=1_000_000)
    IMPORT_MAX_MB = env.int("JARING_IMPORT_MAX_MB", 50, minimum=1, maximum=500)
    # A BPJS invoice has a row per member and month: a province-wide programme bills over a million.
    INVOICE_MAX_ROWS = env.int("JARING_INVOICE_MAX_ROWS", 2_000_000, minimum=1, maximum=10_000_000)
    INVOICE_MAX_MB = env.int("JARING_INVOICE_MAX_MB", 200, minimum=1, maximum=2000)
    # Messages to applicants: channel=dotted.path.SenderClass pairs. Channels left out use the log-and-outbox
    # sender, so the system works with no SMS, WhatsApp or e-mail provider (docs/verification.md).
    # The address printed in card QR codes: the public card check page must open from any phone.
    PUBLIC_BASE_URL = env.string("JARING_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    PUBLIC_CARD_CHECKS_PER_HOUR = env.int("JARING_CARD_CHECKS_PER_HOUR", 600, minimum=1, maximum=100_000)
    # KPJs are sequential: a partner token looking members up is held to this many per hour.
    MEMBER_LOOKUPS_PER_HOUR = env.int("JARING_MEMBER_LOOKUPS_PER_HOUR", 500, minimum=1, maximum=100_000)
    # Served over HTTPS (usually behind the town hall's reverse proxy): Secure cookies, HSTS, and the proxy's
    # X-Forwarded-Proto believed. On unless debugging or running the demo on http://127.0.0.1.
    HTTPS = env.bool("JARING_HTTPS", not DEBUG and not DEMO_MODE)
    HSTS_SECONDS = env.int("JARING_HSTS_SECONDS", 31_536_000 if HTTPS else 0, minimum=0, maximum=63_072_000)
    PROXY_SSL_HEADER = env.bool("JARING_PROXY_SSL_HEADER", HTTPS)
    # Dashboards, the coverage API and open data read figures counted by the worker; older than this, a view
    # queues a new count (reports.tasks.snapshots_ensure). Cron can run `jaring reports-refresh` instead.
    REPORTS_MAX_AGE_MINUTES = env.int("JARING_REPORTS_MAX_AGE_MINUTES", 15, minimum=1, maximum=1440)
    NOTIFICATION_SENDERS = env.mapping("JARING_NOTIFICATION_SENDERS", {})
    NOTIFICATION_PHONE_CHANNEL = env.choice("JARING_NOTIFICATION_PHONE_CHANNEL", "sms", choices=("sms", "whatsapp"))
    # Free places admit the waitlist by themselves: besides the admission when a place ends or a quota grows, the
    # worker sweeps every programme this often (jaring.allocation.tasks).
    WAITLIST_SWEEP_MINUTES = env.int("JARING_WAITLIST_SWEEP_MINUTES", 60, minimum=1, maximum=1440)
    # A funder's logo upload (PNG or JPEG), redrawn as a small PNG (core.branding).
    LOGO_MAX_KB = env.int("JARING_LOGO_MAX_KB", 1024, minimum=16, maximum=10_240)
    try:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingError(f"JARING_DATA_DIR={DATA_DIR} cannot be created: {exc.strerror}") from None
except SettingError as exc:
    # Stop start-up with one readable line rather than a traceback deep in Django.
    sys.stderr.write(f"Jaring configuration error: {exc}\n")
    raise SystemExit(2) from None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "jaring.core",
    "jaring.programmes",
    "jaring.eligibility",
    "jaring.registry",
    "jaring.allocation",
    "jaring.aid",
    "jaring.verification",
    "jaring.enrolment",
    "jaring.contributions",
    "jaring.claims",
    "jaring.duplicates",
    "jaring.reports",
    "jaring.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "jaring.core.middleware.SecurityHeaders",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "jaring.core.middleware.RefuseNulCharacters",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "jaring.urls"
WSGI_APPLICATION = "jaring.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "core:login"

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
                "django.template.context_processors.i18n",
                "jaring.core.context_processors.navigation",
            ],
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Front-end packages come from npm (package-lock.json); only their built files are served.
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/pico", NODE_MODULES / "@picocss" / "pico" / "css"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Documents are personal data: served only through views that check scope, never as /media/.
MEDIA_URL = "/_private/"
UPLOAD_MAX_BYTES = UPLOAD_MAX_MB * 1_048_576
IMPORT_MAX_BYTES = IMPORT_MAX_MB * 1_048_576
INVOICE_MAX_BYTES = INVOICE_MAX_MB * 1_048_576
# A document plus the form around it; larger bodies are refused before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1_048_576
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1_048_576

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = HSTS_SECONDS
SECURE_HSTS_INCLUDE_SUBDOMAINS = False  # the town hall's other sites are not ours to pin
# Only the proxy sets X-Forwarded-Proto; JARING_PROXY_SSL_HEADER=0 when Jaring faces clients directly.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PROXY_SSL_HEADER else None
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "jaring.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Tasks that queue their own next run; a starting worker queues the first (core.services.periodic_tasks_ensure).
PERIODIC_TASKS = ["jaring.allocation.tasks.waitlists_sweep"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
