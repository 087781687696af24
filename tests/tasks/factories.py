"""Factories for directives, meetings and tasks."""

from __future__ import annotations

import datetime
from typing import Any

import factory

from danvan.org.models import Unit
from tasks.models import (
    AssignmentRole,
    Directive,
    DirectiveType,
    Meeting,
    MeetingKind,
    Task,
    TaskAssignment,
)


class DirectiveFactory(factory.django.DjangoModelFactory[Directive]):
    class Meta:
        model = Directive

    doc_type = DirectiveType.RESOLUTION
    number = factory.Sequence(lambda n: str(n + 1))
    issuer = "TW"
    full_number = factory.LazyAttribute(lambda d: f"{d.number}-{d.doc_type}/{d.issuer}")
    title = factory.Sequence(lambda n: f"Văn bản chỉ đạo {n}")


class MeetingFactory(factory.django.DjangoModelFactory[Meeting]):
    class Meta:
        model = Meeting

    kind = MeetingKind.BRIEFING
    title = factory.Sequence(lambda n: f"Hội nghị giao ban {n}")
    starts_on = datetime.date(2018, 6, 27)


def make_task(
    *,
    issuing_unit: Unit,
    lead_unit: Unit,
    title: str = "Nhiệm vụ thử",
    due_on: datetime.date | None = None,
    coordinating: list[Unit] | None = None,
    **fields: Any,
) -> Task:
    """A task with its lead assignment row, written directly (no permission check, no event)."""
    task = Task.objects.create(
        title=title, issuing_unit=issuing_unit, lead_unit=lead_unit, due_on=due_on, **fields
    )
    TaskAssignment.objects.create(task=task, unit=lead_unit, role=AssignmentRole.LEAD)
    for unit in coordinating or []:
        TaskAssignment.objects.create(task=task, unit=unit, role=AssignmentRole.COORDINATE)
    return task
