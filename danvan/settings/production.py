"""
Production mode: PostgreSQL, Redis (broker and cache), real SMTP, HTTPS.

Selected with DJANGO_SETTINGS_MODULE=danvan.settings.production. Everything still comes
from the environment; what production cannot do without is required here, and start-up
stops with a message naming the missing or malformed variable.
"""

from danvan.settings import env, local_secrets

# Every key comes from the environment: never the generated ones of embedded mode in var/.
local_secrets.disable()

from danvan.settings.base import *  # noqa: E402, F403
from danvan.settings.base import STORAGES  # noqa: E402

DEBUG = False

SECRET_KEY = env.text("SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise env._fail("SECRET_KEY", "must be a random string of at least 50 characters.")
SIMPLE_JWT["SIGNING_KEY"] = SECRET_KEY  # noqa: F405

FIELD_ENCRYPTION_KEYS = env.fernet_keys("FIELD_ENCRYPTION_KEYS")
if not FIELD_ENCRYPTION_KEYS:
    raise env._fail(
        "FIELD_ENCRYPTION_KEYS",
        "is required in production: one or more Fernet keys, newest first (make one with "
        "python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())').",
    )
FIELD_HASH_KEY = env.text("FIELD_HASH_KEY")
if len(FIELD_HASH_KEY) < 32:
    raise env._fail("FIELD_HASH_KEY", "must be a random string of at least 32 characters.")

ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise env._fail("ALLOWED_HOSTS", "is required in production (comma-separated host names).")

DATABASES = {"default": env.database("DATABASE_URL", env.text("DATABASE_URL"))}
if not DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    raise env._fail("DATABASE_URL", "production runs on PostgreSQL (postgres://…).")
DATABASES["default"]["CONN_MAX_AGE"] = env.integer("CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = True

REDIS_URL = env.url("REDIS_URL", env.text("REDIS_URL"), schemes=("redis", "rediss", "unix"))
CACHES = {
    "default": {
        # A miss, not an error, when Redis is away: see base.py and danvan/core/cache.py.
        "BACKEND": "danvan.core.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": REDIS_CACHE_OPTIONS,  # noqa: F405
    }
}
CELERY_BROKER_URL = env.url("CELERY_BROKER_URL", REDIS_URL, schemes=("redis", "rediss", "amqp"))
# Visibility timeout 240 s, hard time limit 210 s below it: a killed worker's job runs again
# within 5 minutes (see base.py).
CELERY_BROKER_TRANSPORT_OPTIONS = dict(REDIS_BROKER_TRANSPORT_OPTIONS)  # noqa: F405

# Administrators and superusers sign in to the admin with an authenticator app's code.
ADMIN_REQUIRE_OTP = env.boolean("ADMIN_REQUIRE_OTP", True)

if not env.is_set("EMAIL_URL"):
    raise env._fail(
        "EMAIL_URL", "is required in production (e.g. smtp+tls://user:password@host:587)."
    )

# HTTPS everywhere; the proxy in front (nginx, a load balancer) sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", True)
# The health probes (/healthz, /healthz/live, /healthz/ready) answer over plain HTTP too: a load
# balancer probing gunicorn directly must get the probe's answer, not a 301 (operations.md).
SECURE_REDIRECT_EXEMPT = [r"^healthz"]
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
