"""
Every read of directives, meetings and tasks, scoped like the rest of the system.

- Directives are reference documents: any signed-in person may read them.
- A meeting is visible to people of its organising unit or of a participating unit (or above).
- A task is visible to people of its issuing unit, its lead unit or a coordinating unit
  (or above them).
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.db.models import (
    Avg,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Round
from django.http import Http404

from danvan.org.permissions import can, roles_granting, units_q
from danvan.org.selectors import (
    SMALL_SCOPE_UNITS,
    InAnyOf,
    held_roles,
    scope_paths,
    scope_q,
    scope_unit_ids,
)
from tasks import roles as actions
from tasks.models import (
    AssignmentRole,
    Directive,
    DirectiveFile,
    Meeting,
    ProgressEvidence,
    ProgressReport,
    Task,
    TaskAssignment,
    TaskEvent,
    TaskQuerySet,
)


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def can_manage(user: Any, unit: Any) -> bool:
    """May give, edit, approve and return the tasks issued by `unit` (task.manage there)."""
    return can(user, actions.MANAGE_TASK, unit)


# --- Directives -----------------------------------------------------------------------------
def directives_visible_to(user: Any) -> QuerySet[Directive]:
    if not getattr(user, "is_authenticated", False):
        return Directive.objects.none()
    return Directive.objects.select_related("issuing_unit", "replaced_by")


def directive_get_for(user: Any, directive_id: Any) -> Directive:
    try:
        return directives_visible_to(user).get(pk=_pk(directive_id))
    except Directive.DoesNotExist:
        raise Http404 from None


def directive_file_get_for(user: Any, directive_id: Any, file_id: Any) -> DirectiveFile:
    """A file of a directive the user may read; 404 otherwise."""
    try:
        return DirectiveFile.objects.get(
            pk=_pk(file_id),
            directive__in=directives_visible_to(user).values("pk"),
            directive_id=_pk(directive_id),
        )
    except DirectiveFile.DoesNotExist:
        raise Http404 from None


# --- Meetings -------------------------------------------------------------------------------
def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    if scope_paths(user) is None:
        return Meeting.objects.all()
    participating = Meeting.participating_units.through.objects.filter(
        scope_q(user, "unit"), meeting_id=OuterRef("pk")
    )
    return Meeting.objects.filter(Q(scope_q(user, "organising_unit")) | Q(Exists(participating)))


def meeting_get_for(user: Any, meeting_id: Any) -> Meeting:
    try:
        return meetings_visible_to(user).get(pk=_pk(meeting_id))
    except Meeting.DoesNotExist:
        raise Http404 from None


# --- Tasks ----------------------------------------------------------------------------------
def tasks_visible_to(user: Any) -> TaskQuerySet:
    """Live (not deleted) tasks the user may see."""
    return _tasks_in_scope(user, Task.objects.alive())


def _tasks_in_scope(user: Any, queryset: TaskQuerySet) -> TaskQuerySet:
    """
    Tasks issued by, led by or coordinated by a unit of the user's subtrees, by unit ids
    (`scope_unit_ids`, read once): the same rows as the joined unit paths (`scope_q`) kept.
    """
    paths = scope_paths(user)
    if paths is None:
        return queryset
    if any(path.count("/") <= 2 for path in paths):  # a post at a root unit ("/TW/")
        return _tasks_by_paths(user, queryset)
    ids = scope_unit_ids(user)
    if isinstance(ids, list) and not ids:
        return queryset.none()
    if isinstance(ids, list) and len(ids) <= SMALL_SCOPE_UNITS:
        return queryset.filter(
            InAnyOf(
                "pk",
                Task.objects.filter(issuing_unit_id__in=ids).order_by().values("pk"),
                Task.objects.filter(lead_unit_id__in=ids).order_by().values("pk"),
                TaskAssignment.objects.filter(unit_id__in=ids).order_by().values("task_id"),
            )
        )
    if isinstance(ids, list):
        coordinating = TaskAssignment.objects.filter(unit_id__in=ids, task_id=OuterRef("pk"))
        return queryset.filter(
            Q(issuing_unit_id__in=ids) | Q(lead_unit_id__in=ids) | Q(Exists(coordinating))
        )
    return _tasks_by_paths(user, queryset)


def _tasks_by_paths(user: Any, queryset: TaskQuerySet) -> TaskQuerySet:
    """
    The scope on the units' paths, for a national scope (a post at a root unit, or past
    SCOPE_IDS_LIMIT units): nearly every task is in it, so the newest are tested on the paths
    of the units the list joins anyway. Cheaper than reading 2,000 unit ids first, or hashing
    every unit id of a subquery (3.4 ms against 0.4 ms on 100,000 tasks).
    """
    coordinating = TaskAssignment.objects.filter(scope_q(user, "unit"), task_id=OuterRef("pk"))
    return queryset.filter(
        Q(scope_q(user, "issuing_unit")) | Q(scope_q(user, "lead_unit")) | Q(Exists(coordinating))
    )


def task_get_for(user: Any, task_id: Any) -> Task:
    """The task if the user may see it; 404 otherwise (no hint that it exists)."""
    try:
        return (
            tasks_visible_to(user).select_related("issuing_unit", "lead_unit").get(pk=_pk(task_id))
        )
    except Task.DoesNotExist:
        raise Http404 from None


def tasks_deleted_for(user: Any) -> QuerySet[Task]:
    """Deleted tasks the user could see: what a sync reports as deleted."""
    return _tasks_in_scope(user, Task.objects.filter(deleted_at__isnull=False))


def rollup_percent(task: Task) -> float | None:
    """Average progress of the task's sub-tasks (one aggregate query); None without any."""
    value = task.children.filter(deleted_at__isnull=True, cancelled=False).aggregate(
        value=Avg("progress_percent")
    )["value"]
    return None if value is None else round(float(value), 1)


