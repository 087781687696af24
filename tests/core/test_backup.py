"""
Data safety: `manage.py backup` then `manage.py restore` brings back the database and the
uploaded files after they were changed and deleted; a restore check into a scratch database
never touches the live database or MEDIA_ROOT; the live restore says what it replaces and asks;
migrating a populated database loses nothing.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as live_apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from danvan.core.management.commands._safety import archive_file_count, count_files
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
    archive = tmp_path / "backups" / "danvan.dump.media.tar.gz"
    assert archive.is_file()

    # A bad day: a commune renamed, a village and a user deleted, an upload lost.
    Unit.objects.filter(code="25000").update(name="Tên sai")
    Unit.objects.filter(code="25000.T1").delete()
    User.objects.filter(username="can_bo_xa").delete()
    world["media"].unlink()
    Petition.objects.all().delete()
    Petitioner.objects.all().delete()
    world["letter"].unlink()
    assert _snapshot() != before

    out = io.StringIO()
    call_command("restore", str(dump), yes=True, stdout=out)

    # It said what it replaced.
    said = out.getvalue()
    assert "REPLACES LIVE DATA" in said
    assert str(connection.settings_dict["NAME"]) in said
    assert f"MEDIA_ROOT {settings.MEDIA_ROOT}" in said
    assert f"emptied and refilled with the {archive_file_count(archive)} files" in said
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


def _scratch_check(tmp_path: Path, scratch_url: str) -> None:
    """A restore check into a scratch database leaves the live database and uploads alone."""
    world = _populate()
    dump = tmp_path / "backups" / "danvan.dump"
    call_command("backup", str(dump))
    media_root = Path(settings.MEDIA_ROOT)
    # After the backup: a letter is uploaded and a commune renamed, live.
    later = media_root / "petitions" / "2026" / "sau-sao-luu.pdf"
    later.write_bytes(b"%PDF-1.4 uploaded after the backup\n%%EOF\n")
    Unit.objects.filter(code="25000").update(name="Xã Di Linh (mới)")
    live_before = _snapshot()

    out = io.StringIO()
    call_command("restore", str(dump), scratch_database=scratch_url, stdout=out)

    # Live: untouched, the late upload included.
    assert later.read_bytes() == b"%PDF-1.4 uploaded after the backup\n%%EOF\n"
    assert world["media"].is_file() and world["letter"].read_bytes() == PDF_BYTES
    assert _snapshot() == live_before
    assert Unit.objects.get(code="25000").name == "Xã Di Linh (mới)"
    # The backup's files are in the folder beside the dump, not in MEDIA_ROOT.
    restored = tmp_path / "backups" / "danvan.dump.restored-media"
    assert (restored / "petitions/2026/don.pdf").read_bytes() == b"%PDF-1.4 don thu\n%%EOF\n"
    letter = restored / world["letter"].relative_to(media_root)
    assert letter.read_bytes() == PDF_BYTES
    assert not (restored / "petitions/2026/sau-sao-luu.pdf").exists()
    # The scratch database holds the backup (the old name), and the check shows the counts.
    said = out.getvalue()
    assert "MEDIA_ROOT untouched" in said
    assert "In the backup: 1 petitions" not in said  # units come first
    assert ", 1 petitions, 1 petitioners, 1 attachments" in said
    from django.db.utils import load_backend

    from danvan.core.management.commands.restore import _scratch_settings

    target = _scratch_settings(scratch_url)
    wrapper = load_backend(target["ENGINE"]).DatabaseWrapper(target, "check")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute(
                f"SELECT name FROM {Unit._meta.db_table} WHERE code = %s",  # noqa: S608
                ["25000"],
            )
            assert cursor.fetchone()[0] == "Xã Di Linh"
    finally:
        wrapper.close()

    # A second check refills the folder it made; a live restore with --yes still brings back
    # everything, and then the late upload is gone (that is what a live restore means).
    call_command("restore", str(dump), scratch_database=scratch_url, stdout=io.StringIO())
    call_command("restore", str(dump), yes=True, stdout=io.StringIO())
    assert Unit.objects.get(code="25000").name == "Xã Di Linh"
    assert world["letter"].read_bytes() == PDF_BYTES
    assert not later.exists()


@pytest.mark.django_db(transaction=True)
def test_a_scratch_restore_never_touches_live_data(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite backup; the PostgreSQL one is the next test")
    _scratch_check(tmp_path, f"sqlite:///{tmp_path / 'scratch' / 'check.sqlite3'}")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_scratch_restore_never_touches_live_data_on_postgresql(tmp_path: Path) -> None:
    assert connection.vendor == "postgresql"
    db = connection.settings_dict
    name = str(db["NAME"]).removeprefix("test_") + "_scratch"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = f"{db['USER']}@" if db.get("USER") else ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    if password:
        user = f"{db['USER']}{password}@"
    url = f"postgres://{user}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"
    try:
        _scratch_check(tmp_path, url)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_scratch_restore_refuses_the_live_database_and_media_root(tmp_path: Path) -> None:
    dump = tmp_path / "danvan.dump"
    call_command("backup", str(dump))
    live = connection.settings_dict
    if connection.vendor == "sqlite":
        live_url = f"sqlite:///{live['NAME']}"
    else:
        live_url = f"postgres://{live['USER']}@{live['HOST']}:{live['PORT'] or 5432}/{live['NAME']}"
    with pytest.raises(CommandError, match="names the live database"):
        call_command("restore", str(dump), scratch_database=live_url)

    with pytest.raises(CommandError, match=r"^--scratch-database: expected sqlite"):
        call_command("restore", str(dump), scratch_database="mysql://x@db/danvan")

    scratch = f"sqlite:///{tmp_path / 'check.sqlite3'}"
    inside = Path(settings.MEDIA_ROOT) / "check"
    with pytest.raises(CommandError, match="overlaps MEDIA_ROOT"):
        call_command("restore", str(dump), scratch_database=scratch, media_dir=str(inside))
    with pytest.raises(CommandError, match="overlaps MEDIA_ROOT"):
        call_command(
            "restore", str(dump), scratch_database=scratch, media_dir=str(settings.MEDIA_ROOT)
        )
    # A folder with someone else's files is not emptied.
    other = tmp_path / "papers"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(dump), scratch_database=scratch, media_dir=str(other))
    assert (other / "keep.txt").read_text() == "mine"
    assert not (tmp_path / "check.sqlite3").exists()
    # A backup of one kind does not go into a database of the other.
    if connection.vendor == "postgresql":
        with pytest.raises(CommandError, match="cannot be restored into a sqlite database"):
            call_command("restore", str(dump), scratch_database=scratch, no_media=True)


@pytest.mark.django_db(transaction=True)
def test_a_live_restore_asks_and_refuses_without_an_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_unit_tree()
    dump = tmp_path / "danvan.dump"
    call_command("backup", str(dump))
    later = Path(settings.MEDIA_ROOT) / "sau-sao-luu.pdf"
    later.parent.mkdir(parents=True, exist_ok=True)
    later.write_bytes(b"%PDF-1.4\n")
    Unit.objects.filter(code="25000").update(name="Tên mới")

    # No terminal and no --yes (cron, a pipe): refused, nothing changed.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="add --yes"):
        call_command("restore", str(dump), stdout=io.StringIO())
    assert later.is_file() and Unit.objects.get(code="25000").name == "Tên mới"

    # At a terminal: the question is asked; anything but "yes" cancels.
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal(""))
    asked: list[str] = []

    def answer_no(prompt: str) -> str:
        asked.append(prompt)
        return "no"

    monkeypatch.setattr("builtins.input", answer_no)
    out = io.StringIO()
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(dump), stdout=out)
    assert asked == ['Type "yes" to replace the live data: ']
    assert f"(now: {count_files(Path(settings.MEDIA_ROOT))} files)" in out.getvalue()
    assert later.is_file() and Unit.objects.get(code="25000").name == "Tên mới"

    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    call_command("restore", str(dump), stdout=io.StringIO())
    assert Unit.objects.get(code="25000").name != "Tên mới"
    assert not later.exists()


def test_restore_refuses_a_missing_file(tmp_path: Path, db: Any) -> None:
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
    latest = executor.loader.graph.leaf_nodes()  # every app: those depending on petitions too
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
