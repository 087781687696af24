"""Embedded mode generates its own secrets once per installation; production never uses them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from danvan.settings import local_secrets
from tests.core.test_settings_env import PRODUCTION, last_line

ROOT = Path(settings.BASE_DIR)
SHOW = (
    "from django.conf import settings as s; "
    "print(s.SECRET_KEY, ','.join(s.FIELD_ENCRYPTION_KEYS), s.FIELD_HASH_KEY, "
    "s.SIMPLE_JWT['SIGNING_KEY'])"
)


def start(var_dir: Path, *, module: str = "danvan.settings.base", **variables: str):
    """manage.py with nothing in the environment but a state folder (a fresh installation)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DANVAN_VAR_DIR": str(var_dir),
        "STATIC_ROOT": str(var_dir / "static"),
        "DJANGO_SETTINGS_MODULE": module,
        **variables,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", SHOW],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def shown(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    assert result.returncode == 0, result.stderr[-2000:]
    secret, fernet, hashing, signing = result.stdout.split()
    return {"SECRET_KEY": secret, "FIELD_ENCRYPTION_KEYS": fernet, "FIELD_HASH_KEY": hashing,
            "SIGNING_KEY": signing}  # fmt: skip


def test_a_fresh_installation_gets_private_random_keys_and_reuses_them(tmp_path: Path) -> None:
    first = shown(start(tmp_path / "one"))

    file = tmp_path / "one" / "secrets.env"
    assert file.stat().st_mode & 0o777 == 0o600
    text = file.read_text()
    for name in local_secrets.NAMES:
        assert f"{name}={first[name]}\n" in text
    assert len(first["SECRET_KEY"]) >= 50
    assert len(first["FIELD_HASH_KEY"]) >= 32
    Fernet(first["FIELD_ENCRYPTION_KEYS"].encode())  # a usable key, or this raises
    assert first["SIGNING_KEY"] == first["SECRET_KEY"]  # API tokens follow SECRET_KEY
    assert len({first["SECRET_KEY"], first["FIELD_ENCRYPTION_KEYS"], first["FIELD_HASH_KEY"]}) == 3

    assert shown(start(tmp_path / "one")) == first  # the second start reuses them
    assert file.read_text() == text

    other = shown(start(tmp_path / "two"))  # another installation: nothing in common
    for name in local_secrets.NAMES:
        assert other[name] != first[name], name


def test_the_environment_wins_variable_by_variable(tmp_path: Path) -> None:
    generated = shown(start(tmp_path))
    secret = "e" * 60

    result = shown(start(tmp_path, SECRET_KEY=secret))

    assert result["SECRET_KEY"] == result["SIGNING_KEY"] == secret
    assert result["FIELD_HASH_KEY"] == generated["FIELD_HASH_KEY"]


def test_no_file_when_the_environment_gives_every_key(tmp_path: Path) -> None:
    keys = {name: PRODUCTION[name] for name in local_secrets.NAMES}

    result = shown(start(tmp_path, **keys))

    assert result["SECRET_KEY"] == keys["SECRET_KEY"]
    assert not (tmp_path / "secrets.env").exists()


RACER = """
import sys, time
from pathlib import Path
from danvan.settings import local_secrets
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.001)
values = local_secrets.load_or_create(Path(sys.argv[1]))
print(values["SECRET_KEY"], values["FIELD_ENCRYPTION_KEYS"], values["FIELD_HASH_KEY"])
"""


def test_processes_starting_at_the_same_moment_agree(tmp_path: Path) -> None:
    """Like honcho starting web, worker and beat at once on a fresh installation."""
    go = tmp_path / "go"
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(tmp_path / "var"), str(go)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    time.sleep(1)  # let every racer reach its starting line
    go.touch()
    outputs = [racer.communicate(timeout=60) for racer in racers]

    assert all(racer.returncode == 0 for racer in racers), outputs
    assert len({stdout for stdout, _err in outputs}) == 1, outputs
    assert outputs[0][0].split()[0] in (tmp_path / "var" / "secrets.env").read_text()
    assert [p.name for p in (tmp_path / "var").iterdir()] == ["secrets.env"]  # no leftovers


