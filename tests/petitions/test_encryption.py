"""Citizen ID numbers and phone numbers are encrypted at rest and found by keyed hashes."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from petitions import services
from petitions.models import Petition, Petitioner, citizen_id_hash, phone_hash
from petitions.selectors import duplicate_candidates
from tests.factories import build_unit_tree
from tests.petitions.factories import PetitionFactory

CCCD = "068190004321"
PHONE = "0977 555 666"


def _raw_row(pk: int) -> tuple[str, str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT citizen_id, phone, citizen_id_hash, phone_hash "
            "FROM petitions_petitioner WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()


def _person(full_name: str = "Lê Thị Mai", **kwargs: str) -> services.PetitionerInput:
    return services.PetitionerInput(full_name=full_name, **kwargs)


def test_the_columns_hold_no_clear_text(tree, handler_a):
    petition = PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, petitioners=[_person(citizen_id=CCCD, phone=PHONE)]
    )
    person = petition.parties.get().petitioner

    stored = _raw_row(person.pk)

    assert all(CCCD not in value and "555666" not in value for value in stored)
    assert stored[0].startswith("enc1:") and stored[1].startswith("enc1:")
    assert stored[2] == citizen_id_hash(CCCD) and stored[3] == phone_hash("0977555666")
    person = Petitioner.objects.get(pk=person.pk)
    assert (person.citizen_id, person.phone) == (CCCD, PHONE)


def test_lookups_go_by_the_keyed_hash(tree, handler_a):
    PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, petitioners=[_person(citizen_id=CCCD, phone=PHONE)]
    )

    assert Petitioner.objects.filter(citizen_id_hash=citizen_id_hash(CCCD)).count() == 1
    # However the number is written, its hash is the same.
    assert Petitioner.objects.filter(phone_hash=phone_hash("+84 977 555 666")).count() == 1
    with pytest.raises(TypeError):
        Petitioner.objects.filter(citizen_id=CCCD).count()


def test_the_same_person_is_recognised_and_duplicates_are_found(tree, handler_a):
    first = PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, petitioners=[_person(phone=PHONE)]
    )
    second = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        petitioners=[_person("LE THI MAI", phone="+84977555666")],
        summary="Việc khác hẳn",
    )

    assert Petitioner.objects.count() == 1
    found = duplicate_candidates(
        handler_a, names_and_phones=[("Lê Thị Mai", "0977.555.666")], exclude_id=second.pk
    )
    assert [(p.pk, why) for p, why in found] == [(first.pk, "same_petitioner")]


def test_changing_the_phone_keeps_the_hash_in_step(tree, handler_a):
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1, petitioners=[_person()])
    person = petition.parties.get().petitioner

    person.phone = "0912345678"
    person.save(update_fields=["phone"])

    assert _raw_row(person.pk)[3] == phone_hash("0912345678")


def test_a_second_person_with_the_same_cccd_is_refused_by_the_database(tree, handler_a):
    from django.db import IntegrityError, transaction

    Petitioner.objects.create(full_name="A", citizen_id=CCCD)
    with pytest.raises(IntegrityError), transaction.atomic():
        Petitioner.objects.create(full_name="B", citizen_id=CCCD)
    # Empty CCCDs do not collide.
    Petitioner.objects.create(full_name="C")
    Petitioner.objects.create(full_name="D")


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_rows_and_reverses():
    build_unit_tree()
    before = [("petitions", "0003_event_duplicate_dismissed")]
    after = [("petitions", "0004_petitioner_encrypted_identity")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()  # every app: those depending on petitions too
    try:
        executor.migrate(before)
        old_apps = MigrationExecutor(connection).loader.project_state(before).apps
        Old = old_apps.get_model("petitions", "Petitioner")
        old = Old.objects.create(
            full_name="Lê Thị Mai",
            name_folded="le thi mai",
            citizen_id=CCCD,
            phone=PHONE,
            phone_normalised="0977555666",
            created_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
        )

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        stored = _raw_row(old.pk)
        assert CCCD not in stored[0] and stored[0].startswith("enc1:")
        assert stored[2:] == (citizen_id_hash(CCCD), phone_hash(PHONE))

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(before)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT citizen_id, phone, phone_normalised FROM petitions_petitioner "
                "WHERE id = %s",
                [old.pk],
            )
            assert cursor.fetchone() == (CCCD, PHONE, "0977555666")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    person = Petitioner.objects.get(pk=old.pk)
    assert (person.citizen_id, person.phone) == (CCCD, PHONE)


def test_a_wrong_key_stops_migrate_and_check_naming_the_variable(tree, handler_a, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    PetitionFactory(actor=handler_a, unit=tree.commune_a1, petitioners=[_person(citizen_id=CCCD)])
    # Commands switch translation off for the thread; override() puts it back afterwards.
    with translation.override("vi"):
        call_command("check", databases=["default"])  # the right key: no error

        settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
        with pytest.raises(SystemCheckError, match="FIELD_ENCRYPTION_KEYS"):
            call_command("check", databases=["default"])


def test_after_a_key_rotation_every_row_is_rewritten_with_the_new_keys(tree, handler_a, settings):
    import io

    from cryptography.fernet import Fernet
    from django.core.management import call_command

    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    people = []
    for index in range(5):
        petition = PetitionFactory(
            actor=handler_a,
            unit=tree.commune_a1,
            petitioners=[_person(f"Người {index}", citizen_id=f"06819000432{index}", phone=PHONE)],
        )
        people.append(petition.parties.get().petitioner)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]  # the rotation: new first, old kept
    settings.FIELD_HASH_KEY = "a-new-hash-key-for-the-rotation-test-0123456789"
    out = io.StringIO()

    call_command("reencrypt_identities", batch=2, stdout=out)

    assert "5/5" in out.getvalue()  # the progress bar
    assert out.getvalue().splitlines()[-1] == "Đã mã hóa lại 5 người đứng đơn."
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can go now
    for index, person in enumerate(people):
        stored = _raw_row(person.pk)
        assert Fernet(new_key.encode()).decrypt(stored[0][len("enc1:") :].encode()) == (
            f"06819000432{index}".encode()
        )
        assert stored[2] == citizen_id_hash(f"06819000432{index}")  # with the new hash key
        assert stored[3] == phone_hash(PHONE)
        assert Petitioner.objects.get(pk=person.pk).phone == PHONE
    assert Petitioner.objects.filter(citizen_id_hash=citizen_id_hash("068190004323")).count() == 1


def _raw_name_row(pk: int) -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT full_name, address, name_hash FROM petitions_petitioner WHERE id = %s", [pk]
        )
        return cursor.fetchone()


def test_names_and_addresses_are_encrypted_and_found_by_a_keyed_hash(tree, handler_a):
    from petitions.models import PetitionKind, name_hash

    petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        petitioners=[_person(phone=PHONE, address="Thôn Đồng Tâm")],
    )
    person = petition.parties.get().petitioner

    full_name, address, hashed = _raw_name_row(person.pk)
    petition_row = Petition.objects.filter(pk=petition.pk).values_list("search_text", flat=True)

    assert full_name.startswith("enc1:") and address.startswith("enc1:")
    assert "Mai" not in full_name and "mai" not in full_name.lower()[5:10]
    assert hashed == name_hash("LÊ THỊ  MAI") and "mai" not in hashed
    assert "mai" not in petition_row.get()  # no folded name of a denouncer anywhere
    assert not [f for f in Petitioner._meta.fields if "fold" in f.name]
    person = Petitioner.objects.get(pk=person.pk)
    assert (person.full_name, person.address) == ("Lê Thị Mai", "Thôn Đồng Tâm")
    # Someone else typing the same name and phone is recognised as the same person.
    again = services.petitioner_recognise(_person("le thi mai", phone="0977.555.666"))
    assert again.pk == person.pk


def test_a_complainants_name_stays_searchable(tree, handler_a):
    from petitions.selectors import petitions_search, petitions_visible_to

    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1, petitioners=[_person()])

    found = petitions_search(petitions_visible_to(handler_a), "le thi mai")

    assert list(found) == [petition]


@pytest.mark.django_db(transaction=True)
def test_the_name_migration_encrypts_existing_rows_and_reverses():
    build_unit_tree()
    before = [("petitions", "0006_several_contents_search_text_without_names")]
    after = [("petitions", "0007_identity_grants_encrypted_names")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()  # every app: those depending on petitions too
    try:
        executor.migrate(before)
        old_apps = MigrationExecutor(connection).loader.project_state(before).apps
        Old = old_apps.get_model("petitions", "Petitioner")
        old = Old.objects.create(
            full_name="Lê Thị Mai",
            name_folded="le thi mai",
            citizen_id=CCCD,
            phone=PHONE,
            address="Thôn 3",
            created_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
        )

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        full_name, address, hashed = _raw_name_row(old.pk)
        assert full_name.startswith("enc1:") and address.startswith("enc1:")
        assert "Mai" not in full_name and "Thôn" not in address
        from petitions.models import name_hash

        assert hashed == name_hash("Lê Thị Mai")

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(before)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT full_name, address, name_folded FROM petitions_petitioner WHERE id = %s",
                [old.pk],
            )
            assert cursor.fetchone() == ("Lê Thị Mai", "Thôn 3", "le thi mai")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    person = Petitioner.objects.get(pk=old.pk)
    assert (person.full_name, person.address, person.citizen_id) == ("Lê Thị Mai", "Thôn 3", CCCD)


def test_reencrypt_covers_names_and_addresses(tree, handler_a, settings):
    import io

    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from petitions.models import name_hash

    petition = PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, petitioners=[_person(address="Thôn 3")]
    )
    person = petition.parties.get().petitioner
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    settings.FIELD_HASH_KEY = "a-new-hash-key-for-the-rotation-test-0123456789"

    call_command("reencrypt_identities", stdout=io.StringIO())

    full_name, address, hashed = _raw_name_row(person.pk)
    new = Fernet(new_key.encode())
    assert new.decrypt(full_name[len("enc1:") :].encode()).decode() == "Lê Thị Mai"
    assert new.decrypt(address[len("enc1:") :].encode()).decode() == "Thôn 3"
    assert hashed == name_hash("Lê Thị Mai")
