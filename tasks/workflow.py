"""
The steps of tasks, directive documents and meetings, declared once (danvan.core.records):
each gives its POST action and schema, its write gate and its place in `available_actions`.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from danvan.core.records import Step, Workflow
from tasks import selectors, services
from tasks import serializers as s
from tasks.models import Priority, Task

# What a timeline (the API's and the page's) shows for each kind of event.
EVENT_NAMES = {
    "created": _("Task created"),
    "updated": _("Task changed"),
    "cancelled": _("Cancelled"),
    "deleted": _("Deleted"),
    "cascaded": _("Passed down to the units below"),
    "progress_reported": _("Progress reported"),
    "completion_reported": _("Reported done"),
    "approved": _("Completion approved"),
    "returned": _("Returned for more work"),
    "next_occurrence_created": _("Next occurrence created"),
    "evidence_added": _("Evidence file added"),
    "directive_created": _("Document recorded"),
    "directive_linked": _("Linked to higher documents"),
    "directive_replaced": _("Replaced by a newer document"),
    "directive_file_attached": _("File attached"),
    "meeting_created": _("Meeting recorded"),
    "meeting_updated": _("Meeting changed"),
    "conclusion_added": _("Conclusion added"),
    "conclusions_to_tasks": _("Conclusions turned into tasks"),
}


# --- Answers of the steps that do not answer their record -------------------------------------
def _cascaded(view: Any, task: Task, children: list[Task]) -> Response:
    response = view.detail_response(task, status.HTTP_201_CREATED)
    response.data = {"created": len(children), "parent": response.data}
    return response


def _conclusion(view: Any, meeting: Any, conclusion: Any) -> Response:
    return Response(s.MeetingConclusionSerializer(conclusion).data, status=status.HTTP_201_CREATED)


def _tasks_made(view: Any, meeting: Any, tasks: list[Task]) -> Response:
    rows = selectors.task_list_for(view.request.user, today=timezone.localdate()).filter(
        pk__in=[t.pk for t in tasks]
    )
    return Response(
        s.TaskSerializer(rows.order_by("number"), many=True).data, status=status.HTTP_201_CREATED
    )


def _report(view: Any, task: Task, report: Any) -> Response:
    fresh = selectors.progress_reports_of(task).get(pk=report.pk)
    return Response(
        s.ProgressReportSerializer(fresh, context={"request": view.request}).data,
        status=status.HTTP_201_CREATED,
    )


def _deadline(request: Request, v: dict[str, Any]) -> dict[str, Any]:
    deadline = services.Deadline(due_on=v.pop("due_on", None), period=v.pop("period", ""))
    return {**v, "deadline": deadline, "priority": v.get("priority", Priority.NORMAL)}


# --- When a step is open ------------------------------------------------------------------------
def _awaiting_approval(actor: Any, task: Task) -> bool:
    return bool(task.awaiting_approval and not task.cancelled)


def _open(actor: Any, task: Task) -> bool:
    return not task.cancelled and task.completed_on is None


def _report_open(actor: Any, task: Task) -> bool:
    """A report the issuer has not decided on yet, to add files to."""
    return _open(actor, task) and task.progress_reports.filter(state="submitted").exists()


def _repeats(actor: Any, task: Task) -> bool:
    return bool(task.recurrence) and not Task.objects.filter(previous_occurrence=task).exists()


TASK_WORKFLOW = Workflow(
    record="task",
    steps=(
        Step(
            "update",
            s.TaskUpdateSerializer,
            services.task_update,
            "Change the title, description, deadline or priority",
            gate=services.require_task_issuer,
            method="partial_update",
            route=False,
        ),
        Step(
            "delete",
            None,
            services.task_delete,
            "Delete the task",
            gate=services.require_task_issuer,
            method="destroy",
            route=False,
        ),
        Step(
            "progress",
            s.TaskProgressJSONSerializer,
            services.progress_report_submit,
            "Report progress",
            gate=services.require_task_reporter,
            available=_open,
            route=False,
        ),
        Step(
            "evidence",
            s.EvidenceUploadSerializer,
            services.progress_evidence_add,
            "Add an evidence file (photo, scan) to a progress report you sent",
            gate=services.require_task_reporter,
            available=_report_open,
            multipart=True,
            respond=_report,
            response_schema=s.ProgressReportSerializer,
            status_code=status.HTTP_201_CREATED,
        ),
        Step(
            "cascade",
            s.TaskCascadeSerializer,
            services.task_cascade,
            "Give the task to every unit of a level below the lead unit, as sub-tasks",
            gate=services.require_task_lead,
            available=_open,
            respond=_cascaded,
            status_code=status.HTTP_201_CREATED,
            response_schema=inline_serializer(
                "CascadeResult",
                {"created": serializers.IntegerField(), "parent": s.TaskDetailSerializer()},
            ),
        ),
        Step(
            "approve",
            None,
            services.task_approve,
            "The issuer accepts the lead unit's completion report",
            gate=services.require_task_issuer,
            available=_awaiting_approval,
        ),
        Step(
            "return",
            s.TaskReasonSerializer,
            services.task_return,
            "The issuer sends the completion back, with a reason",
            gate=services.require_task_issuer,
            method="return_",
            available=_awaiting_approval,
        ),
        Step(
            "cancel",
            s.TaskReasonSerializer,
            services.task_cancel,
            "Cancel the task, with a reason",
            gate=services.require_task_issuer,
            available=_open,
        ),
        Step(
            "next_occurrence",
            None,
            services.task_create_next_occurrence,
            "Create (or return) the next occurrence of a repeating task",
            gate=services.require_task_issuer,
            available=_repeats,
            respond=lambda view, task, following: view.detail_response(
                following, status.HTTP_201_CREATED
            ),
            status_code=status.HTTP_201_CREATED,
        ),
    ),
)

DIRECTIVE_WORKFLOW = Workflow(
    record="directive",
    gate=services.require_directive_manager,
    steps=(
        Step(
            "link",
            s.DirectiveLinkSerializer,
            services.directive_link,
            "Record that this document implements the given higher documents",
        ),
        Step(
            "replace",
            s.DirectiveReplaceSerializer,
            services.directive_replace,
            "Mark this document replaced by a newer one",
        ),
        Step(
            "files",
            s.DirectiveFileSerializer,
            services.directive_attach_file,
            "Attach the document's file (scan, PDF)",
            multipart=True,
            status_code=status.HTTP_201_CREATED,
        ),
    ),
)

MEETING_WORKFLOW = Workflow(
    record="meeting",
    gate=services.require_meeting_organiser,
    steps=(
        Step(
            "update",
            s.MeetingUpdateSerializer,
            services.meeting_update,
            "Change what was recorded",
            method="partial_update",
            route=False,
        ),
        Step(
            "conclusions",
            s.ConclusionTextSerializer,
            services.meeting_add_conclusion,
            "Add the next numbered conclusion",
            respond=_conclusion,
            response_schema=s.MeetingConclusionSerializer,
            status_code=status.HTTP_201_CREATED,
        ),
        Step(
            "conclusions_to_tasks",
            s.ConclusionsToTasksSerializer,
            services.meeting_conclusions_to_tasks,
            "Every conclusion not yet a task becomes task number N, in one step",
            arguments=_deadline,
            gated=False,
            respond=_tasks_made,
            response_schema=s.TaskSerializer(many=True),
            status_code=status.HTTP_201_CREATED,
        ),
    ),
)