def test_a_loosened_file_is_made_private_again(tmp_path: Path) -> None:
    values = local_secrets.load_or_create(tmp_path)
    (tmp_path / "secrets.env").chmod(0o644)

    assert local_secrets.load_or_create(tmp_path) == values
    assert (tmp_path / "secrets.env").stat().st_mode & 0o777 == 0o600


def test_an_incomplete_file_stops_start_up_naming_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "secrets.env").write_text("SECRET_KEY=abc\n")

    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS, FIELD_HASH_KEY"):
        local_secrets.load_or_create(tmp_path, wait_seconds=0.2)


def test_production_never_reads_the_generated_file(tmp_path: Path) -> None:
    """Keys left in var/ by an embedded run must not stand in for the environment's."""
    shown(start(tmp_path))  # an embedded run leaves var/secrets.env behind
    for missing in local_secrets.NAMES:
        variables = {k: v for k, v in PRODUCTION.items() if k != missing}

        result = start(tmp_path, module="danvan.settings.production", **variables)

        assert result.returncode != 0
        assert f"Environment variable {missing}:" in last_line(result), result.stderr[-2000:]


def test_production_writes_no_file(tmp_path: Path) -> None:
    production = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SETTINGS_MODULE"}

    result = shown(start(tmp_path, module="danvan.settings.production", **production))

    assert result["SECRET_KEY"] == PRODUCTION["SECRET_KEY"]
    assert result["FIELD_ENCRYPTION_KEYS"] == PRODUCTION["FIELD_ENCRYPTION_KEYS"]
    assert not (tmp_path / "secrets.env").exists()
    # Nor when one is missing: it stops, and leaves no generated key for a later start.
    without_secret = {k: v for k, v in production.items() if k != "SECRET_KEY"}
    failed = start(tmp_path, module="danvan.settings.production", **without_secret)
    assert "Environment variable SECRET_KEY:" in last_line(failed), failed.stderr[-2000:]
    assert not (tmp_path / "secrets.env").exists()


def test_processes_started_by_the_tests_share_the_test_runs_keys() -> None:
    """A Celery worker a test starts inherits DANVAN_VAR_DIR, so it decrypts what tests wrote."""
    assert os.environ["DANVAN_VAR_DIR"] == str(settings.VAR_DIR)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "danvan.settings.test"}

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", SHOW],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    child = shown(result)
    assert child["SECRET_KEY"] == settings.SECRET_KEY
    assert child["FIELD_ENCRYPTION_KEYS"] == ",".join(settings.FIELD_ENCRYPTION_KEYS)
    assert child["FIELD_HASH_KEY"] == settings.FIELD_HASH_KEY


def test_make_run_says_where_the_keys_are_kept(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DANVAN_VAR_DIR": str(tmp_path),
        "STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "danvan.settings.base",
    }

    def run() -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", "embedded_secrets"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    first, second = run(), run()

    assert f"Đã tạo các khoá bí mật riêng của bản cài đặt này trong {tmp_path}/secrets.env" in first
    assert "(đã tạo từ trước)" in second
    kept = local_secrets._parse((tmp_path / "secrets.env").read_text())
    assert not any(value in first + second for value in kept.values())  # where, never what


def test_the_file_can_list_an_old_encryption_key_after_the_new_one(tmp_path: Path) -> None:
    """Rotating in embedded mode: FIELD_ENCRYPTION_KEYS=new,old in the file, as in a variable."""
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    (tmp_path / "secrets.env").write_text(
        f"SECRET_KEY={'s' * 60}\nFIELD_ENCRYPTION_KEYS={new},{old}\nFIELD_HASH_KEY={'h' * 40}\n"
    )

    assert shown(start(tmp_path))["FIELD_ENCRYPTION_KEYS"] == f"{new},{old}"