def with_rollup(queryset: TaskQuerySet) -> TaskQuerySet:
    """Annotate `rollup_percent`: the average of the sub-tasks' progress, one subquery."""
    children = (
        Task.objects.filter(parent=OuterRef("pk"), deleted_at__isnull=True, cancelled=False)
        .order_by()
        .values("parent")
        .annotate(value=Round(Avg("progress_percent"), 1))
        .values("value")
    )
    return queryset.annotate(rollup_percent=Subquery(children))


@functools.lru_cache(maxsize=4)
def _rows_base(today: datetime.date) -> TaskQuerySet:
    """
    The rows' queryset before the scope, built once a day and only ever cloned (`.all()`;
    never evaluated): its status `CASE` and roll-up subquery cost ~1 ms to build per request.
    """
    return with_rollup(
        Task.objects.alive()
        .with_status(today=today)
        .select_related("issuing_unit", "lead_unit")
        .defer("search_text")
    )


def task_rows_for(user: Any, *, today: datetime.date) -> TaskQuerySet:
    """
    What the API's list and sync serialise: scoped, status and roll-up annotated, the two
    units joined; the assignments are read by the serializer, one query for the page
    (`TaskSerializer`'s list), without building model instances for them.
    """
    return _tasks_in_scope(user, _rows_base(today).all())


def task_list_for(user: Any, *, today: datetime.date) -> TaskQuerySet:
    """What list screens show: scoped, with status and roll-up annotated, relations prefetched."""
    assignments = TaskAssignment.objects.select_related("unit").order_by("role", "id")
    return with_rollup(
        tasks_visible_to(user)
        .with_status(today=today)
        .select_related("issuing_unit", "lead_unit")
        .prefetch_related(Prefetch("assignments", queryset=assignments))
    )


def awaiting_approval_q(user: Any) -> Q:
    """
    Tasks whose lead unit reported them done and that `user` may approve: task.manage held
    at the issuing unit or above (the one rule, as a filter; a role in another post grants
    nothing here).
    """
    return Q(units_q(user, actions.MANAGE_TASK, "issuing_unit"), awaiting_approval=True)


def awaiting_approval_by(queryset: TaskQuerySet, user: Any) -> TaskQuerySet:
    return queryset.filter(awaiting_approval_q(user))


