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


def dump_kind(dump: Path) -> str:
    """ "postgresql" for a pg_dump custom-format file, "sqlite" for a SQLite copy."""
    with dump.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(b"PGDMP"):
        return "postgresql"
    if head.startswith(b"SQLite format 3"):
        return "sqlite"
    raise CommandError(f"{dump} is neither a pg_dump custom-format file nor a SQLite database.")


def _check_kind(dump: Path, vendor: str) -> None:
    kind = dump_kind(dump)
    if kind != vendor:
        raise CommandError(
            f"{dump} is a {kind} backup; it cannot be restored into a {vendor} database."
        )


def restore_database(alias: str, dump: Path) -> str:
    """Replace the database of the connection `alias` (the live one) by the dump's content."""
    connection = connections[alias]
    _check_kind(dump, connection.vendor)
    if connection.vendor == "postgresql":
        connection.close()  # our own session must not hold locks on the tables being replaced
        return _pg_restore(connection.settings_dict, dump)
    if connection.vendor == "sqlite":
        source = sqlite3.connect(dump)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
        return "sqlite3 online backup"
    raise CommandError(f"No restore method for the {connection.vendor} database.")


def restore_database_to(db: dict[str, Any], dump: Path) -> str:
    """Restore the dump into another database (a scratch one), given by its settings dict."""
    engine = str(db.get("ENGINE", ""))
    if engine.startswith("django.db.backends.postgresql"):
        _check_kind(dump, "postgresql")
        return _pg_restore(db, dump)
    if engine == "django.db.backends.sqlite3":
        _check_kind(dump, "sqlite")
        target_path = Path(str(db["NAME"]))
        target_path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(dump)
        target = sqlite3.connect(target_path)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return "sqlite3 online backup"
    raise CommandError(f"No restore method for the database engine {engine}.")


def _pg_restore(db: dict[str, Any], dump: Path) -> str:
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


def same_database(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two settings dicts name the same database (same server and name, or file)."""
    engine_a, engine_b = str(a.get("ENGINE", "")), str(b.get("ENGINE", ""))
    if "sqlite3" in engine_a or "sqlite3" in engine_b:
        if engine_a != engine_b:
            return False
        return Path(str(a["NAME"])).resolve() == Path(str(b["NAME"])).resolve()

    def server(db: dict[str, Any]) -> tuple[str, str, str]:
        host = str(db.get("HOST") or "localhost")
        if host in {"127.0.0.1", "::1", ""}:
            host = "localhost"
        return host, str(db.get("PORT") or "5432"), str(db["NAME"])

    return server(a) == server(b)


def describe_database(db: dict[str, Any]) -> str:
    if "sqlite3" in str(db.get("ENGINE", "")):
        return f"SQLite file {db['NAME']}"
    host = db.get("HOST") or "localhost"
    port = db.get("PORT") or 5432
    return f"PostgreSQL database {db['NAME']} on {host}:{port}"


def count_files(root: Path) -> int:
    if not root.is_dir():
        return 0
    return sum(1 for path in root.rglob("*") if path.is_file())


def archive_file_count(archive: Path) -> int:
    with tarfile.open(archive, "r:gz") as tar:
        return sum(1 for member in tar.getmembers() if member.isfile())


def is_within(path: Path, other: Path) -> bool:
    """Whether `path` is `other` or inside it (after resolving links)."""
    path, other = path.resolve(), other.resolve()
    return path == other or other in path.parents


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


def restore_media(archive: Path, root: Path) -> int:
    """Replace the folder's contents by the archive's (files only, no links, no escapes).

    `root` is MEDIA_ROOT only for a live restore; a scratch restore passes its own folder.
    """
    if root.is_dir():
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.isfile() or m.isdir()]
        tar.extractall(root, members=members, filter="data")
    return sum(1 for m in members if m.isfile())
