"""Tasks: given, edited, cancelled, deleted, and passed down to every unit of a level at once."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Avg, F
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.errors import Conflict, ServiceError
from danvan.core.versions import check_version
from danvan.org.models import Unit, UnitLevel
from tasks import roles as actions
from tasks.models import (
    AssignmentRole,
    Directive,
    MeetingConclusion,
    Priority,
    Recurrence,
    Task,
    TaskAssignment,
    TaskEvent,
    TaskSource,
)
from tasks.services.base import (
    Deadline,
    _actor,
    _bulk_assign,
    _create_once,
    _event,
    _existing_by_client_id,
    _require_in_scope,
    _require_manager,
)


# --- Tasks ----------------------------------------------------------------------------------
@transaction.atomic
def task_create(
    *,
    actor: Any,
    title: str,
    issuing_unit: Unit,
    lead_unit: Unit,
    description: str = "",
    coordinating_units: Sequence[Unit] = (),
    coordinating_due_on: dict[int, datetime.date] | None = None,
    deadline: Deadline | None = None,
    priority: str = Priority.NORMAL,
    parent: Task | None = None,
    directive: Directive | None = None,
    conclusion: MeetingConclusion | None = None,
    number: int | None = None,
    recurrence: str = Recurrence.NONE,
    client_id: str | None = None,
) -> Task:
    existing = _existing_by_client_id(Task, client_id, actor)
    if existing is not None:
        return existing
    _require_manager(actor, issuing_unit, _("Only the issuing unit's leaders give tasks."))
    _require_in_scope(actor, lead_unit, "lead_unit")
    if not title.strip():
        raise ServiceError(_("The title is required."), field="title")
    deadline = deadline or Deadline()
    unknown = set(coordinating_due_on or {}) - {u.pk for u in coordinating_units}
    if unknown:
        raise ServiceError(
            _("A due date is given for a unit that is not coordinating this task."),
            field="coordinating_due_dates",
        )
    if recurrence and not deadline.due_on and not deadline.period:
        raise ServiceError(_("A repeating task needs a due date or a period."), field="recurrence")
    period_start, due_on, label = deadline.resolve()
    source = (
        TaskSource.CONCLUSION
        if conclusion
        else TaskSource.DIRECTIVE
        if directive
        else TaskSource.AD_HOC
    )
    task, created = _create_once(
        Task,
        client_id=client_id or None,
        actor=actor,
        number=number if number is not None else (conclusion.number if conclusion else None),
        title=title.strip(),
        description=description,
        source_kind=source,
        conclusion=conclusion,
        directive=directive,
        issuing_unit=issuing_unit,
        lead_unit=lead_unit,
        period_start=period_start,
        due_on=due_on,
        period_label=label,
        priority=priority,
        parent=parent,
        recurrence=recurrence,
        created_by=_actor(actor),
    )
    if not created:
        return task
    _bulk_assign([task], lead_unit, coordinating_units)
    if coordinating_due_on:
        # A coordinating unit may owe its part earlier than the task's deadline.
        for unit_id, due in coordinating_due_on.items():
            TaskAssignment.objects.filter(
                task=task, unit_id=unit_id, role=AssignmentRole.COORDINATE
            ).update(due_on=due)
    _event(
        actor=actor,
        action="created",
        task=task,
        lead_unit=lead_unit.pk,
        coordinating_units=[u.pk for u in coordinating_units],
        due_on=due_on.isoformat() if due_on else None,
    )
    return task


_EDITABLE = {"title", "description", "priority", "directive"}


@transaction.atomic
def task_update(
    *,
    actor: Any,
    task: Task,
    expected_version: int | None = None,
    deadline: Deadline | None = None,
    **changes: Any,
) -> Task:
    """Edit the wording, priority or deadline; not the status (that is derived)."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    check_version(task, expected_version)
    _require_manager(actor, task.issuing_unit, _("Only the issuing unit's leaders edit a task."))
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise ServiceError(_("This field cannot be changed here."), field=sorted(unknown)[0])
    before = {name: getattr(task, name) for name in changes}
    for name, value in changes.items():
        setattr(task, name, value)
    if "title" in changes and not str(task.title).strip():
        raise ServiceError(_("The title is required."), field="title")
    if deadline is not None:
        task.period_start, task.due_on, task.period_label = deadline.resolve()
        before["due_on"] = str(task.due_on)
    task.version += 1
    task.save()
    _event(
        actor=actor,
        action="updated",
        task=task,
        fields=sorted([*changes, *(["due_on"] if deadline else [])]),
        before={k: str(v) for k, v in before.items()},
    )
    return task


