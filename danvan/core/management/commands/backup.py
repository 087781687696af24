"""`manage.py backup <file>`: the database to <file>, uploads to <file>.media.tar.gz."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS

from danvan.core.management.commands._safety import (
    backup_database,
    backup_media,
    media_archive_for,
)


class Command(BaseCommand):
    help = "Back up the database (pg_dump -Fc, or a consistent SQLite copy) and MEDIA_ROOT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Where to write the database dump.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--no-media", action="store_true", help="Skip the uploaded files.")

    def handle(self, *args: Any, file: Path, database: str, no_media: bool, **options: Any) -> None:
        file.parent.mkdir(parents=True, exist_ok=True)
        method = backup_database(database, file)
        self.stdout.write(f"Database written to {file} ({method}).")
        if not no_media:
            archive = media_archive_for(file)
            count = backup_media(archive)
            self.stdout.write(f"{count} uploaded files written to {archive}.")
