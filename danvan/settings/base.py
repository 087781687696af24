"""
Settings for every mode, read from the environment.

With no environment at all this is the embedded mode that `make run` starts: SQLite,
a Celery broker on the local file system (no Redis needed), e-mail written to files
under var/mail, a file-based cache. Production switches each part by variable; see
docs/operations.md and danvan/settings/production.py.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from danvan.settings import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env.read_env_file(BASE_DIR / ".env")

# Where embedded mode keeps its state (database, broker queue, mail, cache, uploads).
VAR_DIR = Path(env.text("DANVAN_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# --- Core -------------------------------------------------------------------------------
DEBUG = env.boolean("DEBUG", False)
# The embedded default key is for a laptop demo only; production.py refuses it.
INSECURE_DEV_KEY = "embedded-mode-only-not-a-secret-danvan"
SECRET_KEY = env.text("SECRET_KEY", INSECURE_DEV_KEY)
ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.origins("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env.web_url("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "danvan.core",
    "danvan.org",
    "danvan.audit",
    "danvan.calendar",
    "petitions",
    "tasks",
    "danvan.notify",
    "reports",
    "seeds",
]

MIDDLEWARE = [
    # Over-long addresses and headers: 414/431 in the API's error shape (below gunicorn's
    # limits in deploy/gunicorn.conf.py), before anything reads them.
    "danvan.core.middleware.RequestLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Keeps the request at hand for the audit log (address, browser) of deep events.
    "danvan.audit.services.RequestContextMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # NUL characters and overflowing admin dates: a 400 naming the parameter, not a 500.
    "danvan.core.middleware.HostileInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The API's per-user write allowance ("create") for the pages' POSTs too.
    "danvan.core.throttling.WebWriteThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "danvan.urls"
WSGI_APPLICATION = "danvan.wsgi.application"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "admin:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Personal data at rest ---------------------------------------------------------------
# Fernet keys for encrypted fields (citizen ID, phone), newest first; a keyed-hash key for
# finding equal values. Embedded mode derives both from SECRET_KEY; production requires them.
FIELD_ENCRYPTION_KEYS = env.fernet_keys("FIELD_ENCRYPTION_KEYS")
FIELD_HASH_KEY = env.text("FIELD_HASH_KEY", "")
if not FIELD_ENCRYPTION_KEYS or not FIELD_HASH_KEY:
    from danvan.core.crypto import derive_key

    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [derive_key(SECRET_KEY, "fields")]
    FIELD_HASH_KEY = FIELD_HASH_KEY or derive_key(SECRET_KEY, "hash")

# --- Database ------------------------------------------------------------------------------
DATABASES = {"default": env.database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'danvan.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.integer("CONN_MAX_AGE", 0, minimum=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the Celery worker and beat share the file without
    # "database is locked" under ordinary use; the timeout covers a busy writer.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -----------------------------------------------------------------------------------
# Redis in production (shared by every process); in embedded mode a file cache, so the web
# server and the worker still agree on lockouts and rate limits.
REDIS_URL = env.text("REDIS_URL", "")
if REDIS_URL:
    env.url("REDIS_URL", REDIS_URL, schemes=("redis", "rediss", "unix"))
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery ----------------------------------------------------------------------------------
# Embedded mode: kombu's file-system transport, a real broker shared by separate worker and
# beat processes through a folder, with nothing to install. Production: Redis.
CELERY_BROKER_URL = env.url(
    "CELERY_BROKER_URL",
    REDIS_URL or "filesystem://",
    schemes=("filesystem", "redis", "rediss", "amqp"),
)
if CELERY_BROKER_URL.startswith("filesystem"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
    }
    for _folder in ("queue", "control", "processed"):
        (VAR_DIR / "celery" / _folder).mkdir(parents=True, exist_ok=True)
else:
    # A message not acknowledged within this time is redelivered (late acks below).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
# Jobs are idempotent, so a job cut off mid-way is redelivered rather than lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.boolean("CELERY_TASK_ALWAYS_EAGER", False)

# --- E-mail ----------------------------------------------------------------------------------
if env.is_set("EMAIL_URL"):
    vars().update(env.email("EMAIL_URL", "consolemail://"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.address("DEFAULT_FROM_EMAIL", "danvan <no-reply@danvan.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the push outbox POSTs messages for a mobile push gateway; unset keeps them queued.
PUSH_WEBHOOK_URL = (
    env.url("PUSH_WEBHOOK_URL", "", schemes=("http", "https"))
    if env.is_set("PUSH_WEBHOOK_URL")
    else ""
)

# --- Authentication -----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out user is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = env.integer("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("AXES_COOLOFF_MINUTES", 15, minimum=1))
# Lock the pair (username, address): a guessed name from one place cannot lock its owner out
# everywhere, and one address cannot try every name.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "danvan.core.errors.axes_lockout_response"
AXES_IPWARE_PROXY_COUNT = env.integer("AXES_PROXY_COUNT", 0, minimum=0)
# django-ipware is not installed: our function reads X-Forwarded-For with that proxy count.
AXES_CLIENT_IP_CALLABLE = "danvan.org.authentication.client_ip_address"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600  # one working day
CSRF_COOKIE_HTTPONLY = False  # the browser API client reads it to send X-CSRFToken

# --- REST API ------------------------------------------------------------------------------
LOGIN_THROTTLE_RATE = env.rate("LOGIN_THROTTLE_RATE", "20/min")
CREATE_THROTTLE_RATE = env.rate("CREATE_THROTTLE_RATE", "120/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "danvan.org.authentication.RevocableJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "danvan.core.pagination.CursorPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "danvan.core.schema.DanvanAutoSchema",
    "EXCEPTION_HANDLER": "danvan.core.errors.api_exception_handler",
    # OPTIONS without a 500 on list-level actions that allow PUT (danvan.core.metadata).
    "DEFAULT_METADATA_CLASS": "danvan.core.metadata.DanvanMetadata",
    # Every POST counts against the user's "create" allowance (danvan.core.throttling);
    # the token endpoints replace it with their own "login" scope.
    "DEFAULT_THROTTLE_CLASSES": ["danvan.core.throttling.CreateRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"login": LOGIN_THROTTLE_RATE, "create": CREATE_THROTTLE_RATE},
    # Throttles key on the client address: X-Forwarded-For only from the proxies we have.
    "NUM_PROXIES": AXES_IPWARE_PROXY_COUNT,
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "DATE_INPUT_FORMATS": ["iso-8601", "%d/%m/%Y"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.integer("JWT_ACCESS_MINUTES", 15, minimum=1)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.integer("JWT_REFRESH_DAYS", 30, minimum=1)),
    # Each refresh hands out a new refresh token and blacklists the old one, so a stolen
    # refresh token is useful once at most, and logout revokes the chain.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "SIGNING_KEY": SECRET_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "danvan API",
    "DESCRIPTION": "REST API of danvan for web and mobile clients. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation declares its error statuses with the one `Error` body.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "danvan.core.schema.declare_error_responses",
    ],
    # Several models have a "kind" or "status"; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "PetitionKindEnum": "petitions.models.PetitionKind",
        "PetitionStatusEnum": "petitions.models.Status",
        "PetitionLinkKindEnum": "petitions.models.LinkKind",
        "MeetingKindEnum": "tasks.models.MeetingKind",
        "TaskStatusEnum": "tasks.models.TaskStatus",
    },
}

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# Our own strings first, then Vietnamese for the libraries that ship none (DRF, simplejwt…);
# each app may also carry its own locale/ folder.
LOCALE_PATHS = [BASE_DIR / "danvan" / "locale", BASE_DIR / "danvan" / "locale_vendor"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
# dd/mm/yyyy for people; the API speaks ISO 8601.
FORMAT_MODULE_PATH = ["danvan.formats"]

# --- Static and uploaded files --------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.text("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
STATICFILES_DIRS = [BASE_DIR / "danvan" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.text("MEDIA_ROOT", str(VAR_DIR / "media")))
# Largest file a client may upload (attachments, answers, directive files, evidence).
UPLOAD_MAX_BYTES = env.integer("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Embedded mode serves static files straight from the apps (no collectstatic step);
# production.py switches to collected, compressed, hashed files.
WHITENOISE_USE_FINDERS = True

# --- Logging -----------------------------------------------------------------------------------
LOG_LEVEL = env.choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_error": {"()": "danvan.core.logging.ClientErrorAsWarning"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "axes": {"level": "WARNING"},
        # A request with too many fields or too large a body is the client's error (a 400):
        # logged as a one-line WARNING, not an ERROR with a traceback.
        **{
            f"django.security.{name}": {"filters": ["client_error"]}
            for name in ("TooManyFieldsSent", "TooManyFilesSent", "RequestDataTooBig")
        },
    },
}