def _reporting_paths(user: Any) -> list[str]:
    """Paths of the units where the user holds a post granting task.report_progress."""
    roles = roles_granting(actions.REPORT_PROGRESS)
    return sorted({path for role, path in held_roles(user) if role in roles})


def reports_for_a_unit(user: Any) -> bool:
    """Holds a post that reports on tasks (a superuser without one reports for no unit)."""
    return bool(_reporting_paths(user))


def awaiting_report_q(user: Any) -> Q:
    """
    Tasks still waiting for a report from one of the user's own units: a unit where they hold
    a post granting task.report_progress (not the units below it: a leader's home page is not
    every commune's to-do list) leads or coordinates the task and has not reported on it yet,
    and the task is neither finished, cancelled nor awaiting approval.
    """
    paths = _reporting_paths(user)
    if not paths:
        return Q(pk__in=[])
    mine = TaskAssignment.objects.filter(
        task_id=OuterRef("pk"), unit__path__in=paths, reported_at__isnull=True
    )
    return Q(Exists(mine), cancelled=False, completed_on__isnull=True, awaiting_approval=False)


def awaiting_report_by(queryset: TaskQuerySet, user: Any) -> TaskQuerySet:
    return queryset.filter(awaiting_report_q(user))


def my_work_counts(user: Any) -> dict[str, int]:
    """The home page's task counts, one aggregate query: to report on, to approve."""
    counts = tasks_visible_to(user).aggregate(
        to_report=Count("pk", filter=awaiting_report_q(user)),
        to_approve=Count("pk", filter=awaiting_approval_q(user)),
    )
    return {key: value or 0 for key, value in counts.items()}


def tasks_of_unit_subtree(queryset: TaskQuerySet, path: str) -> TaskQuerySet:
    """Tasks led by, or coordinated by, a unit in the subtree at `path`."""
    coordinating = TaskAssignment.objects.filter(
        unit__path__startswith=path, task_id=OuterRef("pk")
    )
    return queryset.filter(Q(lead_unit__path__startswith=path) | Q(Exists(coordinating)))


def task_timeline(task: Task) -> QuerySet[TaskEvent]:
    return TaskEvent.objects.filter(task=task).select_related("actor").order_by("at", "id")


def directive_timeline(directive: Directive) -> QuerySet[TaskEvent]:
    return (
        TaskEvent.objects.filter(directive=directive).select_related("actor").order_by("at", "id")
    )


def meeting_timeline(meeting: Meeting) -> QuerySet[TaskEvent]:
    return TaskEvent.objects.filter(meeting=meeting).select_related("actor").order_by("at", "id")


def progress_reports_of(task: Task) -> QuerySet[ProgressReport]:
    return (
        ProgressReport.objects.filter(task=task)
        .select_related("unit", "author")
        .prefetch_related("evidence")
    )


def evidence_get_for(user: Any, task_id: Any, evidence_id: Any) -> ProgressEvidence:
    """An evidence file of a progress report on a task the user may see; 404 otherwise."""
    try:
        return ProgressEvidence.objects.select_related("report").get(
            pk=_pk(evidence_id),
            report__task__in=tasks_visible_to(user).values("pk"),
            report__task_id=_pk(task_id),
        )
    except ProgressEvidence.DoesNotExist:
        raise Http404 from None


def reporting_unit(user: Any, task: Task) -> Any:
    """
    The unit the user reports for: the lead unit if they may report there (task.report_progress
    held at it or above), else the first coordinating unit where they may; None otherwise.
    Uses the task's prefetched assignments when the list selectors prefetched them.
    """
    prefetched = getattr(task, "_prefetched_objects_cache", {})
    rows = (
        task.assignments.all()
        if "assignments" in prefetched
        else task.assignments.select_related("unit")
    )
    assignments = sorted(rows, key=lambda a: (a.role != AssignmentRole.LEAD, a.pk))
    for assignment in assignments:
        if can(user, actions.REPORT_PROGRESS, assignment.unit):
            return assignment.unit
    return None


def can_report(user: Any, task: Task) -> bool:
    """May report progress on the task: task.report_progress at its lead or a coordinating unit."""
    return reporting_unit(user, task) is not None
