"""Test settings: the embedded defaults, made fast and isolated; services follow the environment."""

import hashlib
import os
import tempfile
from pathlib import Path

# Each test run gets its own state folder (broker queue, mail, uploads); set before base
# reads it, and inherited by any worker process a test starts.
os.environ.setdefault("DANVAN_VAR_DIR", tempfile.mkdtemp(prefix="danvan-test-"))

from danvan.settings.base import *  # noqa: F403
from danvan.settings.base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A worker process started by a test may be given another (tests/notify/backends.py).
EMAIL_BACKEND = os.environ.get(
    "DANVAN_TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
# The cache stays what the environment says (a file cache under DANVAN_VAR_DIR, or Redis),
# so a Celery worker process started by a test shares it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so a real Celery worker process can open the same test database;
    # one per checkout, so two clones on one machine never share it.
    _checkout = hashlib.sha256(str(Path(__file__).resolve()).encode()).hexdigest()[:8]
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"danvan-test-{_checkout}.sqlite3")
    }
# Tests make many writes as one user within a minute; the throttle tests set a small rate.
if "CREATE_THROTTLE_RATE" not in os.environ:
    CREATE_THROTTLE_RATE = "100000/min"
# The look-up's allowance is per address, and every test client is 127.0.0.1; the look-up's
# own tests set a small rate.
if "CITIZEN_LOOKUP_RATE" not in os.environ:
    CITIZEN_LOOKUP_RATE = "100000/min"
