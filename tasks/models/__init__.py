"""
Directive documents, meetings and their conclusions, tasks with their assignments, progress
reports and the event timeline.

A task's status is never stored: it is derived from the cancelled flag, the completion date, the
deadline, the latest progress and today (`TaskQuerySet.with_status(today=...)` computes it in
SQL, `Task.status_on(today)` in Python, with the same rules).

The models by concept: base, directives, meetings, tasks, progress; every name is re-exported
here.
"""

from tasks.models.base import VersionedModel
from tasks.models.directives import (
    ISSUERS,
    Directive,
    DirectiveFile,
    DirectiveStatus,
    DirectiveType,
)
from tasks.models.meetings import Meeting, MeetingConclusion, MeetingKind
from tasks.models.progress import (
    PROGRESS_FIGURES,
    ProgressEvidence,
    ProgressReport,
    ReportState,
    TaskEvent,
)
from tasks.models.tasks import (
    AssignmentRole,
    Priority,
    Recurrence,
    Task,
    TaskAssignment,
    TaskQuerySet,
    TaskSource,
    TaskStatus,
)

__all__ = [
    "ISSUERS",
    "PROGRESS_FIGURES",
    "AssignmentRole",
    "Directive",
    "DirectiveFile",
    "DirectiveStatus",
    "DirectiveType",
    "Meeting",
    "MeetingConclusion",
    "MeetingKind",
    "Priority",
    "ProgressEvidence",
    "ProgressReport",
    "Recurrence",
    "ReportState",
    "Task",
    "TaskAssignment",
    "TaskEvent",
    "TaskQuerySet",
    "TaskSource",
    "TaskStatus",
    "VersionedModel",
]
