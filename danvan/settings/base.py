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

from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from danvan.settings import env, local_secrets

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env.read_env_file(BASE_DIR / ".env")

# Where embedded mode keeps its state (database, broker queue, mail, cache, uploads).
VAR_DIR = Path(env.text("DANVAN_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# --- Core -------------------------------------------------------------------------------
DEBUG = env.boolean("DEBUG", False)
# Secrets come from the environment. Embedded mode generates the missing ones once per
# installation into var/secrets.env (mode 0600) and reuses them; production.py requires them
# all from the environment and never reads that file (danvan/settings/local_secrets.py).
_generated: dict[str, str] = {}
if local_secrets.enabled() and not all(env.is_set(name) for name in local_secrets.NAMES):
    _generated = local_secrets.load_or_create(VAR_DIR)
SECRET_KEY = env.text("SECRET_KEY", _generated.get("SECRET_KEY", ""))
ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.origins("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env.web_url("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Django's admin with a site that asks administrators for a second factor.
    "danvan.twofactor.admin_apps.DanvanAdminConfig",
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
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "danvan.core",
    "danvan.org",
    "danvan.audit",
    "danvan.calendar",
    "petitions",
    "tasks",
    "danvan.notify",
    "reports",
    "movement",
    "citizen",
    "seeds",
    "danvan.twofactor",
]

MIDDLEWARE = [
    # Over-long addresses and headers: 414/431 in the API's error shape (below gunicorn's
    # limits in deploy/gunicorn.conf.py), before anything reads them.
    "danvan.core.middleware.RequestLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Compresses what every middleware below (and the view) produced; above them all but the
    # request limits and the security redirects, as Django asks. Static files come already
    # compressed from whitenoise (Content-Encoding set), which it leaves alone.
    "django.middleware.gzip.GZipMiddleware",
    # Content-Security-Policy (django-csp) and Permissions-Policy, Cache-Control: no-store for
    # personal data, Retry-After on a 429 (danvan.core.headers), on every response.
    "csp.middleware.CSPMiddleware",
    "danvan.core.headers.ResponseHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Keeps the request at hand for the audit log (address, browser) of deep events.
    "danvan.audit.services.RequestContextMiddleware",
    # The language: the person's profile, else the header's selector (cookie), else
    # Vietnamese; never the browser's Accept-Language (danvan.core.language).
    "danvan.core.language.LanguageMiddleware",
    # NUL characters and overflowing admin dates: a 400 naming the parameter, not a 500.
    "danvan.core.middleware.HostileInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor (danvan.twofactor).
    "django_otp.middleware.OTPMiddleware",
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

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
                # The header: the bell's unread count and the menu, read with the user (no query).
                "danvan.core.context_processors.header",
            ],
        },
    },
]

# --- Personal data at rest ---------------------------------------------------------------
# Fernet keys for encrypted fields (citizen ID, phone), newest first; a keyed-hash key for
# finding equal values. Embedded mode generates both (above); production requires them.
FIELD_ENCRYPTION_KEYS = env.fernet_keys("FIELD_ENCRYPTION_KEYS") or [
    key.strip() for key in _generated.get("FIELD_ENCRYPTION_KEYS", "").split(",") if key.strip()
]  # the file may list old keys after the new one too, as the variable does
FIELD_HASH_KEY = env.text("FIELD_HASH_KEY", _generated.get("FIELD_HASH_KEY", ""))

