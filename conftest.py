"""Settings for the test run, fixed before Django starts (pytest-django imports settings after this)."""

import os
import tempfile

os.environ.setdefault("JARING_SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnop")
os.environ.setdefault("JARING_DATA_DIR", tempfile.mkdtemp(prefix="jaring-test-"))
# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
