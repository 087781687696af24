"""
REST API for directives, meetings and tasks: thin viewsets over the selectors (reads) and
services (writes), with the one record contract of danvan.core.records (ETag, If-Match,
idempotent create, sync, timeline); their steps are declared in tasks.workflow.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from danvan.core.downloads import OCTET_STREAM, file_response
from danvan.core.gates import gate_create
from danvan.core.idempotency import create_once
from danvan.core.parsers import JSONParser
from danvan.core.records import IDEMPOTENCY_KEY, IF_MATCH, RecordViewSetMixin, record_api
from danvan.core.versions import expected_version
from danvan.org.models import Unit
from tasks import roles as actions
from tasks import selectors, services
from tasks.filters import DirectiveFilter, MeetingFilter, TaskFilter
from tasks.models import (
    Directive,
    Meeting,
    MeetingConclusion,
    Priority,
    ProgressReport,
    Recurrence,
    Task,
    TaskEvent,
)
from tasks.serializers import (
    DirectiveBriefSerializer,
    DirectiveCreateSerializer,
    DirectiveSerializer,
    MeetingCreateSerializer,
    MeetingSerializer,
    MeetingUpdateSerializer,
    ProgressReportSerializer,
    TaskCreateSerializer,
    TaskDetailSerializer,
    TaskProgressJSONSerializer,
    TaskProgressSerializer,
    TaskSerializer,
    TaskUpdateSerializer,
)
from tasks.workflow import DIRECTIVE_WORKFLOW, EVENT_NAMES, MEETING_WORKFLOW, TASK_WORKFLOW


def _made(record: Any, started: datetime.datetime) -> tuple[Any, bool]:
    """(record, created): a retry by the body's client id answers a row made before."""
    return record, record.created_at >= started