# --- Database ------------------------------------------------------------------------------
DATABASES = {"default": env.database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'danvan.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Connections are kept (a third of a small request's time went to connecting) in every mode,
# embedded included, and checked before reuse after an error or a restart of the database.
# Celery's worker closes its connections around each job (celery.fixups.django); beat closes
# old ones (close_old_connections, which honours both settings).
DATABASES["default"]["CONN_MAX_AGE"] = env.integer("CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
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
# Redis is a cache here, never the record: ResilientRedisCache answers a miss when Redis is
# away (a WARNING once a minute), with short socket timeouts and a breaker that skips Redis
# for CACHE_RETRY_SECONDS after a failure (danvan/core/cache.py).
REDIS_URL = env.text("REDIS_URL", "")
CACHE_RETRY_SECONDS = env.integer("CACHE_RETRY_SECONDS", 5, minimum=1)
CACHE_WARNING_SECONDS = 60
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}
if REDIS_URL:
    env.url("REDIS_URL", REDIS_URL, schemes=("redis", "rediss", "unix"))
    CACHES = {
        "default": {
            "BACKEND": "danvan.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
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
# A job taken by a worker that dies (SIGKILL, out of memory, power) is not acknowledged (late
# acks below); Redis gives it to another worker once BROKER_VISIBILITY_TIMEOUT has passed since
# it was taken, noticed by a restore scan every ~20 s (10 s x 2). So it runs again within
# 240 + 20 s = 4 min 20 s of being taken, as soon as a worker is up. Every job must therefore
# end before the visibility timeout, or Redis would hand a still-running job to a second
# worker: the hard time limit is below it (210 s; checked below) and the retry back-off of
# the reminders' jobs is capped at half of it (a retry's countdown is held unacknowledged).
BROKER_VISIBILITY_TIMEOUT = env.integer("BROKER_VISIBILITY_TIMEOUT", 240, minimum=10)
CELERY_TASK_TIME_LIMIT = env.integer("CELERY_TASK_TIME_LIMIT", 210, minimum=5)
if CELERY_TASK_TIME_LIMIT >= BROKER_VISIBILITY_TIMEOUT:
    raise env._fail(
        "CELERY_TASK_TIME_LIMIT",
        f"must be below BROKER_VISIBILITY_TIMEOUT ({BROKER_VISIBILITY_TIMEOUT} s), or a job "
        "still running would be handed to a second worker.",
    )
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 30, CELERY_TASK_TIME_LIMIT * 3 // 4)
REDIS_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 2,
}
if not CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS = dict(REDIS_BROKER_TRANSPORT_OPTIONS)
# Reminders still pending after this long are re-enqueued by the sweep (every 15 minutes): the
# backstop for a job lost inside the broker (Redis restarted without persistence).
REMINDER_STALE_SECONDS = 60 * env.integer("REMINDER_STALE_MINUTES", 10, minimum=1)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
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
# Text messages to citizens (citizen.providers): an import path per channel, empty = off.
# Unset, SMS go to files under var/sms/ (like e-mail under var/mail/) and Zalo is off.
CITIZEN_SMS_PROVIDER = env.text("CITIZEN_SMS_PROVIDER", "citizen.providers.FileTextProvider")
CITIZEN_ZALO_PROVIDER = env.text("CITIZEN_ZALO_PROVIDER", "")
CITIZEN_TEXT_DIR = str(VAR_DIR / "sms")
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
    # Django's ModelBackend; loading the signed-in user also counts their unread
    # notifications and their posts (subqueries): the header costs no query of its own.
    "danvan.core.auth.PageUserBackend",
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
# Failed sign-ins and lockouts are rows in the database (axes' default handler, named here so
# nobody moves them to the cache): a lost Redis neither unlocks nor locks anybody.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
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

# --- Response headers (docs/operations.md, "Response headers") ---------------------------
# Scripts and styles only from our own static files (or an element carrying the request's
# nonce: the API docs' Swagger UI); no inline event handlers or style attributes, no plugins,
# no framing, forms post only to us. Swagger UI draws its icons from data: URIs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The application uses none of these browser features (uploads are chosen with a file
# input, which no policy governs): every one is denied to every origin.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# A second factor (authenticator app, TOTP) for administrators and superusers in the admin;
# production.py turns it on. Off here so the printed demo accounts simply sign in.
ADMIN_REQUIRE_OTP = env.boolean("ADMIN_REQUIRE_OTP", False)
OTP_TOTP_ISSUER = "danvan"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600  # one working day
CSRF_COOKIE_HTTPONLY = False  # the browser API client reads it to send X-CSRFToken

# --- REST API ------------------------------------------------------------------------------
LOGIN_THROTTLE_RATE = env.rate("LOGIN_THROTTLE_RATE", "20/min")
CREATE_THROTTLE_RATE = env.rate("CREATE_THROTTLE_RATE", "120/min")
# The citizen's status look-up (page and API together), per client address: it guards a code
# and 4 digits of a phone, so it is counted over minutes, not per second.
CITIZEN_LOOKUP_RATE = env.rate("CITIZEN_LOOKUP_RATE", "10/10min", windowed=True)
# Open311's public reads (services, requests' status) per client address; filing a report is
# limited per registered app (its own rate, in the admin).
OPEN311_READ_RATE = env.rate("OPEN311_READ_RATE", "120/min")
# APIs whose errors have a shape of their own, for what middleware refuses before any view.
ERROR_SHAPES = {"/open311/": "citizen.open311.formats.error_for_path"}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "danvan.org.authentication.RevocableJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Request bodies are JSON; only the actions that upload a file take multipart (and declare
    # it), so the schema documents one media type per body (docs/api.md).
    "DEFAULT_PARSER_CLASSES": ["danvan.core.parsers.JSONParser"],
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
        "danvan.core.schema.stable_enums",
        "danvan.core.schema.typed_parameters",
        "danvan.core.schema.declare_etag_headers",
        "danvan.core.schema.required_bodies",
    ],
    # Several models have a "kind" or "status"; name each choice set after its model.
    # Every choice set has a stable ASCII component name (a generated client's class name);
    # danvan.core.schema.stable_enums points query parameters at these components too.
    "ENUM_NAME_OVERRIDES": {
        "PetitionKind": "petitions.models.PetitionKind",
        "PetitionStatus": "petitions.models.Status",
        "PetitionLinkKind": "petitions.models.LinkKind",
        "PetitionChannel": "petitions.models.Channel",
        "PetitionComplexity": "petitions.models.Complexity",
        "PetitionInstance": "petitions.models.Instance",
        "PetitionResult": "petitions.models.Result",
        "PetitionEventAction": "petitions.models.EventAction",
        "ClockStage": "petitions.models.Stage",
        "DeadlineState": "petitions.models.DeadlineState",
        "RespondentKind": "petitions.models.RespondentKind",
        "DirectiveType": "tasks.models.DirectiveType",
        "DirectiveStatus": "tasks.models.DirectiveStatus",
        "MeetingKind": "tasks.models.MeetingKind",
        "TaskSource": "tasks.models.TaskSource",
        "TaskPriority": "tasks.models.Priority",
        "TaskRecurrence": "tasks.models.Recurrence",
        "TaskStatus": "tasks.models.TaskStatus",
        "TaskAssignmentRole": "tasks.models.AssignmentRole",
        "ProgressReportState": "tasks.models.ReportState",
        "ReportDocumentKind": "reports.models.DocumentKind",
        "ReportDocumentStatus": "reports.models.DocumentStatus",
        "UnitLevel": "danvan.org.models.UnitLevel",
        "Language": "danvan.org.models.LANGUAGE_CHOICES",
        "MovementModelStatus": "movement.models.ModelStatus",
        "MovementModelField": "movement.models.ModelField",
        "MovementRecognitionLevel": "movement.models.RecognitionLevel",
        "MovementAward": "movement.models.Award",
        "MovementDropReason": "movement.models.DropReason",
        "IndicatorAggregation": "movement.models.Aggregation",
        "IndicatorReportSource": "movement.models.ReportSource",
        "UnitKind": "danvan.org.models.UnitKind",
        "MembershipRole": "danvan.org.models.Role",
        "DayUnit": "danvan.calendar.models.DayUnit",
        "NotificationTargetType": "danvan.notify.models.TargetType",
        "NoticeKind": "petitions.models.NoticeKind",
        "NoticeStatus": "petitions.models.NoticeStatus",
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
