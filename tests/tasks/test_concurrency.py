"""Two phones retrying the same create at the same moment get one row (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from danvan.org.models import Role
from tasks import services
from tasks.models import Task
from tests.factories import UserFactory, build_unit_tree


@pytest.mark.postgres
def test_simultaneous_creates_with_one_client_id_make_one_task(transactional_db: Any) -> None:
    tree = build_unit_tree()
    supervisor = UserFactory(memberships=[(tree.province_a, Role.SUPERVISOR)])
    barrier = threading.Barrier(2)
    results: list[Any] = []

    def create() -> None:
        try:
            barrier.wait(timeout=10)
            task = services.task_create(
                actor=supervisor,
                title="Gửi hai lần",
                issuing_unit=tree.province_a,
                lead_unit=tree.commune_a1,
                client_id="phone-race",
            )
            results.append(task.pk)
        except Exception as exc:  # reported below, the thread must not die silently
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 2 and all(isinstance(r, int) for r in results), results
    assert results[0] == results[1]
    assert Task.objects.filter(client_id="phone-race").count() == 1
