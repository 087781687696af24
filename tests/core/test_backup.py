"""
Data safety: `manage.py backup` then `manage.py restore` brings back the database and the
uploaded files after they were changed and deleted; migrating a populated database loses nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as live_apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from danvan.org.models import Role, Unit, User
from petitions import services
from petitions.models import Petition, Petitioner, PetitionEvent
from petitions.services import PetitionerInput
from seeds.petitions import seed_petition_reference
from tests.factories import UserFactory, build_unit_tree
from tests.petitions.factories import PDF_BYTES, PetitionFactory


def _populate() -> dict[str, Any]:
    tree = build_unit_tree()
    UserFactory(username="can_bo_xa", full_name="Nguyễn Thị Hoa")
    media = Path(settings.MEDIA_ROOT) / "petitions" / "2026" / "don.pdf"
    media.parent.mkdir(parents=True, exist_ok=True)
    media.write_bytes(b"%PDF-1.4 don thu\n%%EOF\n")
    # A petition with an encrypted identity, an uploaded letter and a used code counter.
    seed_petition_reference()
    handler = UserFactory(
        username="xu_ly_don", memberships=[(tree.commune_a1, Role.PETITION_HANDLER)]
    )
    petition = PetitionFactory(
        actor=handler,
        unit=tree.commune_a1,
        petitioners=[
            PetitionerInput(full_name="Trần Thị Lan", citizen_id="068190001234", phone="0912345678")
        ],
    )
    letter = services.attachment_add(
        actor=handler,
        petition=petition,
        upload=SimpleUploadedFile("don.pdf", PDF_BYTES),
        expected_version=None,
    )
    return {"tree": tree, "media": media, "handler": handler, "letter": Path(letter.file.path)}


def _snapshot() -> dict[str, Any]:
    return {
        "units": sorted(Unit.objects.values_list("code", "name", "path")),
        "users": sorted(User.objects.values_list("username", "full_name")),
        "petitions": sorted(Petition.objects.values_list("code", "summary", "status", "due_date")),
        # Decrypted through the model: the restored ciphertext still opens with the key.
        "petitioners": sorted(
            (p.full_name, p.citizen_id, p.phone, p.citizen_id_hash, p.phone_hash)
            for p in Petitioner.objects.all()
        ),
        "events": PetitionEvent.objects.count(),
    }


def _round_trip(tmp_path: Path) -> None:
    world = _populate()
    before = _snapshot()
    dump = tmp_path / "backups" / "danvan.dump"

    call_command("backup", str(dump))
    assert dump.stat().st_size > 0
    assert (tmp_path / "backups" / "danvan.dump.media.tar.gz").is_file()

    # A bad day: a commune renamed, a village and a user deleted, an upload lost.
    Unit.objects.filter(code="25000").update(name="Tên sai")
    Unit.objects.filter(code="25000.T1").delete()
    User.objects.filter(username="can_bo_xa").delete()
    world["media"].unlink()
    Petition.objects.all().delete()
    Petitioner.objects.all().delete()
    world["letter"].unlink()
    assert _snapshot() != before

    call_command("restore", str(dump))

    assert _snapshot() == before
    assert before["petitioners"][0][1:3] == ("068190001234", "0912345678")
    assert Unit.objects.get(code="25000").name == "Xã Di Linh"
    assert world["media"].read_bytes() == b"%PDF-1.4 don thu\n%%EOF\n"
    assert world["letter"].read_bytes() == PDF_BYTES
    # The code counter came back too: the next intake does not reuse DT-2026-000001.
    tree = world["tree"]
    handler = User.objects.get(username="xu_ly_don")
    after = PetitionFactory(actor=handler, unit=Unit.objects.get(pk=tree.commune_a1.pk))
    assert after.code == "DT-2026-000002"
    # The keyed hash still finds the person (duplicate lookup after a restore).
    again = PetitionFactory(
        actor=handler,
        unit=Unit.objects.get(pk=tree.commune_a1.pk),
        petitioners=[PetitionerInput(full_name="Trần Thị Lan", citizen_id="068190001234")],
    )
    assert Petitioner.objects.count() == 2  # Nguyễn Văn Nam (factory default) and her, once
    assert again.parties.get().petitioner.phone == "0912345678"


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(tmp_path: Path) -> None:
    _round_trip(tmp_path)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_on_postgresql(tmp_path: Path) -> None:
    assert connection.vendor == "postgresql"
    _round_trip(tmp_path)


def test_restore_refuses_a_missing_file(tmp_path: Path, db: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "nothing.dump"))


@pytest.mark.django_db(transaction=True)
def test_migrate_on_a_populated_database_loses_nothing() -> None:
    _populate()
    counts = {m._meta.label: m.objects.count() for m in live_apps.get_models()}
    call_command("migrate", verbosity=0)
    assert {m._meta.label: m.objects.count() for m in live_apps.get_models()} == counts


@pytest.mark.django_db(transaction=True)
def test_petitions_rows_survive_the_migrations_after_the_first() -> None:
    """Rows written at petitions 0001 (the historical models) are intact at the latest state."""
    build_unit_tree()
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("petitions")
    first = [("petitions", "0001_initial")]
    executor.migrate(first)
    old_apps = MigrationExecutor(connection).loader.project_state(first).apps
    OldField = old_apps.get_model("petitions", "PetitionField")
    OldField.objects.create(code="dat-dai-cu", name="Đất đai (cũ)", position=7)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)

    from petitions.models import PetitionField

    field = PetitionField.objects.get(code="dat-dai-cu")
    assert (field.name, field.position, field.is_active) == ("Đất đai (cũ)", 7, True)