# --- Directives -------------------------------------------------------------------------------
@record_api(
    name="Directive",
    detail=DirectiveSerializer,
    row=DirectiveSerializer,
    workflow=DIRECTIVE_WORKFLOW,
)
class DirectiveViewSet(
    RecordViewSetMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Directive documents: readable by everyone signed in; recorded by supervisors."""

    serializer_class = DirectiveSerializer
    filterset_class = DirectiveFilter
    ordering = ("-id",)
    action_names = EVENT_NAMES

    def get_queryset(self) -> QuerySet[Directive]:
        brief = Directive.objects.only("id", "full_number", "title", "issued_on")
        return selectors.directives_visible_to(self.request.user).prefetch_related(
            Prefetch("implements", queryset=brief),
            Prefetch("implemented_by", queryset=brief),
            "files",
        )

    def scoped_record(self, pk: Any) -> Directive:
        return selectors.directive_get_for(self.request.user, pk)

    def timeline_events(self, record: Directive) -> QuerySet[TaskEvent]:
        return selectors.directive_timeline(record)

    @extend_schema(
        request=DirectiveCreateSerializer,
        responses={201: DirectiveSerializer, 200: DirectiveSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        gate_create(
            request.user,
            actions.MANAGE_DIRECTIVE,
            _("Only supervisors and administrators record directive documents."),
        )
        data = DirectiveCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        started = timezone.now()
        return self.create_once(
            Directive,
            lambda key: _made(
                services.directive_create(
                    actor=request.user,
                    number_text=values["number"],
                    title=values["title"],
                    summary=values.get("summary", ""),
                    signer=values.get("signer", ""),
                    issued_on=values.get("issued_on"),
                    issuer=values.get("issuer") or None,
                    issuing_unit=values.get("issuing_unit"),
                    implements=values.get("implements", []),
                    client_id=values.get("client_id") or None,
                ),
                started,
            ),
            body_key=values.get("client_id"),
        )

    @extend_schema(responses=DirectiveBriefSerializer(many=True))
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(
        detail=True,
        methods=["get"],
        url_path=r"files/(?P<file_id>[0-9]+)",
        url_name="file",
        pagination_class=None,
        filterset_class=None,
    )
    def file(self, request: Request, pk: str, file_id: str) -> Any:
        """One of the directive's files, named as sent (the `url` of a file)."""
        directive = self.get_object()
        found = selectors.directive_file_get_for(request.user, directive.pk, file_id)
        return file_response(found.file, name=found.name or "file", content_type=OCTET_STREAM)

    @action(detail=True, methods=["get"], pagination_class=None)
    def implements(self, request: Request, pk: str) -> Response:
        """The higher documents this one carries out."""
        directive = self.detail_record(self.get_object().pk)
        return Response(DirectiveBriefSerializer(directive.implements.all(), many=True).data)

    @extend_schema(responses=DirectiveBriefSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="implemented-by", pagination_class=None)
    def implemented_by(self, request: Request, pk: str) -> Response:
        """The documents that carry this one out."""
        directive = self.detail_record(self.get_object().pk)
        return Response(DirectiveBriefSerializer(directive.implemented_by.all(), many=True).data)


# --- Tasks ----------------------------------------------------------------------------------
@record_api(name="Task", detail=TaskDetailSerializer, row=TaskSerializer, workflow=TASK_WORKFLOW)
class TaskViewSet(
    RecordViewSetMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Tasks of the user's units: issued by them, led by them or coordinated by them."""

    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    ordering = ("-id",)
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    action_names = EVENT_NAMES

    def get_queryset(self) -> QuerySet[Task]:
        if self.action in ("list", "sync"):  # rows: the serializer reads their assignments
            return selectors.task_rows_for(self.request.user, today=timezone.localdate())
        return selectors.task_list_for(self.request.user, today=timezone.localdate())

    def scoped_record(self, pk: Any) -> Task:
        selectors.task_get_for(self.request.user, pk)
        return self.get_queryset().get(pk=pk)

    def timeline_events(self, record: Task) -> QuerySet[TaskEvent]:
        return selectors.task_timeline(record)

    def sync_deleted(self) -> QuerySet[Task]:
        return selectors.tasks_deleted_for(self.request.user)

    @extend_schema(
        request=TaskCreateSerializer,
        responses={201: TaskDetailSerializer, 200: TaskDetailSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        gate_create(
            request.user, actions.MANAGE_TASK, _("Only the issuing unit's leaders give tasks.")
        )
        data = TaskCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        parent = None
        if values.get("parent"):
            try:
                parent = selectors.task_get_for(request.user, values["parent"])
            except Exception:
                raise ValidationError({"parent": [_("This task does not exist.")]}) from None
        started = timezone.now()
        return self.create_once(
            Task,
            lambda key: _made(
                services.task_create(
                    actor=request.user,
                    title=values["title"],
                    description=values.get("description", ""),
                    issuing_unit=values["issuing_unit"],
                    lead_unit=values["lead_unit"],
                    coordinating_units=values.get("coordinating_units", []),
                    coordinating_due_on={
                        row["unit"].pk: row["due_on"]
                        for row in values.get("coordinating_due_dates", [])
                    },
                    deadline=data.deadline(),
                    priority=values.get("priority", Priority.NORMAL),
                    recurrence=values.get("recurrence", Recurrence.NONE),
                    directive=values.get("directive"),
                    parent=parent,
                    client_id=values.get("client_id") or None,
                ),
                started,
            ),
            body_key=values.get("client_id"),
        )

    @extend_schema(
        request=TaskUpdateSerializer, responses=TaskDetailSerializer, parameters=[IF_MATCH]
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self.get_object()
        data = TaskUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        has_deadline = "due_on" in values or "period" in values
        values.pop("due_on", None)
        values.pop("period", None)
        task = services.task_update(
            actor=request.user,
            task=task,
            expected_version=expected_version(request, task),
            deadline=data.deadline() if has_deadline else None,
            **values,
        )
        return self.detail_response(task)

    @extend_schema(parameters=[IF_MATCH], responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self.get_object()
        services.task_delete(
            actor=request.user, task=task, expected_version=expected_version(request, task)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(
        detail=True,
        methods=["get"],
        url_path=r"evidence/(?P<evidence_id>[0-9]+)",
        url_name="evidence-file",
        pagination_class=None,
        filterset_class=None,
    )
    def evidence_file(self, request: Request, pk: str, evidence_id: str) -> Any:
        """One evidence file of a progress report, named as sent (the `url` of the file)."""
        task = self.get_object()
        found = selectors.evidence_get_for(request.user, task.pk, evidence_id)
        return file_response(found.file, name=found.name or "file", content_type=OCTET_STREAM)

    @extend_schema(
        methods=["post"],
        # JSON; multipart too (to carry evidence files), documented in docs/api.md only.
        request={"application/json": TaskProgressJSONSerializer},
        responses={201: ProgressReportSerializer, 200: ProgressReportSerializer},
        parameters=[IF_MATCH, IDEMPOTENCY_KEY],
    )
    @extend_schema(methods=["get"], responses=ProgressReportSerializer(many=True))
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[JSONParser, MultiPartParser],
        pagination_class=None,
        filterset_class=None,
    )
    def progress(self, request: Request, pk: str) -> Response:
        """GET the progress reports; POST a report (JSON, or multipart with evidence files)."""
        task = self.get_object()
        if request.method == "GET":
            reports = selectors.progress_reports_of(task)
            return Response(
                ProgressReportSerializer(reports, many=True, context={"request": request}).data
            )
        data = TaskProgressSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        started = timezone.now()
        version = expected_version(request, task)
        report, created = create_once(
            request,
            ProgressReport,
            lambda key: _made(
                services.progress_report_submit(
                    actor=request.user,
                    task=task,
                    text=values["text"],
                    percent=values["percent"],
                    unit=values.get("unit"),
                    figures=values.get("figures"),
                    files=values.get("evidence", []),
                    reported_on=values.get("reported_on"),
                    client_id=values.get("client_id") or None,
                    expected_version=version,
                ),
                started,
            ),
            body_key=values.get("client_id"),
        )
        report = selectors.progress_reports_of(task).get(pk=report.pk)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(
            ProgressReportSerializer(report, context={"request": request}).data, status=code
        )


# --- Meetings -------------------------------------------------------------------------------
@record_api(
    name="Meeting", detail=MeetingSerializer, row=MeetingSerializer, workflow=MEETING_WORKFLOW
)
class MeetingViewSet(
    RecordViewSetMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Meetings of the user's units (organised there or attended by them)."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    ordering = ("-id",)
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_names = EVENT_NAMES

    def get_queryset(self) -> QuerySet[Meeting]:
        brief_units = Unit.objects.only("id", "code", "name")
        conclusions = MeetingConclusion.objects.order_by("number").prefetch_related(
            Prefetch("tasks", queryset=Task.objects.alive().only("id", "conclusion_id"))
        )
        return (
            selectors.meetings_visible_to(self.request.user)
            .select_related("organising_unit")
            .prefetch_related(
                Prefetch("participating_units", queryset=brief_units),
                Prefetch("bridge_points", queryset=brief_units),
                Prefetch(
                    "directives_cited",
                    queryset=Directive.objects.only("id", "full_number", "title", "issued_on"),
                ),
                Prefetch("conclusions", queryset=conclusions),
            )
        )

    def scoped_record(self, pk: Any) -> Meeting:
        return selectors.meeting_get_for(self.request.user, pk)

    def timeline_events(self, record: Meeting) -> QuerySet[TaskEvent]:
        return selectors.meeting_timeline(record)

    @extend_schema(
        request=MeetingCreateSerializer,
        responses={201: MeetingSerializer, 200: MeetingSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        gate_create(
            request.user,
            actions.MANAGE_MEETING,
            _("Only the organising unit's leaders record its meetings."),
        )
        data = MeetingCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        body_key = values.pop("client_id", None) or None
        started = timezone.now()
        return self.create_once(
            Meeting,
            lambda key: _made(
                services.meeting_create(actor=request.user, client_id=body_key, **values), started
            ),
            body_key=body_key,
        )

    @extend_schema(
        request=MeetingUpdateSerializer, responses=MeetingSerializer, parameters=[IF_MATCH]
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change what was recorded (minutes, dates, units); send If-Match with the ETag."""
        meeting = self.get_object()
        data = MeetingUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        services.meeting_update(
            actor=request.user,
            meeting=meeting,
            expected_version=expected_version(request, meeting),
            **data.validated_data,
        )
        return self.detail_response(meeting)
