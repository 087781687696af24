"""What the benchmarks that go through gunicorn share: their own database, the server, p95."""

from __future__ import annotations

import math
import os
import secrets
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_gunicorn(
    url: str, port: int, work: Path, *, workers: int = 2, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """
    gunicorn in production settings on 127.0.0.1:`port` against `url`; the field keys are
    this process's (FIELD_* in the environment) or new ones. Returns once /healthz answers.
    """
    from cryptography.fernet import Fernet

    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "danvan.settings.production",
        "DATABASE_URL": url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
        "DANVAN_VAR_DIR": str(work),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEYS": os.environ.get(
            "FIELD_ENCRYPTION_KEYS", Fernet.generate_key().decode()
        ),
        "FIELD_HASH_KEY": os.environ.get("FIELD_HASH_KEY", secrets.token_urlsafe(48)),
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_URL": "smtp://127.0.0.1:1025",
        "SECURE_SSL_REDIRECT": "false",
        "LOGIN_THROTTLE_RATE": "1000/min",
        **(env or {}),
    }
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "danvan.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--error-logfile",
            str(work / "gunicorn.log"),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
    )
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("gunicorn did not start: " + (work / "gunicorn.log").read_text()[-2000:])
