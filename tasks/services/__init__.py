"""
Every write to directives, meetings and tasks.

Keyword-only, typed, atomic; each takes `actor=` and writes a TaskEvent row in the same
transaction. Permission rules live here so the admin and the API obey the same ones.

The services by concept: base, directives, meetings, tasks, progress, recurrence; every name is
re-exported here.
"""

from danvan.core.errors import Conflict, ServiceError
from danvan.core.versions import PreconditionFailed
from danvan.org.permissions import Forbidden
from tasks.services.base import (
    SYSTEM,
    Deadline,
    SystemActor,
    require_directive_manager,
    require_meeting_organiser,
    require_task_issuer,
    require_task_lead,
    require_task_reporter,
)
from tasks.services.directives import (
    directive_attach_file,
    directive_create,
    directive_link,
    directive_replace,
    refuse_duplicate_directive,
)
from tasks.services.meetings import (
    meeting_add_conclusion,
    meeting_conclusions_to_tasks,
    meeting_create,
    meeting_update,
)
from tasks.services.progress import (
    FIGURE_KEYS,
    progress_evidence_add,
    progress_report_submit,
    task_approve,
    task_return,
    validate_figures,
)
from tasks.services.recurrence import (
    recurring_tasks_needing_next,
    task_create_next_occurrence,
    tasks_create_due_occurrences,
)
from tasks.services.tasks import task_cancel, task_cascade, task_create, task_delete, task_update

__all__ = [
    "FIGURE_KEYS",
    "SYSTEM",
    "Conflict",
    "Deadline",
    "Forbidden",
    "PreconditionFailed",
    "ServiceError",
    "SystemActor",
    "directive_attach_file",
    "directive_create",
    "directive_link",
    "directive_replace",
    "meeting_add_conclusion",
    "meeting_conclusions_to_tasks",
    "meeting_create",
    "meeting_update",
    "progress_evidence_add",
    "progress_report_submit",
    "recurring_tasks_needing_next",
    "refuse_duplicate_directive",
    "require_directive_manager",
    "require_meeting_organiser",
    "require_task_issuer",
    "require_task_lead",
    "require_task_reporter",
    "task_approve",
    "task_cancel",
    "task_cascade",
    "task_create",
    "task_create_next_occurrence",
    "task_delete",
    "task_return",
    "task_update",
    "tasks_create_due_occurrences",
    "validate_figures",
]
