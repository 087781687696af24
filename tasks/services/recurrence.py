"""
Repeating tasks: the next occurrence with its dates, title and period moved one step, and the
daily job that creates them.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.errors import ServiceError
from danvan.core.versions import check_version
from tasks.models import (
    Recurrence,
    Task,
    TaskAssignment,
)
from tasks.services.base import _actor, _event, _require_manager

_STEP = {
    Recurrence.MONTHLY: relativedelta(months=1),
    Recurrence.QUARTERLY: relativedelta(months=3),
    Recurrence.SIX_MONTHLY: relativedelta(months=6),
    Recurrence.YEARLY: relativedelta(years=1),
}


def _shift(value: datetime.date | None, step: relativedelta) -> datetime.date | None:
    return value + step if value else None


@transaction.atomic
def task_create_next_occurrence(
    *,
    actor: Any,
    task: Task,
    not_before: datetime.date | None = None,
    expected_version: int | None = None,
) -> Task:
    """
    The next occurrence of a repeating task (the 15/10 anniversary of 2018 -> of 2019), with the
    same units and dates moved by one step. Idempotent: a second call returns the same task.

    With `not_before` (the daily job passes today) the step is repeated until the occurrence is
    not already over: a schedule that fell behind (a task recorded years after it began, or a
    job that did not run) resumes with the current occurrence instead of creating every missed
    one as overdue. How many were passed over is written on the previous task's timeline.
    """
    task = Task.objects.select_for_update().get(pk=task.pk)
    check_version(task, expected_version)
    _require_manager(actor, task.issuing_unit, _("Only the issuing unit's leaders give tasks."))
    if not task.recurrence:
        raise ServiceError(_("This task does not repeat."), field="recurrence")
    existing = Task.objects.filter(previous_occurrence=task).first()
    if existing is not None:
        return existing
    step = _STEP[Recurrence(task.recurrence)]
    due_on, period_start, label, title = _next_dates_and_names(
        task, step, task.due_on, task.period_start, task.period_label, task.title
    )
    skipped = 0
    while not_before and due_on and due_on < not_before:
        due_on, period_start, label, title = _next_dates_and_names(
            task, step, due_on, period_start, label, title
        )
        skipped += 1
    try:
        following = Task.objects.create(
            number=task.number,
            title=title,
            description=task.description,
            source_kind=task.source_kind,
            conclusion=task.conclusion,
            directive=task.directive,
            issuing_unit=task.issuing_unit,
            lead_unit=task.lead_unit,
            period_start=period_start,
            due_on=due_on,
            period_label=label,
            priority=task.priority,
            parent=task.parent,
            recurrence=task.recurrence,
            previous_occurrence=task,
            created_by=_actor(actor),
        )
    except IntegrityError:  # created concurrently by another worker
        return Task.objects.get(previous_occurrence=task)
    TaskAssignment.objects.bulk_create(
        [
            TaskAssignment(task=following, unit_id=a.unit_id, role=a.role)
            for a in task.assignments.all()
        ]
    )
    _event(actor=actor, action="created", task=following, previous_occurrence=task.pk)
    details: dict[str, Any] = {"next": following.pk}
    if skipped:
        details["skipped_occurrences"] = skipped
    _event(actor=actor, action="next_occurrence_created", task=task, **details)
    Task.objects.filter(pk=task.pk).update(version=F("version") + 1, updated_at=timezone.now())
    return following


def _next_dates_and_names(
    task: Task,
    step: Any,
    due_on: datetime.date | None,
    period_start: datetime.date | None,
    label: str,
    title: str,
) -> tuple[datetime.date | None, datetime.date | None, str, str]:
    """One step of a repeating task: its due date, period start, period label and title."""
    # A month-end period stays a month-end period (30/6 + 6 months = 31/12, not 30/12).
    if due_on and period_start and (due_on + datetime.timedelta(days=1)).day == 1:
        new_due = (due_on + datetime.timedelta(days=1) + step) - datetime.timedelta(days=1)
    else:
        new_due = _shift(due_on, step)
    if label and due_on and new_due and new_due.year != due_on.year:
        label = label.replace(str(due_on.year), str(new_due.year))
    if task.recurrence == Recurrence.SIX_MONTHLY and label:
        label = _flip_half(label)
    title = _advance_title(title, due_on, new_due, task.recurrence)
    return new_due, _shift(period_start, step), label, title


_ANNIVERSARY = re.compile(r"(kỷ niệm\s+)(\d{1,4})(\s+năm)", re.IGNORECASE)


_HALF_YEAR = re.compile(r"((?:6|sáu)\s+tháng\s+)(đầu|cuối)", re.IGNORECASE)


def _advance_title(
    title: str, old_due: datetime.date | None, new_due: datetime.date | None, recurrence: str
) -> str:
    """
    The title of the next occurrence: "kỷ niệm 88 năm … (15/10/1930 – 15/10/2018)" becomes
    "kỷ niệm 89 năm … (15/10/1930 – 15/10/2019)"; "6 tháng cuối năm 2018" becomes
    "6 tháng đầu năm 2019".
    """
    if recurrence == Recurrence.SIX_MONTHLY:
        title = _HALF_YEAR.sub(
            lambda m: m[1] + {"đầu": "cuối", "cuối": "đầu"}.get(m[2].lower(), m[2]), title
        )
    if not (old_due and new_due) or new_due.year == old_due.year:
        return title
    years = new_due.year - old_due.year
    title = re.sub(rf"(?<!\d){old_due.year}(?!\d)", str(new_due.year), title)
    return _ANNIVERSARY.sub(lambda m: f"{m[1]}{int(m[2]) + years}{m[3]}", title)


def _flip_half(label: str) -> str:
    if "đầu" in label:
        return label.replace("đầu", "cuối")
    if "cuối" in label:
        return label.replace("cuối", "đầu")
    return label


def recurring_tasks_needing_next(*, today: datetime.date, lead_days: int = 30) -> Any:
    """Repeating tasks whose deadline is within `lead_days` and that have no next occurrence."""
    return Task.objects.alive().filter(
        recurrence__gt="",
        cancelled=False,
        due_on__lte=today + datetime.timedelta(days=lead_days),
        next_occurrence__isnull=True,
    )


def tasks_create_due_occurrences(*, actor: Any, today: datetime.date, lead_days: int = 30) -> int:
    """Create the next occurrence of every repeating task due within `lead_days`; safe to rerun."""
    made = 0
    for task in recurring_tasks_needing_next(today=today, lead_days=lead_days).iterator():
        task_create_next_occurrence(actor=actor, task=task, not_before=today)
        made += 1
    return made
