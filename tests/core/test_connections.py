"""Every mode keeps its database connections (issue 14): reused, checked before reuse."""

import threading
from datetime import date

import pytest
from django.conf import settings
from django.db import connections

from danvan.org.models import Role
from petitions import services
from petitions.models import Petition
from tests.factories import UserFactory


def test_connections_are_kept_and_checked_in_every_mode():
    import danvan.settings.base as base

    for database in (settings.DATABASES["default"], base.DATABASES["default"]):
        assert database["CONN_MAX_AGE"] >= 60
        assert database["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db(transaction=True)
def test_sqlite_with_kept_connections_takes_parallel_writers_and_readers(tree):
    """
    Embedded mode: web threads and worker threads, each with its own kept connection, write
    and read the one SQLite file at once (WAL, BEGIN IMMEDIATE, a busy timeout): no "database
    is locked", every petition recorded, and each thread reused its one connection.
    """
    if connections["default"].vendor != "sqlite":
        pytest.skip("the embedded database")
    cadre = UserFactory(memberships=[(tree.commune_a1, Role.COMMUNE_CADRE)])
    errors: list[BaseException] = []
    opened: list[set[int]] = []
    barrier = threading.Barrier(6)

    def writer(n: int) -> None:
        used: set[int] = set()
        try:
            barrier.wait(timeout=30)
            for i in range(8):
                services.petition_create(
                    actor=cadre,
                    data=services.PetitionData(
                        receiving_unit=tree.commune_a1.pk,
                        location_unit=tree.commune_a1.pk,
                        received_on=date(2026, 3, 2),
                        channel="reception",
                        kind="recommendation",
                        summary=f"Kiến nghị {n}-{i}",
                        petitioners=[
                            services.PetitionerInput(full_name="Trần Thị Hoa", phone="0912000111")
                        ],
                    ),
                )
                connections["default"].close_if_unusable_or_obsolete()  # as after a request
                used.add(id(connections["default"].connection))
            opened.append(used)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def reader() -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(20):
                list(Petition.objects.values_list("code", flat=True)[:50])
                connections["default"].close_if_unusable_or_obsolete()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert Petition.objects.count() == 32
    assert len(set(Petition.objects.values_list("code", flat=True))) == 32
    # Each writer kept one connection for its eight creates.
    assert [len(used) for used in opened] == [1, 1, 1, 1]
