"""
Backup and restore of the database and the uploaded files, shared by `backup` and `restore`.

- PostgreSQL: `pg_dump -Fc` / `pg_restore --clean --if-exists` (run without a shell; the
  password goes through PGPASSWORD, never the command line).
- SQLite (embedded mode): sqlite3's online backup API, a consistent copy even while the
  application is writing.
- Uploaded files: MEDIA_ROOT as a gzip tar beside the dump, `<file>.media.tar.gz`.
"""

from __future__ import annotations

import os
import shutil
import sqlite3

# Runs pg_dump/pg_restore only, never through a shell.
import subprocess  # nosec B404
import tarfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections


def media_archive_for(dump: Path) -> Path:
    return dump.with_name(dump.name + ".media.tar.gz")


def _pg_args(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    executable = shutil.which(command[0])
    if executable is None:
        raise CommandError(f"{command[0]} is not installed (apt install postgresql-client).")
    # A fixed program, arguments from settings, no shell.
    result = subprocess.run(  # noqa: S603  # nosec B603
        [executable, *command[1:]], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise CommandError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def backup_database(alias: str, dump: Path) -> str:
    connection = connections[alias]
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_args(db)
        _run(["pg_dump", "--format=custom", "--file", str(dump), *args, str(db["NAME"])], env)
        return "pg_dump"
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(dump)
        try:
            with target:
                connection.connection.backup(target)
        finally:
            target.close()
        return "sqlite3 online backup"
    raise CommandError(f"No backup method for the {connection.vendor} database.")


def restore_database(alias: str, dump: Path) -> str:
    connection = connections[alias]
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        connection.close()  # our own session must not hold locks on the tables being replaced
        args, env = _pg_args(db)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                str(db["NAME"]),
                *args,
                str(dump),
            ],
            env,
        )
        return "pg_restore"
    if connection.vendor == "sqlite":
        source = sqlite3.connect(dump)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
        return "sqlite3 online backup"
    raise CommandError(f"No restore method for the {connection.vendor} database.")


def backup_media(archive: Path) -> int:
    root = Path(settings.MEDIA_ROOT)
    count = 0
    with tarfile.open(archive, "w:gz") as tar:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=str(path.relative_to(root)))
                    count += 1
    return count


def restore_media(archive: Path) -> int:
    """Replace MEDIA_ROOT's contents by the archive's (files only, no links, no escapes)."""
    root = Path(settings.MEDIA_ROOT)
    if root.is_dir():
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.isfile() or m.isdir()]
        tar.extractall(root, members=members, filter="data")
    return sum(1 for m in members if m.isfile())
