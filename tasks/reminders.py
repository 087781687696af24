"""
Task deadlines for danvan.notify: open tasks (not cancelled, not completed, not deleted, not
waiting for the issuer's approval) by their due date, told to the lead unit.

Uses the due_on index: one range scan per chunk, then one query for the people of the lead
units and one for the supervisors of the units above.

Coordinating units (phối hợp) are reminded separately (subject "task_assignment"), on their
own due date or, without one, the task's, until they have sent their report.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce

from danvan.notify.providers import (
    DateRange,
    DueItem,
    item_url_template,
    people_of_units,
    ranges_q,
    supervisors_above,
)
from danvan.org.models import Role
from tasks.models import AssignmentRole, Task, TaskAssignment

URL_NAMES = ("tasks:detail", "tasks:task-detail", "task-detail")


def _open() -> QuerySet[Task]:
    return Task.objects.filter(
        cancelled=False,
        completed_on__isnull=True,
        deleted_at__isnull=True,
        awaiting_approval=False,
    )


class TaskDeadlines:
    subject = "task"

    def count(self, ranges: Sequence[DateRange]) -> int:
        if not ranges:
            return 0
        return _open().filter(ranges_q("due_on", ranges)).count()

    def items(self, ranges: Sequence[DateRange], *, chunk: int = 2000) -> Iterator[list[DueItem]]:
        if not ranges:
            return
        base = (
            _open()
            .filter(ranges_q("due_on", ranges))
            .order_by("pk")
            .values_list(
                "pk",
                "title",
                "due_on",
                "lead_unit_id",
                "lead_unit__name",
                "lead_unit__parent_id",
            )
        )
        last = 0
        while True:
            rows = list(base.filter(pk__gt=last)[:chunk])
            if not rows:
                return
            last = rows[-1][0]
            url = item_url_template(URL_NAMES, "/admin/tasks/task/{pk}/change/")
            people = people_of_units({r[3] for r in rows}, [Role.COMMUNE_CADRE, Role.SUPERVISOR])
            above = supervisors_above({r[5] for r in rows if r[5]})
            batch = []
            for pk, title, due, unit_id, unit_name, parent_id in rows:
                roles = people.get(unit_id, {})
                # The unit's cadres carry the task out; a unit without cadres (a province)
                # is told through its leaders.
                recipients = list(roles.get(Role.COMMUNE_CADRE) or roles.get(Role.SUPERVISOR) or [])
                batch.append(
                    DueItem(
                        key=f"task:{pk}",
                        deadline=due,  # type: ignore[arg-type]
                        unit_id=unit_id,
                        unit_name=unit_name,
                        title=title[:300],
                        url=url.format(pk=pk),
                        recipients=recipients,
                        escalation=list(above.get(parent_id, [])) if parent_id else [],
                    )
                )
            yield batch

    def current_deadlines(self, ids: Iterable[int]) -> dict[int, date]:
        found: dict[int, date] = dict(
            _open().filter(pk__in=list(ids), due_on__isnull=False).values_list("pk", "due_on")  # type: ignore[arg-type]
        )
        return found


def _coordinations() -> QuerySet[TaskAssignment]:
    return TaskAssignment.objects.filter(
        role=AssignmentRole.COORDINATE,
        reported_at__isnull=True,
        task__cancelled=False,
        task__completed_on__isnull=True,
        task__deleted_at__isnull=True,
    )


def _coordination_sides(ranges: Sequence[DateRange]) -> list[QuerySet[TaskAssignment]]:
    """
    Own date when set, else the task's, as two queries that each use an index (the partial
    `tasks_assignment_coord_due`, and `tasks_task_due_on` then the assignments by task): one
    OR across the two tables left PostgreSQL no index to use (two sequential scans, 46 ms at
    1,000,000 items even with nothing due).
    """
    return [
        _coordinations().filter(ranges_q("due_on", ranges)),
        _coordinations().filter(due_on__isnull=True).filter(ranges_q("task__due_on", ranges)),
    ]


class CoordinationDeadlines:
    subject = "task_assignment"

    def count(self, ranges: Sequence[DateRange]) -> int:
        if not ranges:
            return 0
        return sum(side.count() for side in _coordination_sides(ranges))

    def items(self, ranges: Sequence[DateRange], *, chunk: int = 2000) -> Iterator[list[DueItem]]:
        if not ranges:
            return
        sides = [
            side.annotate(deadline=Coalesce("due_on", F("task__due_on")))
            .order_by("pk")
            .values_list(
                "pk",
                "task_id",
                "task__title",
                "deadline",
                "unit_id",
                "unit__name",
                "unit__parent_id",
            )
            for side in _coordination_sides(ranges)
        ]
        last = 0
        while True:
            # The next `chunk` ids of either side (they are disjoint), merged in id order.
            rows = sorted(
                (row for side in sides for row in side.filter(pk__gt=last)[:chunk]),
                key=lambda row: row[0],
            )[:chunk]
            if not rows:
                return
            last = rows[-1][0]
            url = item_url_template(URL_NAMES, "/admin/tasks/task/{pk}/change/")
            people = people_of_units({r[4] for r in rows}, [Role.COMMUNE_CADRE, Role.SUPERVISOR])
            above = supervisors_above({r[6] for r in rows if r[6]})
            batch = []
            for pk, task_id, title, due, unit_id, unit_name, parent_id in rows:
                roles = people.get(unit_id, {})
                recipients = list(roles.get(Role.COMMUNE_CADRE) or roles.get(Role.SUPERVISOR) or [])
                batch.append(
                    DueItem(
                        key=f"task_assignment:{pk}",
                        deadline=due,
                        unit_id=unit_id,
                        unit_name=unit_name,
                        title=title[:300],
                        url=url.format(pk=task_id),
                        target=("task", task_id),
                        recipients=recipients,
                        escalation=list(above.get(parent_id, [])) if parent_id else [],
                    )
                )
            yield batch

    def current_deadlines(self, ids: Iterable[int]) -> dict[int, date]:
        found: dict[int, date] = dict(
            _coordinations()
            .filter(pk__in=list(ids))
            .annotate(deadline=Coalesce("due_on", F("task__due_on")))
            .filter(deadline__isnull=False)
            .values_list("pk", "deadline")
        )
        return found
