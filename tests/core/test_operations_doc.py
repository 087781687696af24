"""
docs/operations.md is right: its production `export` block, copied as written with the `…`
filled in, starts the production settings (`check --deploy` in a clean environment, no
warning); its table
of environment variables names exactly the variables the settings read; `/healthz` is exempt
from the HTTPS redirect, as it says.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import subprocess  # nosec B404
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DOC = (ROOT / "docs" / "operations.md").read_text()

# What the operator puts where the block says "…", by variable.
FILLERS = {
    "SECRET_KEY": lambda: secrets.token_urlsafe(64),
    "FIELD_ENCRYPTION_KEYS": lambda: Fernet.generate_key().decode(),
    "FIELD_HASH_KEY": lambda: secrets.token_urlsafe(48),
    "DATABASE_URL": lambda: "a-database-password",
    "EMAIL_URL": lambda: "a-mail-password",
}


def _section(heading: str) -> str:
    start = DOC.index(f"\n## {heading}\n")
    end = DOC.find("\n## ", start + 1)
    return DOC[start : end if end != -1 else None]


def export_block() -> dict[str, str]:
    """NAME=value of the `export` command in "Running in production", placeholders left."""
    code = re.search(r"```sh\n(.*?)```", _section("Running in production"), re.S)
    assert code, "no sh block under Running in production"
    text = code.group(1).replace("\\\n", " ")
    exports = [line for line in text.splitlines() if line.strip().startswith("export ")]
    assert len(exports) == 1, exports
    pairs = shlex.split(exports[0], comments=True)[1:]
    return dict(pair.split("=", 1) for pair in pairs)


def filled(block: dict[str, str]) -> dict[str, str]:
    values = {}
    for name, value in block.items():
        if "…" in value:
            assert name in FILLERS, f"{name}={value}: a placeholder the test does not know"
            value = value.replace("…", FILLERS[name]())
        values[name] = value
    return values


def test_the_export_block_has_what_production_requires() -> None:
    block = export_block()

    for name in (
        "DJANGO_SETTINGS_MODULE",
        "SECRET_KEY",
        "FIELD_ENCRYPTION_KEYS",
        "FIELD_HASH_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_URL",
    ):
        assert name in block, name
    assert block["DJANGO_SETTINGS_MODULE"] == "danvan.settings.production"


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # A fixed interpreter and arguments, no shell.
    return subprocess.run(  # nosec B603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _clean_environment(tmp_path: Path) -> dict[str, str]:
    """Only what any shell has; no DATABASE_URL, SECRET_KEY… from the test run."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
    }


def test_the_export_block_starts_production(tmp_path: Path) -> None:
    if (ROOT / ".env").exists():
        pytest.skip("a .env file at the root would add to the block")
    values = filled(export_block())
    # The folders it names, made writable here.
    for name in ("MEDIA_ROOT", "STATIC_ROOT", "DANVAN_VAR_DIR"):
        if name in values:
            values[name] = str(tmp_path / Path(values[name]).name)
    env = {**_clean_environment(tmp_path), **values}

    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified" in result.stdout + result.stderr


def test_a_missing_field_key_stops_start_up(tmp_path: Path) -> None:
    """The test above can fail: without FIELD_HASH_KEY (as the block once was) it does."""
    values = filled(export_block())
    values.pop("FIELD_HASH_KEY")
    env = {**_clean_environment(tmp_path), **values, "DANVAN_VAR_DIR": str(tmp_path)}

    result = _manage(env, "check", "--deploy")

    assert result.returncode != 0
    assert "FIELD_HASH_KEY" in result.stderr


def test_the_production_commands_start_gunicorn_with_its_limits() -> None:
    """Without `-c deploy/gunicorn.conf.py` gunicorn keeps its own 4 KB request line (an HTML
    414) instead of the limits above the application's ("Request limits")."""
    block = re.search(r"```sh\n(.*?)```", _section("Running in production"), re.S)
    assert block
    starts = [line for line in block.group(1).splitlines() if "bin/gunicorn " in line]
    assert starts, "the block starts no gunicorn"
    for line in starts:
        assert "-c deploy/gunicorn.conf.py" in line, line
    procfile = (ROOT / "Procfile").read_text().splitlines()
    web = [line for line in procfile if line.startswith("web:")]
    assert web and "-c deploy/gunicorn.conf.py" in web[0]


def documented_variables() -> set[str]:
    names = set()
    for line in _section("Environment variables").splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def variables_read_by_the_settings() -> set[str]:
    names = set()
    for path in sorted((ROOT / "danvan" / "settings").glob("*.py")):
        text = path.read_text()
        for function, name in re.findall(r"\benv\.(\w+)\(\s*\"([A-Z][A-Z0-9_]+)\"", text):
            if function != "_fail":  # names a variable in a message, reads nothing
                names.add(name)
    # gunicorn's configuration reads its own few (the Procfile passes the same ones).
    gunicorn = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    names |= set(re.findall(r"os\.environ\.get\(\s*[\"']([A-Z][A-Z0-9_]+)[\"']", gunicorn))
    return names


