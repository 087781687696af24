"""
Every write to directives, meetings and tasks.

Keyword-only, typed, atomic; each takes `actor=` and writes a TaskEvent row in the same
transaction. Permission rules live here so the admin and the API obey the same ones.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Avg, F, Prefetch, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.errors import Conflict, ServiceError
from danvan.core.uploads import client_name, renamed, validate_upload
from danvan.core.versions import check_version
from danvan.org.models import Unit, UnitLevel
from danvan.org.permissions import Forbidden, holds_anywhere, require
from danvan.org.selectors import scope_paths
from tasks import roles as actions
from tasks.models import (
    PROGRESS_FIGURES,
    AssignmentRole,
    Directive,
    DirectiveFile,
    DirectiveStatus,
    Meeting,
    MeetingConclusion,
    Priority,
    ProgressEvidence,
    ProgressReport,
    Recurrence,
    ReportState,
    Task,
    TaskAssignment,
    TaskEvent,
    TaskSource,
)
from tasks.numbering import ParseError, format_full_number, parse_document_number
from tasks.periods import parse_period
from tasks.selectors import can_report, reporting_unit


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


# --- Directives -----------------------------------------------------------------------------
@transaction.atomic
def directive_create(
    *,
    actor: Any,
    number_text: str,
    title: str,
    issuing_unit: Unit | None = None,
    signer: str = "",
    summary: str = "",
    issued_on: datetime.date | None = None,
    issuer: str | None = None,
    implements: Iterable[Directive] = (),
    client_id: str | None = None,
) -> Directive:
    """Record a directive from its number as written ("Chỉ thị số 49-CT/TW, ngày 20/10/2015")."""
    existing = _existing_by_client_id(Directive, client_id, actor)
    if existing is not None:
        return existing
    if issuing_unit is not None:
        _require_manager(
            actor,
            issuing_unit,
            _("Only the issuing unit's leaders record its documents."),
            actions.MANAGE_DIRECTIVE,
        )
    elif not _manages_somewhere(actor):
        raise _forbidden(_("Only supervisors and administrators record directive documents."))
    try:
        parsed = parse_document_number(number_text)
    except ParseError as exc:
        raise ServiceError(exc.message, field="number") from None
    if not title.strip():
        raise ServiceError(_("The title is required."), field="title")
    refuse_duplicate_directive(
        parsed.type,
        parsed.number,
        (issuer or parsed.issuer).strip().upper(),
        parsed.term,
        issuing_unit,
        issued_on or parsed.date,
    )
    directive, created = _create_once(
        Directive,
        client_id=client_id or None,
        actor=actor,
        doc_type=parsed.type,
        number=parsed.number,
        issuer=(issuer or parsed.issuer).strip().upper(),
        term=parsed.term,
        issued_on=issued_on or parsed.date,
        issuing_unit=issuing_unit,
        signer=signer,
        title=title.strip(),
        summary=summary,
        created_by=_actor(actor),
        full_number="",
    )
    if not created:
        return directive
    directive.full_number = _full_number(directive)
    directive.save(update_fields=["full_number"])
    higher = list(implements)
    if higher:
        directive.implements.add(*higher)
    _event(
        actor=actor,
        action="directive_created",
        directive=directive,
        full_number=directive.full_number,
        implements=[d.pk for d in higher],
    )
    return directive


def refuse_duplicate_directive(
    doc_type: str,
    number: str,
    issuer: str,
    term: str,
    issuing_unit: Unit | None,
    issued_on: datetime.date | None,
) -> None:
    """
    The same document recorded twice would split its links and tasks. Numbers restart with each
    term and every province's committee is "TU", so a duplicate is the same number from the same
    issuing unit in the same year (or with the date unknown on either side).
    """
    same = Directive.objects.filter(
        doc_type=doc_type, number=number, issuer=issuer, term=term, issuing_unit=issuing_unit
    )
    if issued_on is not None:
        same = same.filter(Q(issued_on__isnull=True) | Q(issued_on__year=issued_on.year))
    existing = same.order_by("id").first()
    if existing is not None:
        raise Conflict(
            _(
                "%(number)s is already recorded (no. %(id)s: %(title)s); open it instead of "
                "recording it again."
            )
            % {"number": existing.full_number, "id": existing.pk, "title": existing.title},
            field="number",
            code="already_exists",
        )


def _full_number(directive: Directive) -> str:
    return format_full_number(
        directive.number, directive.doc_type, directive.issuer, directive.term
    )


def _manages_somewhere(actor: Any) -> bool:
    """A directive of no unit (a Politburo document): leaders of any unit record it."""
    return holds_anywhere(actor, actions.MANAGE_DIRECTIVE)


@transaction.atomic
def directive_link(
    *,
    actor: Any,
    directive: Directive,
    implements: Iterable[Directive],
    expected_version: int | None = None,
) -> None:
    """Record that `directive` carries out the higher documents `implements`."""
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    check_version(directive, expected_version)
    if directive.issuing_unit is not None:
        _require_manager(
            actor,
            directive.issuing_unit,
            _("Only the issuing unit's leaders link its documents."),
            actions.MANAGE_DIRECTIVE,
        )
    elif not _manages_somewhere(actor):
        raise _forbidden(_("Only supervisors and administrators link directive documents."))
    higher = [d for d in implements if d.pk != directive.pk]
    directive.implements.add(*higher)
    # updated_at too: a queryset update skips auto_now, and sync reads updated_at.
    Directive.objects.filter(pk=directive.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    _event(
        actor=actor,
        action="directive_linked",
        directive=directive,
        implements=[d.pk for d in higher],
    )


@transaction.atomic
def directive_replace(
    *,
    actor: Any,
    directive: Directive,
    replaced_by: Directive,
    expected_version: int | None = None,
) -> Directive:
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    check_version(directive, expected_version)
    if replaced_by.pk == directive.pk:
        raise ServiceError(_("A document cannot replace itself."), field="replaced_by")
    _require_directive_manager(actor, directive)
    directive.status = DirectiveStatus.REPLACED
    directive.replaced_by = replaced_by
    directive.version += 1
    directive.save(update_fields=["status", "replaced_by", "version", "updated_at"])
    _event(
        actor=actor, action="directive_replaced", directive=directive, replaced_by=replaced_by.pk
    )
    return directive


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


@transaction.atomic
def directive_attach_file(
    *,
    actor: Any,
    directive: Directive,
    file: UploadedFile,
    expected_version: int | None = None,
) -> DirectiveFile:
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    check_version(directive, expected_version)
    _require_directive_manager(actor, directive)
    content_type = validate_upload(file, field_name="file", label=_("file"))
    name = client_name(file, limit=255)
    attached = DirectiveFile.objects.create(
        directive=directive, file=renamed(file, content_type), name=name
    )
    Directive.objects.filter(pk=directive.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    _event(actor=actor, action="directive_file_attached", directive=directive, name=attached.name)
    return attached


# --- Meetings -------------------------------------------------------------------------------
@transaction.atomic
def meeting_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    organising_unit: Unit,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    place: str = "",
    chair_name: str = "",
    chair: Any = None,
    participating_units: Iterable[Unit] = (),
    bridge_points: Iterable[Unit] = (),
    bridge_point_count: int | None = None,
    agenda: str = "",
    minutes: str = "",
    directives_cited: Iterable[Directive] = (),
    conclusions: Sequence[str] = (),
    client_id: str | None = None,
) -> Meeting:
    existing = _existing_by_client_id(Meeting, client_id, actor)
    if existing is not None:
        return existing
    _require_manager(
        actor,
        organising_unit,
        _("Only the organising unit's leaders record its meetings."),
        actions.MANAGE_MEETING,
    )
    if starts_on and ends_on and ends_on < starts_on:
        raise ServiceError(_("The meeting cannot end before it starts."), field="ends_on")
    bridges = list(bridge_points)
    meeting, created = _create_once(
        Meeting,
        client_id=client_id or None,
        actor=actor,
        kind=kind,
        title=title,
        organising_unit=organising_unit,
        starts_on=starts_on,
        ends_on=ends_on,
        place=place,
        chair_name=chair_name or (str(chair) if chair else ""),
        chair=chair,
        bridge_point_count=bridge_point_count if bridge_point_count is not None else len(bridges),
        agenda=agenda,
        minutes=minutes,
        created_by=_actor(actor),
    )
    if not created:
        return meeting
    meeting.participating_units.set(list(participating_units))
    meeting.bridge_points.set(bridges)
    meeting.directives_cited.set(list(directives_cited))
    MeetingConclusion.objects.bulk_create(
        [
            MeetingConclusion(meeting=meeting, number=i, text=text.strip())
            for i, text in enumerate(conclusions, 1)
            if text.strip()
        ]
    )
    _event(actor=actor, action="meeting_created", meeting=meeting, conclusions=len(conclusions))
    return meeting


_MEETING_EDITABLE = {
    "kind",
    "title",
    "starts_on",
    "ends_on",
    "place",
    "chair_name",
    "bridge_point_count",
    "agenda",
    "minutes",
}
_MEETING_EDITABLE_SETS = {"participating_units", "bridge_points", "directives_cited"}


@transaction.atomic
def meeting_update(
    *, actor: Any, meeting: Meeting, expected_version: int | None = None, **changes: Any
) -> Meeting:
    """
    Edit a recorded meeting: the minutes written after it, a moved date, the units that took
    part. Its conclusions are added one by one (meeting_add_conclusion), never rewritten here.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    check_version(meeting, expected_version)
    _require_manager(
        actor,
        meeting.organising_unit,
        _("Only the organising unit's leaders edit its meetings."),
        actions.MANAGE_MEETING,
    )
    unknown = set(changes) - _MEETING_EDITABLE - _MEETING_EDITABLE_SETS
    if unknown:
        raise ServiceError(_("This field cannot be changed here."), field=sorted(unknown)[0])
    if "title" in changes and not str(changes["title"]).strip():
        raise ServiceError(_("The title is required."), field="title")
    before: dict[str, str] = {}
    for name in sorted(set(changes) & _MEETING_EDITABLE):
        before[name] = str(getattr(meeting, name))
        setattr(meeting, name, changes[name])
    if meeting.starts_on and meeting.ends_on and meeting.ends_on < meeting.starts_on:
        field = "ends_on" if "ends_on" in changes else "starts_on"
        raise ServiceError(_("The meeting cannot end before it starts."), field=field)
    for name in sorted(set(changes) & _MEETING_EDITABLE_SETS):
        before[name] = str(sorted(getattr(meeting, name).values_list("pk", flat=True)))
        getattr(meeting, name).set(list(changes[name]))
    meeting.version += 1
    meeting.save()
    _event(
        actor=actor,
        action="meeting_updated",
        meeting=meeting,
        fields=sorted(changes),
        before=before,
    )
    return meeting


