"""
What every task, meeting and directive service shares: the system actor, the timeline,
idempotent creates, who may manage a unit's records, deadlines given as a date or a period.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from danvan.core.errors import Conflict, ServiceError
from danvan.org.models import Unit
from danvan.org.permissions import Forbidden, holds_anywhere, require
from danvan.org.selectors import scope_paths
from tasks import roles as actions
from tasks.models import (
    AssignmentRole,
    Directive,
    Meeting,
    Task,
    TaskAssignment,
    TaskEvent,
)
from tasks.numbering import ParseError
from tasks.periods import parse_period
from tasks.selectors import can_report


class SystemActor:
    """Seeders and scheduled jobs: allowed everywhere, recorded as nobody in particular."""

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return True

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()


def _forbidden(message: str) -> ServiceError:
    return Forbidden(message)


def _event(
    *,
    actor: Any,
    action: str,
    task: Task | None = None,
    meeting: Meeting | None = None,
    directive: Directive | None = None,
    **data: Any,
) -> TaskEvent:
    return TaskEvent.objects.create(
        task=task,
        meeting=meeting,
        directive=directive,
        actor=_actor(actor),
        action=action,
        data=data,
    )


def _existing_by_client_id(
    model: Any, client_id: str | None, actor: Any, owner_field: str = "created_by_id"
) -> Any:
    """A retried create (same client id) returns the first result instead of a duplicate."""
    if not client_id:
        return None
    existing = model.objects.filter(client_id=client_id).first()
    if existing is not None and getattr(existing, owner_field) != getattr(actor, "pk", None):
        raise Conflict(
            _("This client id is already used by another record."),
            field="client_id",
            code="client_id_taken",
        )
    return existing


def _create_once(
    model: Any,
    *,
    client_id: str | None,
    actor: Any,
    owner_field: str = "created_by_id",
    **fields: Any,
) -> tuple[Any, bool]:
    """
    Create the row; when a concurrent retry with the same client id committed first, the
    unique constraint refuses ours and we return theirs (no duplicate, no 500).
    """
    if not client_id:
        return model.objects.create(**fields), True
    try:
        with transaction.atomic():
            return model.objects.create(client_id=client_id, **fields), True
    except IntegrityError:
        existing = _existing_by_client_id(model, client_id, actor, owner_field)
        if existing is None:
            raise
        return existing, False


def _require_manager(
    actor: Any, unit: Unit, message: str, action: str = actions.MANAGE_TASK
) -> None:
    """`action` (by default task.manage) held at `unit` or a unit above it."""
    require(actor, action, unit, message=message)


def _require_in_scope(actor: Any, unit: Unit, field: str) -> None:
    paths = scope_paths(actor)
    if paths is not None and not any(unit.path.startswith(p) for p in paths):
        raise ServiceError(_("This unit does not exist or is outside your units."), field=field)


# --- Who may change a record at all (asked by the API before it reads the input) -----------
def require_task_issuer(actor: Any, task: Task) -> None:
    _require_manager(actor, task.issuing_unit, _("Only the issuing unit's leaders edit a task."))


def require_task_lead(actor: Any, task: Task) -> None:
    _require_manager(
        actor, task.lead_unit, _("Only the lead unit's leaders can pass the task down.")
    )


def require_task_reporter(actor: Any, task: Task) -> None:
    if not can_report(actor, task):
        raise _forbidden(_("Only the lead and coordinating units report on this task."))


def require_meeting_organiser(actor: Any, meeting: Meeting) -> None:
    _require_manager(
        actor, meeting.organising_unit, _("Only the organising unit's leaders edit its meetings.")
    )


def require_directive_manager(actor: Any, directive: Directive) -> None:
    _require_directive_manager(actor, directive)


def _manages_somewhere(actor: Any) -> bool:
    """A directive of no unit (a Politburo document): leaders of any unit record it."""
    return holds_anywhere(actor, actions.MANAGE_DIRECTIVE)


def _require_directive_manager(actor: Any, directive: Directive) -> None:
    if directive.issuing_unit is not None:
        _require_manager(
            actor,
            directive.issuing_unit,
            _("Only the issuing unit's leaders change its documents."),
            actions.MANAGE_DIRECTIVE,
        )
    elif not _manages_somewhere(actor):
        raise _forbidden(_("Only supervisors and administrators record directive documents."))


@dataclass(frozen=True)
class Deadline:
    """A due date, or a period written in words (its end is the due date)."""

    due_on: datetime.date | None = None
    period: str = ""

    def resolve(self) -> tuple[datetime.date | None, datetime.date | None, str]:
        if self.period:
            try:
                parsed = parse_period(self.period)
            except ParseError as exc:
                raise ServiceError(exc.message, field="period") from None
            if self.due_on and self.due_on != parsed.end:
                raise ServiceError(
                    _("Give either a due date or a period, not both."), field="due_on"
                )
            return parsed.start, parsed.end, parsed.label
        return None, self.due_on, ""


def _actor(actor: Any) -> Any:
    """The user to record as author: None for anonymous and for the system."""
    if getattr(actor, "pk", None) is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def _first_sentence(text: str, limit: int = 200) -> str:
    first = text.strip().split(". ")[0].strip().rstrip(".")
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def _bulk_assign(tasks: Sequence[Task], lead_unit: Unit, coordinating: Sequence[Unit]) -> None:
    rows = []
    for task in tasks:
        rows.append(TaskAssignment(task=task, unit=lead_unit, role=AssignmentRole.LEAD))
        rows.extend(
            TaskAssignment(task=task, unit=unit, role=AssignmentRole.COORDINATE)
            for unit in coordinating
            if unit.pk != lead_unit.pk
        )
    TaskAssignment.objects.bulk_create(rows)