def test_the_variables_table_matches_the_settings() -> None:
    documented = documented_variables()
    read = variables_read_by_the_settings()
    assert len(read) > 25

    # Chosen before Django starts, so no settings module reads it.
    not_read_by_settings = {"DJANGO_SETTINGS_MODULE"}
    assert read - documented == set(), "read by the settings, missing from the table"
    assert documented - read - not_read_by_settings == set(), "in the table, read nowhere"


def _integer_defaults(module: str) -> dict[str, int]:
    text = (ROOT / "danvan" / "settings" / f"{module}.py").read_text()
    found = re.findall(
        r'\benv\.integer\(\s*"([A-Z][A-Z0-9_]+)",\s*([0-9_]+(?:\s*\*\s*[0-9_]+)*)', text
    )
    values = {}
    for name, expression in found:
        value = 1
        for factor in expression.split("*"):
            value *= int(factor.strip().replace("_", ""))
        values[name] = value
    return values


def test_the_tables_integer_defaults_are_the_codes() -> None:
    """The numbers the docs promise with (240 s visibility, 210 s job limit, 10 minutes before
    a requeue, 5 s cache retry, the lockout...) are those the settings fall back to."""
    base, production = _integer_defaults("base"), _integer_defaults("production")
    checked = 0
    for line in _section("Environment variables").splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.split("|")[1:-1]]
        names = re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0])
        embedded = re.findall(r"^(\d+)\b", cells[2].replace(",", ""))
        if len(names) == 1 and names[0] in base and embedded:
            assert int(embedded[0]) == base[names[0]], line
            checked += 1
            live = re.findall(r"^(\d+)\b", cells[3])
            if live:
                assert int(live[0]) == production.get(names[0], base[names[0]]), line
        elif len(names) > 1 and all(name in base for name in names):
            # "5, 15, 0": one default per variable, in order.
            numbers = [int(n) for n in re.findall(r"\d+", cells[2])]
            assert numbers == [base[name] for name in names], line
            checked += 1
    assert checked >= 8


def test_the_table_says_what_danvan_var_dir_holds() -> None:
    row = next(
        line
        for line in _section("Environment variables").splitlines()
        if "`DANVAN_VAR_DIR`" in line
    )
    assert "unused" not in row
    assert "demo_accounts" in row and "demo-password.txt" in row


PROBE = """
import django
django.setup()
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory
middleware = SecurityMiddleware(lambda request: None)
for path in ("/healthz", "/healthz/live", "/healthz/ready", "/petitions/", "/healthzx"):
    request = RequestFactory().get(path, HTTP_HOST="danvan.example.vn")
    answer = middleware.process_request(request)
    print(path, answer["Location"] if answer is not None else "passes")
"""


def test_healthz_is_exempt_from_the_https_redirect(tmp_path: Path) -> None:
    """With the production settings, a plain-HTTP probe gets through; anything else a 301."""
    values = filled(export_block())
    env = {**_clean_environment(tmp_path), **values, "DANVAN_VAR_DIR": str(tmp_path)}
    # A fixed interpreter running the script above, no shell.
    result = subprocess.run(  # nosec B603
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    answers = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert answers["/healthz"] == "passes"
    assert answers["/healthz/live"] == "passes"
    assert answers["/healthz/ready"] == "passes"
    assert answers["/petitions/"] == "https://danvan.example.vn/petitions/"
    assert answers["/healthzx"] == "passes"  # "^healthz": every probe path, whatever comes


def test_the_decision_records_quote_the_codes_numbers() -> None:
    """docs/architecture.md's reminders and services-down records name the numbers in force."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    reminders = text[text.index("## 10. Reminders") : text.index("## 11. ")]
    down = text[text.index("## 11. When a service is down") : text.index("## 12. ")]
    base = _integer_defaults("base")
    visibility, limit = base["BROKER_VISIBILITY_TIMEOUT"], base["CELERY_TASK_TIME_LIMIT"]
    scan = 20  # unacked_restore_interval x unacked_restore_throttle
    transport = settings.REDIS_BROKER_TRANSPORT_OPTIONS
    assert transport["unacked_restore_interval"] * transport["unacked_restore_throttle"] == scan
    promise = f"{(visibility + scan) // 60} min {(visibility + scan) % 60} s"
    for record in (reminders, down):
        assert f"{visibility} s" in record
        assert promise in record
    assert f"{limit} s" in down
    assert f"reminders pending for {base['REMINDER_STALE_MINUTES']} minutes" in down
    assert visibility + scan < 300  # the 5-minute promise of issue 11
