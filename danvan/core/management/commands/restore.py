"""`manage.py restore <file>`: replace the database (and uploads) by a `backup`'s content."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from danvan.core.management.commands._safety import (
    media_archive_for,
    restore_database,
    restore_media,
)


class Command(BaseCommand):
    help = "Restore the database and MEDIA_ROOT from `manage.py backup` output (replaces data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The database dump written by backup.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--no-media", action="store_true", help="Leave MEDIA_ROOT alone.")

    def handle(self, *args: Any, file: Path, database: str, no_media: bool, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"{file} does not exist.")
        method = restore_database(database, file)
        self.stdout.write(f"Database restored from {file} ({method}).")
        archive = media_archive_for(file)
        if not no_media and archive.is_file():
            count = restore_media(archive)
            self.stdout.write(f"{count} uploaded files restored from {archive}.")
