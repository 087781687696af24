"""Start-up reads its settings from the environment; a bad value stops it, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
VAR_DIR = tempfile.mkdtemp(prefix="danvan-env-test-")
# 60 characters, random-looking, not the embedded key.
GOOD_SECRET = "k7Qz!pV2@xR9#mL4$wT8%nB3^cY6&hJ1*dF5(gS0)aE2-uI7_oP4+lK9=zX3vN8"[:60]

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "danvan.settings.production",
    "SECRET_KEY": GOOD_SECRET,
    "ALLOWED_HOSTS": "danvan.example.vn",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://u:p@mail.example.vn:587",
    # Keys for encrypted personal data (required in production once that lands).
    "FIELD_ENCRYPTION_KEYS": "Wm9uZy1kYW52YW4tdGVzdC1rZXktMzItYnl0ZXMhISE=",
    "FIELD_HASH_KEY": "h4sh-k3y-for-tests-only-0123456789abcdef",
}


def manage(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """Run manage.py with only the given variables (plus PATH/HOME and a scratch var dir)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DANVAN_VAR_DIR": VAR_DIR,
        "STATIC_ROOT": str(Path(VAR_DIR) / "static"),
        "DJANGO_SETTINGS_MODULE": "danvan.settings.base",
        **variables,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = (result.stderr or result.stdout).strip().splitlines()
    return lines[-1] if lines else ""


def test_embedded_mode_needs_no_environment():
    result = manage("check")

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql-ish://localhost/danvan"),
        ("DATABASE_URL", "postgres://"),
        ("DATABASE_URL", "postgres://u@db:port/danvan"),
        ("AXES_FAILURE_LIMIT", "five"),
        ("AXES_FAILURE_LIMIT", "0"),
        ("DEBUG", "maybe"),
        ("CELERY_BROKER_URL", "rabbit"),
        ("CELERY_BROKER_URL", "http://broker.example.vn"),
        ("CELERY_BROKER_URL", "redis://"),
        ("CELERY_BROKER_URL", "redis://127.0.0.1:port/0"),
        ("REDIS_URL", "127.0.0.1:6379"),
        ("EMAIL_URL", "nonsense"),
        ("EMAIL_URL", "smtp+tls://u:p@:587"),
        ("JWT_ACCESS_MINUTES", "ten"),
        ("CONN_MAX_AGE", "-1"),
        ("SITE_URL", "danvan.example.vn"),
        ("SITE_URL", "ftp://danvan.example.vn"),
        ("LOG_LEVEL", "LOUD"),
        ("CSRF_TRUSTED_ORIGINS", "danvan.example.vn"),
        ("DEFAULT_FROM_EMAIL", "no-reply"),
    ],
)
def test_malformed_value_stops_start_up_naming_the_variable(variable, value):
    result = manage("check", **{variable: value})

    assert result.returncode != 0
    message = last_line(result)
    assert "ImproperlyConfigured" in message, result.stderr[-2000:]
    assert f"Environment variable {variable}:" in message


def test_good_values_of_the_checked_variables_are_accepted():
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SITE_URL, s.LOG_LEVEL, s.CSRF_TRUSTED_ORIGINS, s.DEFAULT_FROM_EMAIL)",
        SITE_URL="https://danvan.example.vn/",
        LOG_LEVEL="warning",
        CSRF_TRUSTED_ORIGINS="https://danvan.example.vn, https://*.danvan.example.vn",
        DEFAULT_FROM_EMAIL="Dân vận <no-reply@danvan.example.vn>",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "https://danvan.example.vn WARNING "
        "['https://danvan.example.vn', 'https://*.danvan.example.vn'] "
        "Dân vận <no-reply@danvan.example.vn>"
    )


def test_a_password_in_a_bad_url_is_not_printed():
    result = manage("check", DATABASE_URL="mysql://danvan:s3cr3t-pass@db.example.vn/danvan")

    assert result.returncode != 0
    assert "DATABASE_URL" in last_line(result)
    assert "s3cr3t-pass" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_URL",
        "FIELD_ENCRYPTION_KEYS",
        "FIELD_HASH_KEY",
    ],
)
def test_production_requires_each_variable(missing):
    variables = {k: v for k, v in PRODUCTION.items() if k != missing}

    result = manage("check", **variables)

    assert result.returncode != 0
    message = last_line(result)
    assert f"Environment variable {missing}:" in message, result.stderr[-2000:]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SECRET_KEY", "too-short"),
        ("SECRET_KEY", "embedded-mode-only-not-a-secret-danvan"),
        ("DATABASE_URL", "sqlite:////tmp/danvan.sqlite3"),
        ("CELERY_BROKER_URL", "filesystem://"),
        ("FIELD_ENCRYPTION_KEYS", "not-a-fernet-key"),
        ("FIELD_ENCRYPTION_KEYS", "Wm9uZy1kYW52YW4tdGVzdC1rZXktMzItYnl0ZXMhISE=,short"),
        ("FIELD_HASH_KEY", "too-short"),
    ],
)
def test_production_refuses_embedded_choices(variable, value):
    result = manage("check", **{**PRODUCTION, variable: value})

    assert result.returncode != 0
    assert f"Environment variable {variable}:" in last_line(result), result.stderr[-2000:]


def test_production_with_a_full_environment_passes_the_deploy_check():
    """No database or Redis needs to be reachable for the check itself."""
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        SITE_URL="https://danvan.example.vn",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_when_e_mail_links_would_point_at_localhost():
    """Without SITE_URL every link in a reminder e-mail would open the reader's own computer."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode != 0
    assert "danvan.W001" in result.stdout + result.stderr
    assert "SITE_URL" in result.stdout + result.stderr


def test_production_settings_are_hardened():
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.DATABASES['default']['ENGINE'], "
        "s.CACHES['default']['BACKEND'], s.CELERY_BROKER_URL, s.EMAIL_HOST, s.EMAIL_USE_TLS, "
        "s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'], s.CELERY_TASK_TIME_LIMIT)"
    )

    result = manage("shell", "-v", "0", "-c", code, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "True",
        "django.db.backends.postgresql",
        "danvan.core.cache.ResilientRedisCache",
        "redis://127.0.0.1:6379/0",
        "mail.example.vn",
        "True",
        # A killed worker's job is redelivered within 5 minutes; no job outlives that time.
        "240",
        "210",
    ]


def test_a_time_limit_not_below_the_visibility_timeout_stops_start_up():
    result = manage(
        "check",
        **PRODUCTION,
        BROKER_VISIBILITY_TIMEOUT="240",
        CELERY_TASK_TIME_LIMIT="300",
    )

    assert result.returncode != 0
    assert "CELERY_TASK_TIME_LIMIT" in result.stderr
    assert "BROKER_VISIBILITY_TIMEOUT" in result.stderr
