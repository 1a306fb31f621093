"""Settings for the test run and type checking: the real settings with safe defaults for a developer machine.

The environment still wins, so `DATABASE_URL` set by scripts/with_postgres.py selects PostgreSQL before
Django starts (switching engines later would leave tests quietly running on SQLite).
"""

import os
import secrets
import tempfile

# A new key each run (subprocesses inherit it): a key written here would be one anyone can read.
os.environ.setdefault("JARING_SECRET_KEY", secrets.token_urlsafe(48))
os.environ.setdefault("JARING_DATA_DIR", tempfile.mkdtemp(prefix="jaring-test-"))
# Tests and the browser talk plain HTTP to 127.0.0.1; the HTTPS defaults are tested through settings_of().
os.environ.setdefault("JARING_HTTPS", "0")
# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from jaring.settings import *  # noqa: F403

# Hashing passwords slowly protects production; in tests it only costs time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the finders (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
