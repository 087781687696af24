"""
Migrations applied to a populated database lose nothing: a world with a petition (encrypted
identity, uploaded letter, timeline), a directive, a meeting, a task and a reminder is taken
back to every app's first migration and forward again to today; every row is still there,
identities still decrypt and their keyed hashes still match, and the folded search text that
later migrations added is filled in again for the rows that existed before them.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from danvan.notify.models import Reminder, ReminderStage
from danvan.org.models import Role
from petitions import selectors as petition_selectors
from petitions import services
from petitions.models import Attachment, Petition, Petitioner
from petitions.services import PetitionerInput
from seeds.movement import seed_indicators
from seeds.notify import seed_reminder_stages
from seeds.petitions import seed_petition_reference
from tasks.models import Task
from tests.factories import UserFactory, build_unit_tree
from tests.petitions.factories import PDF_BYTES, PetitionFactory
from tests.tasks.factories import DirectiveFactory, MeetingFactory, make_task

# Apps with more than one migration: taken back to their first, then forward.
FIRST = [("petitions", "0001_initial"), ("tasks", "0001_initial"), ("notify", "0001_initial")]


def _populate() -> dict[str, Any]:
    tree = build_unit_tree()
    seed_petition_reference()
    seed_indicators()  # as migration 0002 makes them (a flushed test database has none)
    handler = UserFactory(
        username="xu_ly_don", memberships=[(tree.commune_a1, Role.PETITION_HANDLER)]
    )
    petition = PetitionFactory(
        actor=handler,
        unit=tree.commune_a1,
        summary="Khiếu nại về đất đai ở thôn Đông",
        petitioners=[
            PetitionerInput(full_name="Trần Thị Lan", citizen_id="068190001234", phone="0912345678")
        ],
    )
    services.attachment_add(
        actor=handler,
        petition=petition,
        upload=SimpleUploadedFile("don.pdf", PDF_BYTES),
        expected_version=None,
    )
    DirectiveFactory(issuing_unit=tree.province_a)
    MeetingFactory(organising_unit=tree.commune_a1)
    task = make_task(
        issuing_unit=tree.province_a, lead_unit=tree.commune_a1, due_on=date(2026, 12, 31)
    )
    Task.objects.filter(pk=task.pk).update(title="Tuyên truyền Luật Đất đai năm 2024")
    seed_reminder_stages()
    stage = ReminderStage.objects.filter(subject="petition").order_by("pk").first()
    assert stage is not None
    if stage is not None:
        Reminder.objects.create(
            sweep=uuid.uuid4(),
            item_key=f"petition:{petition.pk}",
            stage=stage,
            recipient=handler,
            deadline=date(2026, 3, 16),
            unit_name=tree.commune_a1.name,
            title=petition.code,
            url="/petitions/1/",
        )
    return {"handler": handler}


def _snapshot() -> dict[str, Any]:
    return {
        "counts": {
            m._meta.label: m._default_manager.count()
            for m in apps.get_models()
            if m._meta.managed and not m._meta.proxy
        },
        "petitions": sorted(
            Petition.objects.values_list("code", "summary", "status", "due_date", "version")
        ),
        "petitioners": sorted(
            (p.full_name, p.citizen_id, p.phone, p.citizen_id_hash, p.phone_hash)
            for p in Petitioner.objects.all()
        ),
        "attachments": sorted(Attachment.objects.values_list("file", "original_name", "size")),
        "tasks": sorted(Task.objects.values_list("number", "title", "progress_percent", "due_on")),
    }


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_back_to_the_first_migrations_and_forward_again_loses_nothing() -> None:
    world = _populate()
    before = _snapshot()
    assert before["petitioners"][0][1:3] == ("068190001234", "0912345678")
    # Every app's latest: apps whose migrations depend on these (the movement links petitions
    # and tasks) are taken back with them, and must come forward again.
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate(FIRST)
        # At the first migrations the rows are there, without the columns added later.
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*), MIN(title) FROM tasks_task")
            assert cursor.fetchone() == (1, "Tuyên truyền Luật Đất đai năm 2024")
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, "tasks_task")
            ]
            assert "search_text" not in columns
    finally:
        _migrate(latest)

    assert _snapshot() == before
    # What later migrations added works on the old rows: the task's folded text was refilled,
    # the petition's trigram-searchable text and the identity lookup by keyed hash still work.
    assert Task.objects.filter(search_text__contains="tuyen truyen luat dat dai").exists()
    found = petition_selectors.petitions_search(
        petition_selectors.petitions_visible_to(world["handler"]), "khieu nai dat dai thon dong"
    )
    assert found.count() == 1
    again = PetitionFactory(
        actor=world["handler"],
        unit=found.get().receiving_unit,
        petitioners=[PetitionerInput(full_name="Trần Thị Lan", citizen_id="068190001234")],
    )
    assert again.parties.get().petitioner.phone == "0912345678"  # the same person, found
    assert again.code == "DT-2026-000002"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_trigram_index_is_back_after_the_round_trip() -> None:
    assert connection.vendor == "postgresql"
    _populate()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()  # every app
    try:
        _migrate([("petitions", "0001_initial")])
    finally:
        _migrate(latest)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'petitions_petition' "
            "AND indexdef ILIKE '%%gin_trgm_ops%%'"
        )
        assert cursor.fetchall(), "the trigram index on search_text is missing"