@transaction.atomic
def task_cancel(
    *, actor: Any, task: Task, reason: str, expected_version: int | None = None
) -> Task:
    task = Task.objects.select_for_update().get(pk=task.pk)
    check_version(task, expected_version)
    _require_manager(actor, task.issuing_unit, _("Only the issuing unit's leaders cancel a task."))
    if task.cancelled:
        raise Conflict(_("The task is cancelled."), code="invalid_transition")
    if task.completed_on is not None:
        raise Conflict(_("The task is already approved as done."), code="invalid_transition")
    if not reason.strip():
        raise ServiceError(_("Give the reason for cancelling."), field="reason")
    task.cancelled = True
    task.cancel_reason = reason.strip()
    task.version += 1
    task.save(update_fields=["cancelled", "cancel_reason", "version", "updated_at"])
    _event(actor=actor, action="cancelled", task=task, reason=task.cancel_reason)
    if task.parent_id:
        _rollup_parent(task.parent_id)
    return task


@transaction.atomic
def task_delete(*, actor: Any, task: Task, expected_version: int | None = None) -> None:
    """Soft delete, so that syncing clients learn the id is gone."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    check_version(task, expected_version)
    _require_manager(actor, task.issuing_unit, _("Only the issuing unit's leaders delete a task."))
    if task.children.filter(deleted_at__isnull=True).exists():
        raise Conflict(
            _("Delete or cancel the sub-tasks first."), field="children", code="has_children"
        )
    task.deleted_at = timezone.now()
    task.version += 1
    task.save(update_fields=["deleted_at", "version", "updated_at"])
    _event(actor=actor, action="deleted", task=task)
    if task.parent_id:
        _rollup_parent(task.parent_id)


@transaction.atomic
def task_cascade(
    *,
    actor: Any,
    task: Task,
    level: str = UnitLevel.COMMUNE,
    expected_version: int | None = None,
) -> list[Task]:
    """
    Give the task to every unit of `level` below its lead unit (for an organisation: below
    its territorial unit), as sub-tasks, in one step.

    Rows are written with bulk_create: on PostgreSQL one INSERT per table whatever the number
    of units (3,321 communes included); SQLite splits them into batches of at most 999
    parameters. Units that already have a sub-task are skipped, so a repeat creates nothing.
    """
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("lead_unit", "lead_unit__parent")
        .get(pk=task.pk)
    )
    check_version(task, expected_version)
    if level not in UnitLevel.values:
        raise ServiceError(_("Unknown level of units."), field="level")
    if task.cancelled or task.deleted_at:
        raise Conflict(_("A cancelled task cannot be cascaded."), code="invalid_transition")
    lead = task.lead_unit
    _require_manager(
        actor, lead, _("Only the lead unit's leaders can pass the task down."), actions.CASCADE_TASK
    )
    # An organisation (the province's Ban Dân vận) passes tasks to the units of the territory
    # it sits in; a territorial unit to the units below itself.
    territory = lead.parent if lead.level == UnitLevel.ORGANISATION and lead.parent else lead
    already = Task.objects.filter(
        parent=task, source_kind=TaskSource.CASCADE, deleted_at__isnull=True
    ).values("lead_unit_id")
    units = list(
        Unit.objects.filter(path__startswith=territory.path, level=level, is_active=True)
        .exclude(pk__in=[lead.pk, territory.pk])
        .exclude(pk__in=already)
        .order_by("path")
        .only("pk", "path")
    )
    if not units:
        return []
    creator = _actor(actor)
    children = Task.objects.bulk_create(
        [
            Task(
                number=index,
                title=task.title,
                description=task.description,
                source_kind=TaskSource.CASCADE,
                directive_id=task.directive_id,
                issuing_unit_id=lead.pk,
                lead_unit_id=unit.pk,
                period_start=task.period_start,
                due_on=task.due_on,
                period_label=task.period_label,
                priority=task.priority,
                parent=task,
                recurrence=Recurrence.NONE,
                created_by=creator,
            )
            for index, unit in enumerate(units, 1)
        ]
    )
    TaskAssignment.objects.bulk_create(
        [
            TaskAssignment(task_id=child.pk, unit_id=child.lead_unit_id, role=AssignmentRole.LEAD)
            for child in children
        ]
    )
    TaskEvent.objects.bulk_create(
        [
            TaskEvent(task_id=child.pk, actor=creator, action="created", data={"parent": task.pk})
            for child in children
        ]
    )
    # updated_at too (a queryset update skips auto_now): syncing phones must see the new version.
    Task.objects.filter(pk=task.pk).update(version=F("version") + 1, updated_at=timezone.now())
    _event(actor=actor, action="cascaded", task=task, level=level, count=len(children))
    return children


def _rollup_parent(parent_id: int) -> None:
    """A parent's progress is the average of its live sub-tasks': one aggregate, one update."""
    average = Task.objects.filter(
        parent_id=parent_id, deleted_at__isnull=True, cancelled=False
    ).aggregate(value=Avg("progress_percent"))["value"]
    Task.objects.filter(pk=parent_id).update(
        progress_percent=round(average or 0), version=F("version") + 1, updated_at=timezone.now()
    )
    grandparent = Task.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    if grandparent:
        _rollup_parent(grandparent)
