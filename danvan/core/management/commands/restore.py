"""
`manage.py restore <file>`: bring back a `backup`, either over the live data or into a scratch
database for a restore check.

- **Live restore** (no `--scratch-database`): replaces the database the settings point at
  (`DATABASE_URL`, or `--database <alias>`) and empties and refills MEDIA_ROOT. It first says
  what it replaces (database, MEDIA_ROOT, counts) and asks for "yes"; `--yes`/`--noinput`
  skips the question, and without a terminal to ask on it refuses.
- **Scratch restore** (`--scratch-database URL`): restores into that other database (refused
  when it is the live one) and writes the uploaded files into `--media-dir` (default
  `<file>.restored-media/` beside the dump), never into MEDIA_ROOT; `--no-media` skips them.
  It changes nothing live, so it asks nothing; it ends with row counts, backup against live.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.utils import load_backend

from danvan.core.management.commands._safety import (
    archive_file_count,
    count_files,
    describe_database,
    is_within,
    media_archive_for,
    restore_database,
    restore_database_to,
    restore_media,
    same_database,
)
from danvan.settings import env

# What the confirmation and the restore check count (label, what it is called).
COUNTED = (
    ("org.Unit", "units"),
    (settings.AUTH_USER_MODEL, "users"),
    ("petitions.Petition", "petitions"),
    ("petitions.Petitioner", "petitioners"),
    ("petitions.Attachment", "attachments"),
    ("tasks.Task", "tasks"),
    ("tasks.Directive", "directives"),
)
# A folder made by a scratch restore carries this file, so the next check may refill it.
MARKER = ".danvan-restore-check"


def _counts(wrapper: Any) -> dict[str, int | None]:
    """Rows of each counted table through a connection (None: the table does not exist)."""
    counts: dict[str, int | None] = {}
    for label, name in COUNTED:
        table = apps.get_model(label)._meta.db_table
        try:
            with wrapper.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {wrapper.ops.quote_name(table)}")  # noqa: S608  # nosec B608
                counts[name] = int(cursor.fetchone()[0])
        except DatabaseError:
            counts[name] = None
            if not wrapper.get_autocommit():
                wrapper.rollback()
    return counts


def _shown(counts: dict[str, int | None]) -> str:
    return ", ".join(f"{n if n is not None else '—'} {name}" for name, n in counts.items())


def _scratch_settings(url: str) -> dict[str, Any]:
    try:
        parsed = env.database("--scratch-database", url)
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc).removeprefix("Environment variable ")) from None
    # Fill in the defaults Django's connection handler gives every configured database.
    configured = connections.configure_settings({DEFAULT_DB_ALIAS: copy.deepcopy(parsed)})
    return dict(configured[DEFAULT_DB_ALIAS])


class Command(BaseCommand):
    help = (
        "Restore `manage.py backup` output: over the live database and MEDIA_ROOT (asks first; "
        "--yes), or with --scratch-database URL into another database and a separate folder."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The database dump written by backup.")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The live database's alias (default)."
        )
        parser.add_argument(
            "--scratch-database",
            metavar="URL",
            help="Restore into this other database (postgres://… or sqlite:///path) instead "
            "of the live one; MEDIA_ROOT is not touched.",
        )
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="Scratch restore: where the uploaded files go "
            "(default: <file>.restored-media beside the dump).",
        )
        parser.add_argument(
            "--no-media", action="store_true", help="Do not restore the uploaded files."
        )
        parser.add_argument(
            "--yes",
            "--noinput",
            "--no-input",
            action="store_true",
            dest="yes",
            help="Live restore: replace the live data without asking.",
        )

    def handle(
        self,
        *args: Any,
        file: Path,
        database: str,
        scratch_database: str | None,
        media_dir: Path | None,
        no_media: bool,
        yes: bool,
        **options: Any,
    ) -> None:
        if not file.is_file():
            raise CommandError(f"{file} does not exist.")
        file = Path(file)
        media_dir = Path(media_dir) if media_dir is not None else None
        archive = media_archive_for(file)
        with_media = not no_media and archive.is_file()
        if scratch_database:
            self._scratch(file, archive if with_media else None, scratch_database, media_dir)
        else:
            if media_dir is not None:
                raise CommandError(
                    "--media-dir is for a scratch restore (--scratch-database); a live restore "
                    "restores into MEDIA_ROOT."
                )
            self._live(file, archive if with_media else None, database, yes)

    # A restore check: nothing live is written.
    def _scratch(self, file: Path, archive: Path | None, url: str, media_dir: Path | None) -> None:
        target = _scratch_settings(url)
        for alias in connections:
            if same_database(target, connections[alias].settings_dict):
                raise CommandError(
                    f"--scratch-database names the live database ({describe_database(target)}, "
                    f"alias {alias!r}). Create a separate database for the check "
                    "(createdb danvan_restore_check) and name that one."
                )
        folder: Path | None = None
        if archive is not None:
            folder = media_dir or file.with_name(file.name + ".restored-media")
            media_root = Path(settings.MEDIA_ROOT)
            if is_within(folder, media_root) or is_within(media_root, folder):
                raise CommandError(
                    f"--media-dir {folder} overlaps MEDIA_ROOT {media_root}: a scratch restore "
                    "never writes into the live uploads. Choose another folder."
                )
            if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).is_file():
                raise CommandError(
                    f"{folder} is not empty and was not made by a restore check; "
                    "choose an empty or new folder with --media-dir."
                )

        method = restore_database_to(target, file)
        self.stdout.write(f"Database restored into {describe_database(target)} ({method}).")
        if archive is not None and folder is not None:
            count = restore_media(archive, folder)
            (folder / MARKER).write_text("Written by manage.py restore --scratch-database.\n")
            self.stdout.write(
                f"{count} uploaded files restored into {folder} (MEDIA_ROOT untouched)."
            )
        else:
            self.stdout.write("Uploaded files not restored (MEDIA_ROOT untouched).")

        wrapper = load_backend(target["ENGINE"]).DatabaseWrapper(target, "restore_check")
        try:
            restored = _counts(wrapper)
        finally:
            wrapper.close()
        self.stdout.write(f"In the backup: {_shown(restored)}.")
        self.stdout.write(f"Live now:      {_shown(_counts(connections[DEFAULT_DB_ALIAS]))}.")

    # Replaces the live data: say what, and ask.
    def _live(self, file: Path, archive: Path | None, alias: str, yes: bool) -> None:
        connection = connections[alias]
        media_root = Path(settings.MEDIA_ROOT)
        lines = [
            "This restore REPLACES LIVE DATA:",
            f"  database  {describe_database(connection.settings_dict)} "
            f"(now: {_shown(_counts(connection))}) by the content of {file}",
        ]
        if archive is not None:
            lines.append(
                f"  uploads   MEDIA_ROOT {media_root} (now: {count_files(media_root)} files) is "
                f"emptied and refilled with the {archive_file_count(archive)} files of {archive}"
            )
            lines.append(
                "Everything written and uploaded since the backup is lost. To check a backup "
                "without touching live data, use --scratch-database."
            )
        else:
            lines.append(f"  uploads   MEDIA_ROOT {media_root} is left as it is")
        self.stdout.write("\n".join(lines))
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError(
                    "Refusing to replace live data without a confirmation: run it in a terminal "
                    "to answer the question, or add --yes (--noinput)."
                )
            answer = input('Type "yes" to replace the live data: ')
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")

        method = restore_database(alias, file)
        self.stdout.write(f"Database restored from {file} ({method}).")
        if archive is not None:
            count = restore_media(archive, media_root)
            self.stdout.write(f"{count} uploaded files restored from {archive}.")
