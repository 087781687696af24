"""
Meetings: recorded, edited after the fact, their numbered conclusions, and conclusions turned
into tasks in one step.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.errors import ServiceError
from danvan.core.versions import check_version
from danvan.org.models import Unit
from tasks import roles as actions
from tasks.models import (
    Directive,
    Meeting,
    MeetingConclusion,
    Priority,
    Task,
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
    _first_sentence,
    _require_manager,
)


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
