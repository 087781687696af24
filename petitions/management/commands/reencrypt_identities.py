"""
`manage.py reencrypt_identities`: after a key rotation, write every petitioner's name, address,
CCCD and phone again with the newest key of FIELD_ENCRYPTION_KEYS and recompute their keyed
hashes with the current FIELD_HASH_KEY, so the old encryption key can be dropped.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from petitions.models import Petitioner, citizen_id_hash, name_hash, phone_hash


class Command(BaseCommand):
    help = (
        "Re-encrypt petitioners' name, address, CCCD and phone with the newest key and "
        "recompute the hashes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=1000, help="rows per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(1, int(options["batch"]))
        total = Petitioner.objects.count()
        done = last = 0
        while True:
            with transaction.atomic():
                # Each batch reads (decrypting with whichever key opens it) and writes back in
                # one transaction, locked so an intake editing the same person waits.
                people = list(
                    Petitioner.objects.select_for_update()
                    .filter(pk__gt=last)
                    .order_by("pk")
                    .only("pk", "full_name", "address", "citizen_id", "phone")[:batch]
                )
                if not people:
                    break
                for person in people:
                    person.name_hash = name_hash(person.full_name)
                    person.citizen_id_hash = citizen_id_hash(person.citizen_id)
                    person.phone_hash = phone_hash(person.phone)
                Petitioner.objects.bulk_update(
                    people,
                    [
                        "full_name",
                        "address",
                        "citizen_id",
                        "phone",
                        "name_hash",
                        "citizen_id_hash",
                        "phone_hash",
                    ],
                )
            last = people[-1].pk
            done += len(people)
            self._progress(done, total)
        self.stdout.write("")
        self.stdout.write(_("%(count)d petitioners re-encrypted.") % {"count": done})

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        self.stdout.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {done}/{total}", ending="")
        self.stdout.flush()
