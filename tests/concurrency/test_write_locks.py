"""
One ETag, two writers, at the same instant, on PostgreSQL (SQLite serialises writers, proving
nothing): every versioned write checks the version on the row it has locked, not on a copy
read before the lock. The main thread holds the record's row lock while two threads call the
service with the same `expected_version`; both block; the lock is released; exactly one
succeeds, the other gets the service's PreconditionFailed (412), the version goes up by one.
A service that compares the version before locking lets both through, and fails here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, connections, models, transaction

from danvan.org.models import UnitLevel
from petitions import services as _petition_services
from petitions.models import Petition
from tasks import services as _task_services
from tasks.models import Directive, Task
from tests.petitions.factories import PetitionFactory
from tests.tasks.factories import DirectiveFactory, make_task

# Typed loosely: the `expected_version=` keyword is the contract these tests hold the services to.
petition_services: Any = _petition_services
task_services: Any = _task_services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@dataclass
class Race:
    name: str
    model: type[models.Model]
    make: Callable[[Any, Any], tuple[Any, list[Any]]]  # (tree, handler) -> record, targets
    call: Callable[[Any, Any, Any, int], Any]  # (actor, record, its target, version)
    actors: tuple[str, str]


def _petitions(tree: Any, handler: Any) -> tuple[Any, list[Any]]:
    make = lambda: PetitionFactory(actor=handler, unit=tree.commune_a1)  # noqa: E731
    return make(), [make(), make()]


def _directives(tree: Any, _actor: Any) -> tuple[Any, list[Any]]:
    make = lambda: DirectiveFactory(issuing_unit=tree.province_a)  # noqa: E731
    return make(), [make(), make()]


def _task(tree: Any, _actor: Any) -> tuple[Any, list[Any]]:
    task = make_task(issuing_unit=tree.central, lead_unit=tree.province_a, title="Nhiệm vụ tỉnh")
    return task, [UnitLevel.COMMUNE, UnitLevel.COMMUNE]


RACES = [
    Race(
        "petition_link",
        Petition,
        _petitions,
        lambda actor, record, target, v: petition_services.petition_link(
            actor=actor,
            petition=record,
            target=target,
            kind="linked",
            reason="Liên quan",
            expected_version=v,
        ),
        ("handler_a", "supervisor"),
    ),
    Race(
        "petition_dismiss_duplicate",
        Petition,
        _petitions,
        lambda actor, record, target, v: petition_services.petition_dismiss_duplicate(
            actor=actor,
            petition=record,
            candidate=target,
            reason="Không trùng",
            expected_version=v,
        ),
        ("handler_a", "supervisor"),
    ),
    Race(
        "petition_merge",
        Petition,
        _petitions,
        lambda actor, record, target, v: petition_services.petition_merge(
            actor=actor,
            petition=record,
            absorbed=target,
            reason="Cùng vụ việc",
            expected_version=v,
        ),
        ("handler_a", "supervisor"),
    ),
    Race(
        "petition_accept",
        Petition,
        _petitions,
        lambda actor, record, target, v: petition_services.petition_accept(
            actor=actor, petition=record, reason=f"Thụ lý {target.pk}", expected_version=v
        ),
        ("handler_a", "supervisor"),
    ),
    Race(
        "directive_replace",
        Directive,
        _directives,
        lambda actor, record, target, v: task_services.directive_replace(
            actor=actor, directive=record, replaced_by=target, expected_version=v
        ),
        ("supervisor", "administrator"),
    ),
    Race(
        "directive_link",
        Directive,
        _directives,
        lambda actor, record, target, v: task_services.directive_link(
            actor=actor, directive=record, implements=[target], expected_version=v
        ),
        ("supervisor", "administrator"),
    ),
    Race(
        "task_cascade",
        Task,
        _task,
        lambda actor, record, target, v: task_services.task_cascade(
            actor=actor, task=record, level=target, expected_version=v
        ),
        ("supervisor", "administrator"),
    ),
]


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        # pg_stat_activity is read once per transaction unless its snapshot is dropped
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND pid <> pg_backend_pid()"
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


@pytest.mark.parametrize("race", RACES, ids=[r.name for r in RACES])
def test_two_writers_with_one_version_one_wins_even_when_they_wait_on_the_lock(
    policies: Any, tree: Any, handler_a: Any, supervisor: Any, administrator: Any, race: Race
) -> None:
    people = {"handler_a": handler_a, "supervisor": supervisor, "administrator": administrator}
    record, targets = race.make(tree, handler_a)
    version = record.version
    outcomes: list[Any] = [None, None]

    def write(i: int) -> None:
        try:
            # the record as each client last read it: a copy, read before any lock
            copy = race.model._default_manager.get(pk=record.pk)
            race.call(people[race.actors[i]], copy, targets[i], version)
            outcomes[i] = "ok"
        except Exception as exc:  # the outcome is what is asserted
            outcomes[i] = exc
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    with transaction.atomic():
        race.model._default_manager.select_for_update().get(pk=record.pk)  # hold the row
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 5
        while _waiting_on_locks() < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        blocked = _waiting_on_locks()
    # leaving the block commits and releases the lock
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), f"{race.name}: a writer never finished"

    described = [o if o == "ok" else f"{type(o).__name__}: {o}" for o in outcomes]
    refused = [o for o in outcomes if o != "ok"]
    assert outcomes.count("ok") == 1, (
        f"{race.name}: with one expected_version, exactly one writer must win; got {described} "
        f"({blocked} writers were seen waiting on the lock)"
    )
    assert getattr(refused[0], "status_code", None) == 412 and type(refused[0]).__name__ == (
        "PreconditionFailed"
    ), f"{race.name}: the loser must get PreconditionFailed (412), got {described}"
    assert blocked == 2, (
        f"{race.name}: {blocked} writers waited on the row lock, not 2, so this was no race"
    )
    fresh = race.model._default_manager.get(pk=record.pk)
    now = getattr(fresh, "version", None)
    assert now == version + 1, f"{race.name}: version {version} -> {now}, expected one step"


def test_two_merges_of_one_pair_in_opposite_directions_never_deadlock(
    policies: Any, tree: Any, handler_a: Any, supervisor: Any
) -> None:
    """A into B and B into A at once: rows are locked in id order, so one waits, then loses."""
    first = PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    second = PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    pairs = [(handler_a, first, second), (supervisor, second, first)]
    outcomes: list[Any] = [None, None]

    def write(i: int) -> None:
        actor, keep, absorbed = pairs[i]
        try:
            petition_services.petition_merge(actor=actor, petition=keep, absorbed=absorbed)
            outcomes[i] = "ok"
        except Exception as exc:  # the outcome is what is asserted
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    with transaction.atomic():
        Petition.objects.select_for_update().get(pk=first.pk)  # the lower id: both wait on it
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 5
        while _waiting_on_locks() < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        blocked = _waiting_on_locks()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads)

    described = [o if o == "ok" else f"{type(o).__name__}: {o}" for o in outcomes]
    assert outcomes.count("ok") == 1, described
    loser = next(o for o in outcomes if o != "ok")
    assert getattr(loser, "code", None) == "invalid_transition", described
    assert blocked == 2, f"{blocked} merges waited on the row lock, not 2"
    statuses = sorted(
        Petition.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    )
    assert statuses == ["filed", "received"]