@transaction.atomic
def meeting_add_conclusion(
    *, actor: Any, meeting: Meeting, text: str, expected_version: int | None = None
) -> MeetingConclusion:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    check_version(meeting, expected_version)
    _require_manager(
        actor,
        meeting.organising_unit,
        _("Only the organising unit's leaders record conclusions."),
        actions.MANAGE_MEETING,
    )
    if not text.strip():
        raise ServiceError(_("The conclusion is empty."), field="text")
    last = meeting.conclusions.order_by("-number").values_list("number", flat=True).first() or 0
    conclusion = MeetingConclusion.objects.create(
        meeting=meeting, number=last + 1, text=text.strip()
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    _event(actor=actor, action="conclusion_added", meeting=meeting, number=conclusion.number)
    return conclusion


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


@transaction.atomic
def meeting_conclusions_to_tasks(
    *,
    actor: Any,
    meeting: Meeting,
    lead_unit: Unit,
    issuing_unit: Unit | None = None,
    deadline: Deadline | None = None,
    priority: str = Priority.NORMAL,
    coordinating_units: Sequence[Unit] = (),
    expected_version: int | None = None,
) -> list[Task]:
    """
    Turn every conclusion not yet a task into task number N, in one step. Conclusions that
    already have a task are left alone, so running it again creates nothing.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    check_version(meeting, expected_version)
    issuer = issuing_unit or meeting.organising_unit
    _require_manager(actor, issuer, _("Only the issuing unit's leaders give tasks."))
    period_start, due_on, label = (deadline or Deadline()).resolve()
    pending = list(meeting.conclusions.filter(tasks__isnull=True).order_by("number"))
    if not pending:
        return []
    cited = meeting.directives_cited.first() if meeting.directives_cited.count() == 1 else None
    tasks = Task.objects.bulk_create(
        [
            Task(
                number=c.number,
                title=_first_sentence(c.text),
                description=c.text,
                source_kind=TaskSource.CONCLUSION,
                conclusion=c,
                directive=cited,
                issuing_unit=issuer,
                lead_unit=lead_unit,
                period_start=period_start,
                due_on=due_on,
                period_label=label,
                priority=priority,
                created_by=_actor(actor),
            )
            for c in pending
        ]
    )
    _bulk_assign(tasks, lead_unit, coordinating_units)
    TaskEvent.objects.bulk_create(
        [
            TaskEvent(
                task=t,
                actor=_actor(actor),
                action="created",
                data={"source": "conclusion", "meeting": meeting.pk, "number": t.number},
            )
            for t in tasks
        ]
    )
    # The meeting reads differently now (each conclusion lists its task): a new version.
    Meeting.objects.filter(pk=meeting.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    _event(actor=actor, action="conclusions_to_tasks", meeting=meeting, tasks=[t.pk for t in tasks])
    return tasks


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


FIGURE_KEYS = frozenset(PROGRESS_FIGURES)


def validate_figures(figures: dict[str, Any] | None) -> dict[str, int | float]:
    """Known keys only, each a number ≥ 0."""
    if not figures:
        return {}
    if not isinstance(figures, dict):
        raise ServiceError(_("Figures must be an object of name: number."), field="figures")
    clean: dict[str, int | float] = {}
    for key, value in figures.items():
        if key not in FIGURE_KEYS:
            raise ServiceError(
                _("Unknown figure “%(key)s”; known: %(known)s.")
                % {"key": key, "known": ", ".join(sorted(FIGURE_KEYS))},
                field="figures",
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ServiceError(
                _("The figure “%(key)s” must be a number of zero or more.") % {"key": key},
                field="figures",
            )
        clean[key] = value
    return clean


@transaction.atomic
def progress_report_submit(
    *,
    actor: Any,
    task: Task,
    text: str,
    percent: int,
    unit: Unit | None = None,
    figures: dict[str, Any] | None = None,
    files: Sequence[UploadedFile] = (),
    reported_on: datetime.date | None = None,
    client_id: str | None = None,
    expected_version: int | None = None,
) -> ProgressReport:
    """A unit reports progress; at 100 % the task waits for the issuer's approval."""
    if client_id:
        existing = ProgressReport.objects.filter(client_id=client_id).first()
        if existing is not None:
            if existing.task_id != task.pk or existing.author_id != getattr(actor, "pk", None):
                raise Conflict(
                    _("This client id is already used by another record."),
                    field="client_id",
                    code="client_id_taken",
                )
            return existing
    task = Task.objects.select_for_update().get(pk=task.pk)
    check_version(task, expected_version)
    prefetch_related_objects(
        [task], Prefetch("assignments", queryset=TaskAssignment.objects.select_related("unit"))
    )
    assignments = list(task.assignments.all())
    found = reporting_unit(actor, task)
    if found is None:
        raise _forbidden(_("Only the lead and coordinating units report on this task."))
    if task.cancelled:
        raise Conflict(_("The task is cancelled."), code="invalid_transition")
    if task.completed_on is not None:
        raise Conflict(_("The task is already approved as done."), code="invalid_transition")
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise ServiceError(_("The progress must be a whole number from 0 to 100."), field="percent")
    if not text.strip():
        raise ServiceError(_("Describe what was done."), field="text")
    clean_figures = validate_figures(figures)
    names = [client_name(f, limit=255) for f in files]
    for upload in files:
        renamed(upload, validate_upload(upload, field_name="evidence", label=_("evidence files")))
    reporting = unit or found
    if reporting is None or reporting.pk not in {a.unit_id for a in assignments}:
        raise ServiceError(_("This unit has no part in the task."), field="unit")
    # A named unit: the reporter must hold task.report_progress there, not only elsewhere.
    require(
        actor,
        actions.REPORT_PROGRESS,
        reporting,
        message=_("Only the lead and coordinating units report on this task."),
    )
    now = timezone.now()
    report, created = _create_once(
        ProgressReport,
        client_id=client_id or None,
        actor=actor,
        owner_field="author_id",
        task=task,
        unit=reporting,
        author=_actor(actor),
        reported_on=reported_on or timezone.localdate(),
        text=text.strip(),
        percent=percent,
        figures=clean_figures,
    )
    if not created:
        return report
    ProgressEvidence.objects.bulk_create(
        [
            ProgressEvidence(report=report, file=f, name=name)
            for f, name in zip(files, names, strict=True)
        ]
    )
    TaskAssignment.objects.filter(task=task, unit=reporting).update(
        report=report.text, reported_at=now
    )
    is_lead = reporting.pk == task.lead_unit_id
    if is_lead:
        task.progress_percent = percent
        task.awaiting_approval = percent == 100
    task.last_reported_at = now
    task.version += 1
    task.save(
        update_fields=[
            "progress_percent",
            "awaiting_approval",
            "last_reported_at",
            "version",
            "updated_at",
        ]
    )
    _event(
        actor=actor,
        action="progress_reported",
        task=task,
        report=report.pk,
        unit=reporting.pk,
        percent=percent,
        figures=clean_figures,
        files=len(files),
    )
    if task.parent_id and is_lead:
        _rollup_parent(task.parent_id)
    return report


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


def _latest_completion_report(task: Task) -> ProgressReport:
    report = (
        task.progress_reports.filter(
            state=ReportState.SUBMITTED, percent=100, unit_id=task.lead_unit_id
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if not task.awaiting_approval or report is None:
        raise Conflict(
            _("Nothing to approve: the lead unit has not reported the task done."),
            code="invalid_transition",
        )
    return report


@transaction.atomic
def task_approve(*, actor: Any, task: Task, expected_version: int | None = None) -> Task:
    """The issuer accepts the completion; the task counts as done on the report's date."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    check_version(task, expected_version)
    _require_manager(
        actor, task.issuing_unit, _("Only the issuing unit's leaders approve completion.")
    )
    report = _latest_completion_report(task)
    report.state = ReportState.APPROVED
    report.save(update_fields=["state"])
    task.completed_on = report.reported_on
    task.approved_at = timezone.now()
    task.approved_by = _actor(actor)
    task.awaiting_approval = False
    task.version += 1
    task.save(
        update_fields=[
            "completed_on",
            "approved_at",
            "approved_by",
            "awaiting_approval",
            "version",
            "updated_at",
        ]
    )
    _event(
        actor=actor,
        action="approved",
        task=task,
        report=report.pk,
        completed_on=report.reported_on.isoformat(),
    )
    return task


@transaction.atomic
def task_return(
    *, actor: Any, task: Task, reason: str, expected_version: int | None = None
) -> Task:
    """The issuer sends the completion back with a reason; the unit reports again."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    check_version(task, expected_version)
    _require_manager(actor, task.issuing_unit, _("Only the issuing unit's leaders return a task."))
    if not reason.strip():
        raise ServiceError(_("Give the reason for returning the task."), field="reason")
    report = _latest_completion_report(task)
    report.state = ReportState.RETURNED
    report.return_reason = reason.strip()
    report.save(update_fields=["state", "return_reason"])
    task.awaiting_approval = False
    task.version += 1
    task.save(update_fields=["awaiting_approval", "version", "updated_at"])
    _event(actor=actor, action="returned", task=task, report=report.pk, reason=report.return_reason)
    return task


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
